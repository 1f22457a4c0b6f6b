import type { TransactionHandle } from './transaction.ts';

/** Certificates whose `notAfter` lies in `(from, until]` (ISO 8601 UTC): the sweep's range. */
export interface ReminderWindow {
  readonly from: string;
  readonly until: string;
}

/** Where the previous page ended; pages run in (notAfter, certificateId) order. */
export interface ReminderCursor {
  readonly notAfter: string;
  readonly certificateId: string;
}

/** The owner as reminders need them: where to write, and the agency whose officers get the digest. */
export interface ReminderOwner {
  readonly personId: string;
  /** Null only when the owner is missing from the roster (then nothing can be sent). */
  readonly name: string | null;
  readonly email: string | null;
  readonly agency: string | null;
  /** The chat of the owner's bound Telegram account, if any. */
  readonly telegramChatId: string | null;
}

/** An active certificate in the window whose reminders have not been stopped (`stopsReminders`). */
export interface ReminderCandidate {
  readonly certificateId: string;
  readonly serial: string;
  /** ISO 8601 UTC. */
  readonly notAfter: string;
  readonly owner: ReminderOwner;
  /** Thresholds (days before expiry) already recorded for this certificate, sent or skipped. */
  readonly recorded: readonly number[];
}

/** One threshold recorded for one certificate. */
export interface ReminderMark {
  readonly certificateId: string;
  readonly daysBefore: number;
}

/**
 * The reminder sweep's storage. `page` is one indexed range read, never a scan: active certificates with
 * `notAfter` in the window, minus those of owners with a renewal in progress (`RENEWAL_IN_PROGRESS`) or a
 * newer active certificate, with the owner's contacts and the thresholds already recorded.
 *
 * @example
 * let after: ReminderCursor | null = null;
 * for (;;) {
 *   const page = await store.page(window, after, 1000, tx);
 *   if (page.length === 0) break;
 *   after = { notAfter: page.at(-1)!.notAfter, certificateId: page.at(-1)!.certificateId };
 * }
 */
export interface ReminderStore {
  page(window: ReminderWindow, after: ReminderCursor | null, limit: number, tx?: TransactionHandle): Promise<ReminderCandidate[]>;
  /**
   * Records thresholds as done at `at`. A mark that already exists is left alone (unique per certificate
   * and threshold, so two runners cannot both record it); returns the marks this call inserted.
   */
  record(marks: readonly ReminderMark[], at: string, tx: TransactionHandle): Promise<ReminderMark[]>;
}
