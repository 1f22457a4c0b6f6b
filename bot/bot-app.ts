import type { DataSource } from 'typeorm';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import type { KeyRing } from '../storage/crypto/keys.ts';
import { createFieldCipher } from '../storage/crypto/field-cipher.ts';
import { createTemplates } from '../templates/catalog.ts';
import type { BotDeps } from './bot-deps.ts';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.ts';
import type { CertificateVerifier } from '../domain/ports/certificate-verifier.ts';
import { createCertificateVerifier } from '../storage/ca/certificate-verifier.ts';
import { createDeskBot, type BotOptions } from './create-bot.ts';

/** Builds the bot over an opened desk (CLI `serve`, tests and the demo use the same wiring). */
export function createBotFor(ds: DataSource, ports: DeskPorts, keys: KeyRing, o: BotOptions & { ca?: CertificateAuthority | null; verifier?: CertificateVerifier }) {
  const cipher = createFieldCipher(keys);
  const deps: BotDeps = {
    ds, ports, t: createTemplates(), ca: o.ca ?? null,
    // Without RA_CA_ROOTS every import is refused with CERTIMPORT.NO_ROOTS, which says what to configure.
    verifier: o.verifier ?? createCertificateVerifier([]),
    seal: (plain) => cipher.encrypt(plain),
    unseal: (token) => cipher.decrypt(token),
    async download(filePath) {
      if (!/^[\w./-]+$/.test(filePath)) throw new Error('unexpected file path from the Bot API');
      const res = await fetch(`${o.apiRoot}/file/bot${o.token}/${filePath}`);
      if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
  return { bot: createDeskBot(deps, o), deps };
}
