import type { DataSource } from 'typeorm';
import type { Config } from './config.ts';
import { openDatabase } from '../storage/data-source.ts';
import { createKeyRing, decodeMasterKey, readMasterKeyFile, type KeyRing } from '../storage/crypto/keys.ts';
import { createFieldCipher } from '../storage/crypto/field-cipher.ts';
import { createFileVault } from '../storage/vault/file-vault.ts';
import { createAuditLog } from '../storage/audit/audit-log.ts';
import { createUnitOfWork } from '../storage/transaction.ts';
import { createCaseRepository } from '../storage/repositories/case-repository.ts';
import { createRosterDirectory } from '../storage/repositories/roster-directory.ts';
import { createOfficerDirectory } from '../storage/repositories/officer-directory.ts';
import { createOutsiderPermits } from '../storage/repositories/outsider-permits.ts';
import { createOutboxNotifier } from '../storage/repositories/outbox-notifier.ts';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import { systemClock, type Clock } from '../domain/ports/clock.ts';

/** The composition root (STYLE.md §8): every adapter is built here from configuration, nowhere else. */
export interface App {
  readonly config: Config;
  readonly ds: DataSource;
  readonly keys: KeyRing;
  readonly ports: DeskPorts;
  readonly auditLog: ReturnType<typeof createAuditLog>;
  close(): Promise<void>;
}

export function loadKeys(config: Config): KeyRing {
  return createKeyRing(config.masterKey ? decodeMasterKey(config.masterKey) : readMasterKeyFile(config.masterKeyFile));
}

export async function openApp(config: Config, options: { clock?: Clock } = {}): Promise<App> {
  const keys = loadKeys(config);
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const ds = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const cipher = createFieldCipher(keys);
  const auditLog = createAuditLog({ dataSource: ds, dataDir: config.dataDir, keys, now });
  const baseUow = createUnitOfWork(ds);
  const ports: DeskPorts = {
    // The checkpoint outside the database follows every commit, so a truncated tail is detectable.
    uow: { run: async (work) => { const r = await baseUow.run(work); await auditLog.checkpoint(); return r; } },
    cases: createCaseRepository(ds, cipher),
    roster: createRosterDirectory(ds, cipher),
    officers: createOfficerDirectory(ds),
    permits: createOutsiderPermits(ds),
    hasher: { nikLookup: (nik) => cipher.lookupHash(nik) },
    vault: createFileVault({ dataSource: ds, dataDir: config.dataDir, keys, now }),
    audit: auditLog,
    notifier: createOutboxNotifier(ds, { messageIdDomain: config.messageIdDomain, now }),
    clock,
    settings: { officialDomains: config.officialDomains, maxFileBytes: config.maxFileBytes },
  };
  return { config, ds, keys, ports, auditLog, close: () => ds.destroy() };
}
