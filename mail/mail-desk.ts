import type { DataSource } from 'typeorm';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import type { MailConfig } from '../cli/config.ts';
import type { IngestDeps } from './inbound/ingest.ts';
import type { SyncOptions } from './imap/sync-mailbox.ts';
import { parseImapUrl, type ImapTarget } from './imap/imap-client.ts';
import { createTemplates } from '../templates/catalog.ts';
import { agreementSha256 } from '../templates/agreement.ts';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.ts';

export interface MailDeskInput {
  readonly ds: DataSource;
  readonly ports: DeskPorts;
  readonly mail: MailConfig;
  readonly officialDomains: readonly string[];
  readonly maxFileBytes: number;
  readonly maxMessageBytes: number;
  readonly afterCommit: () => Promise<void>;
  /** Signs CSRs mailed after SETUJU (sandbox); null or absent with BSrE by hand. */
  readonly ca?: CertificateAuthority | null;
}

export interface MailDesk {
  readonly ingest: IngestDeps;
  readonly target: ImapTarget | null;
  readonly sync: SyncOptions | null;
}

/** The address part of `Nama <ra@pontianak.go.id>`. */
export const addressOf = (from: string): string => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();

/** Wires the mail channel from configuration; the same pieces serve `serve`, `mail sync` and `mail ingest`. */
export function createMailDesk(i: MailDeskInput): MailDesk {
  const templates = createTemplates();
  const ingest: IngestDeps = {
    ds: i.ds, ports: i.ports, maxMessageBytes: i.maxMessageBytes, afterCommit: i.afterCommit,
    policy: {
      authservId: i.mail.authservId, officialDomains: i.officialDomains, ourAddress: addressOf(i.mail.from),
      agreementSha256: (requestId) => agreementSha256(templates, requestId),
      ca: i.ca ?? null, templates,
    },
  };
  const target = i.mail.imapUrl ? parseImapUrl(i.mail.imapUrl) : null;
  return {
    ingest, target,
    sync: target ? {
      mailbox: target.mailbox, processedFolder: i.mail.processedFolder, quarantineFolder: i.mail.quarantineFolder,
      retainDays: i.mail.retainDays, maxFileBytes: i.maxFileBytes, maxMessageBytes: i.maxMessageBytes, now: () => i.ports.clock.now(),
    } : null,
  };
}
