import { createHash } from 'node:crypto';
import { REQUEST_IN_PROGRESS, type RequestStatus } from '../requests/request-status.ts';
import { ok, refuse, type Result } from '../shared/result.ts';

/**
 * Expiry reminders (Pasal 17(2)): "Dalam hal Sertifikat Elektronik akan habis masa berlakunya … Pemilik
 * Sertifikat Elektronik wajib mengajukan pembaruan". The desk reminds the owner ahead of expiry so the
 * duty can be met in time. Everything here is pure: the sweep (storage) gathers facts, these rules decide.
 */

/** Days before `notAfter` at which an owner is reminded, most distant first. */
export const REMINDER_DAYS: readonly number[] = [30, 14, 7, 1];

export const DAY_MS = 86_400_000;

/**
 * Renewal requests that stop reminders: the owner has asked (Pasal 17(2)) and the desk or BSrE is on it
 * (17(3)). A `rejected` or `cancelled` renewal does not stop them: the duty to renew is still open. A
 * `completed` one needs no entry here, because it produced a newer certificate, which stops them too.
 */
export const RENEWAL_IN_PROGRESS: readonly RequestStatus[] = REQUEST_IN_PROGRESS;

/** What the sweep knows about a certificate's owner beyond the certificate itself. */
export interface ReminderStopFacts {
  /** Statuses of the owner's renewal requests. */
  readonly renewalStatuses: readonly RequestStatus[];
  /** The owner holds another active certificate that expires later. */
  readonly newerCertificate: boolean;
}

/**
 * Reminders stop once the owner asked for renewal or already holds a newer certificate: reminding them
 * then would only teach them to ignore the desk. Storage applies this rule inside the sweep query
 * (`ReminderStore`), so a stopped certificate never reaches the use case.
 *
 * @example
 * stopsReminders({ renewalStatuses: ['pending_review'], newerCertificate: false }); // true
 */
export const stopsReminders = (f: ReminderStopFacts): boolean =>
  f.newerCertificate || f.renewalStatuses.some((s) => RENEWAL_IN_PROGRESS.includes(s));

/** What to do for one certificate in one sweep. */
export interface ReminderPlan {
  /** The threshold (days before expiry) whose reminder goes out now. */
  readonly send: number;
  /**
   * Thresholds to record as done: `send` and every earlier (larger) threshold that was crossed but never
   * sent because the job did not run. They are recorded so they are never sent later, out of order.
   */
  readonly record: readonly number[];
}

/**
 * Plans the reminder due at `now`. Threshold `d` is crossed once at most `d` days remain. When several
 * thresholds are crossed and unsent (the job was down), only the most urgent one (the smallest `d`) is
 * sent, and the skipped ones are recorded with it: an owner 5 days from expiry gets one "7 days"
 * reminder, not a burst of "30, 14 and 7 days" messages. Nothing is due once the certificate expired, or
 * when the most urgent crossed threshold was already sent.
 *
 * @example
 * // 10 days left, nothing sent yet: send the 14-day reminder, record 30 as skipped.
 * planReminder(notAfter, new Date(notAfter.getTime() - 10 * DAY_MS), []); // { send: 14, record: [30, 14] }
 */
export function planReminder(notAfter: Date, now: Date, alreadySent: readonly number[], days: readonly number[] = REMINDER_DAYS): ReminderPlan | null {
  const left = notAfter.getTime() - now.getTime();
  if (!(left > 0)) return null;
  const crossed = days.filter((d) => left <= d * DAY_MS);
  if (crossed.length === 0) return null;
  const send = Math.min(...crossed);
  if (alreadySent.includes(send)) return null;
  const record = [...new Set(crossed.filter((d) => d >= send && !alreadySent.includes(d)))].sort((a, b) => b - a);
  return { send, record };
}

/**
 * The threshold whose reminder is due at `now`, or null: the most urgent threshold crossed and not yet
 * sent. "Most urgent" is the smallest number of days, i.e. the furthest the clock has advanced; see
 * `planReminder` for what happens to thresholds skipped while the job did not run.
 */
export function dueReminder(notAfter: Date, now: Date, alreadySent: readonly number[], days: readonly number[] = REMINDER_DAYS): number | null {
  return planReminder(notAfter, now, alreadySent, days)?.send ?? null;
}

/** Whole days left until `notAfter`, rounded up: 29.2 days is "30 hari lagi", as a calendar reads it. */
export const daysLeft = (notAfter: Date, now: Date): number => Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS);

/** The final threshold: once its reminder went out and still nobody asked for renewal, officers are told. */
export const finalThreshold = (days: readonly number[] = REMINDER_DAYS): number => Math.min(...days);

export type ReminderDaysCode = 'REMINDERS.BAD_DAYS';

/**
 * Parses a configured list such as `30,14,7,1`: whole days from 1 to 365, at least one, duplicates
 * dropped, most distant first.
 */
export function parseReminderDays(text: string): Result<number[], ReminderDaysCode> {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => !/^\d{1,3}$/.test(s) || Number(s) < 1 || Number(s) > 365)) {
    return refuse('REMINDERS.BAD_DAYS', { given: text.slice(0, 40) });
  }
  return ok([...new Set(parts.map(Number))].sort((a, b) => b - a));
}

/** Kota Pontianak keeps Western Indonesian Time (WIB, UTC+7, no daylight saving). */
export const DESK_TIME_ZONE = 'Asia/Pontianak';

/** The calendar date at `at` in the desk's time zone, `YYYY-MM-DD`: one digest per agency per such day. */
export const deskDate = (at: Date, timeZone: string = DESK_TIME_ZONE): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * A date as an Indonesian reader writes it ("25 November 2026"), in the desk's time zone. It travels in
 * the outbox model because the Telegram sender renders models as flat parameters.
 */
export const displayDate = (at: Date, timeZone: string = DESK_TIME_ZONE): string =>
  new Intl.DateTimeFormat('id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);

/** A short, stable stand-in for an agency's name in dedupe keys (names are long and hold spaces). */
export const agencyKey = (agency: string): string => createHash('sha256').update(agency.trim().toLowerCase()).digest('hex').slice(0, 16);
