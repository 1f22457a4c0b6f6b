import type { TransactionHandle } from './transaction.ts';

/** A data subject's restriction of processing (UU 27/2022 Pasal 11; the controller's duty, Pasal 41). */
export interface ProcessingRestriction {
  readonly personId: string;
  /** ISO 8601 UTC. */
  readonly restrictedAt: string;
  /** The audit actor who recorded it (`system` from the CLI, `officer:<id>`). */
  readonly restrictedBy: string;
}

/**
 * Who asked the desk to stop processing their data. While a restriction stands, new applications,
 * renewals and owner revocations are refused and reminders are not sent; data already held is kept
 * (restriction is not erasure) until the retention run destroys it.
 */
export interface ProcessingRestrictions {
  isRestricted(personId: string, tx?: TransactionHandle): Promise<boolean>;
  find(personId: string, tx?: TransactionHandle): Promise<ProcessingRestriction | null>;
  /** Records the restriction; false when it already stood. */
  restrict(r: ProcessingRestriction, tx: TransactionHandle): Promise<boolean>;
  /** Lifts it; false when there was none. */
  lift(personId: string, tx: TransactionHandle): Promise<boolean>;
}
