import type { NeedsSubmission } from '../needs/needs-inventory.ts';
import type { TransactionHandle } from './transaction.ts';

/** Where needs inventories are kept: every submission stays (history); the latest per agency and year counts. */
export interface NeedsStore {
  record(s: NeedsSubmission, tx: TransactionHandle): Promise<void>;
  /** The latest submission of each agency for `year`. */
  latest(year: number): Promise<NeedsSubmission[]>;
}
