import type { UnitOfWork } from '../ports/transaction.ts';
import type { CaseRepository } from '../ports/case-repository.ts';
import type { OfficerDirectory, OutsiderPermits, RosterDirectory } from '../ports/directories.ts';
import type { IdentityHasher } from '../ports/identity-hasher.ts';
import type { DocumentVault } from '../ports/document-vault.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Clock } from '../ports/clock.ts';
import type { OneTimeCodes, TelegramBindings } from '../ports/telegram-bindings.ts';
import type { CertificateRegister } from '../ports/certificates.ts';
import type { OversightSettings } from '../oversight/oversight-settings.ts';
import type { ProcessingRestrictions } from '../ports/processing-restrictions.ts';
import type { RateLimiter } from '../ports/rate-limits.ts';
import type { LimitRules } from '../limits/token-bucket.ts';

/** Policy values the use cases need, taken from configuration by the composition root. */
export interface DeskSettings {
  readonly officialDomains: readonly string[];
  readonly maxFileBytes: number;
  /** Incidents, help-ticket SLA and complaint forwarding; `DEFAULT_OVERSIGHT` when absent (nothing to report to). */
  readonly oversight?: OversightSettings;
  /** Abuse limits per sender; DEFAULT_LIMIT_RULES (take-allowance.ts) when absent. */
  readonly limits?: LimitRules;
}

/** Everything a use case may touch. Both channels (bot, mail) and the CLI pass the same bag. */
export interface DeskPorts {
  readonly uow: UnitOfWork;
  readonly cases: CaseRepository;
  readonly roster: RosterDirectory;
  readonly officers: OfficerDirectory;
  readonly permits: OutsiderPermits;
  readonly hasher: IdentityHasher;
  readonly vault: DocumentVault;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly telegramBindings: TelegramBindings;
  readonly codes: OneTimeCodes;
  readonly certificates: CertificateRegister;
  /** Data subjects who restricted processing (UU 27/2022 Pasal 11, 41). */
  readonly restrictions: ProcessingRestrictions;
  readonly limits: RateLimiter;
  readonly settings: DeskSettings;
}
