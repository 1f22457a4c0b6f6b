import type { DataSource } from 'typeorm';
import type { KeyRing } from './crypto/keys.ts';
import { createFieldCipher } from './crypto/field-cipher.ts';
import { createFileVault } from './vault/file-vault.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createUnitOfWork } from './transaction.ts';
import { createCaseRepository } from './repositories/case-repository.ts';
import { createRosterDirectory } from './repositories/roster-directory.ts';
import { createOfficerDirectory } from './repositories/officer-directory.ts';
import { createOutsiderPermits } from './repositories/outsider-permits.ts';
import { createOutboxNotifier } from './repositories/outbox-notifier.ts';
import { createTelegramBindings } from './repositories/telegram-bindings.ts';
import { createCertificateRegister } from './repositories/certificate-register.ts';
import { createProcessingRestrictions } from './repositories/processing-restrictions.ts';
import { createRateLimiter } from './repositories/rate-limiter.ts';
import { DEFAULT_LIMIT_RULES } from '../domain/use-cases/take-allowance.ts';
import { createHmac, randomInt } from 'node:crypto';
import type { DeskPorts, DeskSettings } from '../domain/use-cases/desk-ports.ts';
import type { Clock } from '../domain/ports/clock.ts';

export interface StorageDeskOptions {
  readonly ds: DataSource;
  readonly dataDir: string;
  readonly keys: KeyRing;
  readonly clock: Clock;
  readonly settings: DeskSettings;
  readonly messageIdDomain: string;
}

export interface StorageDesk {
  readonly ports: DeskPorts;
  readonly auditLog: ReturnType<typeof createAuditLog>;
}

/** Every domain port implemented on the database and the data folder. */
export function createStorageDesk(o: StorageDeskOptions): StorageDesk {
  const now = () => o.clock.now();
  const cipher = createFieldCipher(o.keys);
  const auditLog = createAuditLog({ dataSource: o.ds, dataDir: o.dataDir, keys: o.keys, now });
  const baseUow = createUnitOfWork(o.ds);
  const ports: DeskPorts = {
    // The checkpoint outside the database follows every commit that appended, so a truncated tail is
    // detectable. A transaction that appended nothing (a rate-limit token, say) has nothing to cover.
    // Counting this process's appends tells: its writers take turns on SQLite; on PostgreSQL another
    // transaction's append in between only causes a checkpoint that was not needed.
    uow: {
      run: async (work, options) => {
        let appended = false;
        const r = await baseUow.run(async (tx) => {
          const before = auditLog.appendCount();
          const out = await work(tx);
          appended = auditLog.appendCount() !== before;
          return out;
        }, options);
        if (appended) await auditLog.checkpoint();
        return r;
      },
    },
    cases: createCaseRepository(o.ds, cipher),
    roster: createRosterDirectory(o.ds, cipher),
    officers: createOfficerDirectory(o.ds),
    permits: createOutsiderPermits(o.ds),
    hasher: { nikLookup: (nik) => cipher.lookupHash(nik) },
    vault: createFileVault({ dataSource: o.ds, dataDir: o.dataDir, keys: o.keys, now }),
    audit: auditLog,
    notifier: createOutboxNotifier(o.ds, { messageIdDomain: o.messageIdDomain, now }),
    clock: o.clock,
    telegramBindings: createTelegramBindings(o.ds),
    certificates: createCertificateRegister(o.ds),
    restrictions: createProcessingRestrictions(o.ds),
    limits: createRateLimiter(o.ds, { lookupKey: o.keys.lookupKey, rules: o.settings.limits ?? DEFAULT_LIMIT_RULES, now }),
    codes: {
      generate: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
      hash: (telegramId, code) => createHmac('sha256', o.keys.lookupKey).update(`otp|${telegramId}|${code}`).digest('hex'),
    },
    settings: o.settings,
  };
  return { ports, auditLog };
}
