import type { Actor, AuditEvent } from '../audit/audit-event.ts';
import type { TransactionHandle } from './transaction.ts';

/** One row of the append-only audit log, as written. */
export interface AuditRecord {
  readonly seq: number;
  /** ISO 8601 UTC with milliseconds. */
  readonly at: string;
  readonly actor: Actor;
  readonly action: string;
  readonly subject: string;
  readonly outcome: string;
  readonly evidence: readonly string[];
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The audit trail a use case writes to (Pasal 26(2)). `append` takes the caller's transaction so the
 * audit row commits with the change it records, or not at all: no decision without its row, no row for
 * a decision that rolled back.
 *
 * @example
 * await uow.run(async (tx) => {
 *   await requests.save(decided, tx);
 *   await audit.append({ actor: officerActor(officer.telegramId), action: 'request.decided',
 *     subject: decided.id, outcome: decided.status }, tx);
 * });
 */
export interface AuditLog {
  /** Throws AUDIT.PERSONAL_DATA / AUDIT.MALFORMED (see `assertAuditSafe`) before writing anything. */
  append(event: AuditEvent, tx: TransactionHandle): Promise<AuditRecord>;
}
