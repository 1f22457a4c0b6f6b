import type { DataSource } from 'typeorm';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.ts';
import type { CertificateVerifier } from '../domain/ports/certificate-verifier.ts';
import { createCertificateVerifier, loadTrustAnchors } from '../storage/ca/certificate-verifier.ts';
import type { Config } from './config.ts';
import { openDatabase } from '../storage/data-source.ts';
import { createKeyRing, decodeMasterKey, readMasterKeyFile, type KeyRing } from '../storage/crypto/keys.ts';
import { createStorageDesk, type StorageDesk } from '../storage/create-desk.ts';
import { assertKeyBinding } from '../storage/crypto/key-binding.ts';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import { systemClock, type Clock } from '../domain/ports/clock.ts';

/** The composition root (STYLE.md §8): every adapter is built here from configuration, nowhere else. */
export interface App {
  readonly config: Config;
  readonly ds: DataSource;
  readonly keys: KeyRing;
  readonly ports: DeskPorts;
  readonly auditLog: StorageDesk['auditLog'];
  /**
   * The CA adapter of `RA_CA`: the sandbox, loaded on first use and shared by the bot and the mail
   * channel (it serialises its revocations in-process); null with `bsre-manual`.
   */
  ca(): Promise<CertificateAuthority | null>;
  /**
   * Checks certificates officers import from BSrE against `RA_CA_ROOTS`, read on first use (a bad file
   * throws `CA_ROOTS.*`); without roots every import is refused with `CERTIMPORT.NO_ROOTS`.
   */
  verifier(): CertificateVerifier;
  close(): Promise<void>;
}

export function loadKeys(config: Config): KeyRing {
  return createKeyRing(config.masterKey ? decodeMasterKey(config.masterKey) : readMasterKeyFile(config.masterKeyFile));
}

export async function openApp(config: Config, options: { clock?: Clock } = {}): Promise<App> {
  const keys = loadKeys(config);
  const ds = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await assertKeyBinding(ds, keys, (options.clock ?? systemClock).now());
  } catch (e) {
    await ds.destroy();
    throw e;
  }
  const { ports, auditLog } = createStorageDesk({
    ds, dataDir: config.dataDir, keys, clock: options.clock ?? systemClock, messageIdDomain: config.messageIdDomain,
    settings: { officialDomains: config.officialDomains, maxFileBytes: config.maxFileBytes, limits: config.limits, oversight: config.oversight },
  });
  let ca: Promise<CertificateAuthority | null> | undefined;
  const loadCa = async (): Promise<CertificateAuthority | null> => (config.ca === 'sandbox'
    ? (await import('../storage/ca/sandbox-ca.ts')).createSandboxCa({ dataDir: config.dataDir, now: () => ports.clock.now() })
    : null);
  let verifier: CertificateVerifier | undefined;
  const loadVerifier = (): CertificateVerifier => createCertificateVerifier(config.caRoots ? loadTrustAnchors(config.caRoots) : []);
  return { config, ds, keys, ports, auditLog, ca: () => (ca ??= loadCa()), verifier: () => (verifier ??= loadVerifier()), close: () => ds.destroy() };
}
