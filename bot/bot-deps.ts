import type { DataSource } from 'typeorm';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import type { Templates } from '../templates/catalog.ts';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.ts';
import type { CertificateVerifier } from '../domain/ports/certificate-verifier.ts';

/** What the bot's features may use: the same domain ports as every channel, plus bot-only helpers. */
export interface BotDeps {
  readonly ds: DataSource;
  readonly ports: DeskPorts;
  readonly t: Templates;
  /** Encrypts a value kept in a chat's conversation state (a NIK typed mid-application). */
  readonly seal: (plain: string) => string;
  readonly unseal: (token: string) => string;
  /** Downloads a file a user sent (Bot API `getFile` path). */
  readonly download: (filePath: string) => Promise<Buffer>;
  /** The sandbox CA signs CSRs at once; null with `bsre-manual`, where officers carry the request to BSrE. */
  readonly ca: CertificateAuthority | null;
  /** Checks a certificate an officer uploads from BSrE against `RA_CA_ROOTS` (bsre-manual). */
  readonly verifier: CertificateVerifier;
}
