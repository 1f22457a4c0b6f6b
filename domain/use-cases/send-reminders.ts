import type { DeskPorts } from './desk-ports.ts';
import type { ReminderCandidate, ReminderCursor, ReminderMark, ReminderStore } from '../ports/reminder-store.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import type { Notification } from '../ports/notifier.ts';
import { SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import { RaError } from '../shared/ra-error.ts';
import {
  DAY_MS, DESK_TIME_ZONE, REMINDER_DAYS, agencyKey, daysLeft, deskDate, displayDate, finalThreshold, planReminder, type ReminderPlan,
} from '../certificates/reminders.ts';

export interface SendRemindersInput {
  /** The sweep's "now": the clock in production, `--now` in tests and catch-up runs. */
  readonly now: Date;
  /** Thresholds in days before expiry; `REMINDER_DAYS` (30, 14, 7, 1) by default. */
  readonly days?: readonly number[];
  /** Where "today" is decided for the officers' daily digest; WIB by default. */
  readonly timeZone?: string;
  /** Certificates per page and per transaction. */
  readonly batchSize?: number;
}

/** What one run did. Counts only: the audit row and the CLI show these, never who was reminded. */
export interface ReminderRunReport {
  /** Active, unrenewed certificates in the window that the sweep looked at. */
  readonly scanned: number;
  /** Certificates reminded in this run (one threshold each). */
  readonly reminded: number;
  /** Earlier thresholds recorded without a message because the job did not run when they came due. */
  readonly skipped: number;
  readonly emails: number;
  readonly telegrams: number;
  /** Due, but the owner is not on the roster and has no bound Telegram account: nothing recorded, retried next run. */
  readonly unreachable: number;
  /** Due, but the owner restricted processing (UU 27/2022 Pasal 11): nothing sent or recorded while it stands. */
  readonly restricted: number;
  /** Agencies with certificates whose final reminder went unanswered. */
  readonly agencies: number;
  /** Digest messages queued for officers (one per agency and officer per day). */
  readonly digests: number;
}

/** A certificate whose final reminder went out and whose owner still has not asked for renewal. */
interface Ignored {
  readonly serial: string;
  readonly name: string;
  readonly expiry: string;
}

/** Digest lines beyond this are summed up in one "and N more" line: a Telegram message holds 4,096 characters. */
const DIGEST_MAX_ITEMS = 30;

const markKey = (certificateId: string, daysBefore: number): string => `${certificateId}:${daysBefore}`;

/**
 * The reminder sweep (Pasal 17(2)): reminds each owner 30, 14, 7 and 1 days before their certificate
 * expires, by e-mail to their roster address and on Telegram when their account is bound, each reminder
 * once. Idempotent and safe to run from cron and from `serve` at once: a reminder is recorded under a
 * unique (certificate, threshold) key in the same transaction that queues its messages, and only the run
 * whose insert landed queues them. Reminders stop once the owner has a renewal in progress or a newer
 * certificate (`stopsReminders`, applied by the store's query). Owners who received the final reminder
 * (in this run or an earlier one) and still did not ask are rolled up into one digest per agency per desk
 * day for the officers on duty, so they can still call the owner before the certificate lapses.
 * Writes one audit row per run, with counts only. Messages go through `notifier.enqueueMany`, the outbox in bulk:
 * a first sweep over a large register may queue thousands.
 *
 * @example
 * const report = await sendReminders(ports, createReminderStore(ds), { now: new Date() });
 * report.reminded; // certificates reminded in this run
 */
export async function sendReminders(p: DeskPorts, store: ReminderStore, input: SendRemindersInput): Promise<ReminderRunReport> {
  const days = input.days ?? REMINDER_DAYS;
  const batchSize = input.batchSize ?? 1000;
  const timeZone = input.timeZone ?? DESK_TIME_ZONE;
  if (days.length === 0 || !days.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RaError('REMINDERS.BAD_DAYS', 'Reminder thresholds must be whole days of at least 1, e.g. 30,14,7,1');
  }
  if (!Number.isFinite(input.now.getTime())) throw new RaError('REMINDERS.BAD_NOW', 'The sweep needs a valid point in time');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RaError('REMINDERS.BAD_BATCH', 'batchSize must be a positive whole number');

  const now = input.now;
  const at = now.toISOString();
  const window = { from: at, until: new Date(now.getTime() + Math.max(...days) * DAY_MS).toISOString() };
  const final = finalThreshold(days);
  const counts = { scanned: 0, reminded: 0, skipped: 0, emails: 0, telegrams: 0, unreachable: 0, restricted: 0 };
  const ignored = new Map<string, Ignored[]>();

  let after: ReminderCursor | null = null;
  for (;;) {
    const page = await p.uow.run(async (tx) => {
      const rows = await store.page(window, after, batchSize, tx);
      const planned: Array<{ c: ReminderCandidate; plan: ReminderPlan }> = [];
      const restricted = new Set<string>();
      for (const c of rows) {
        const plan = planReminder(new Date(c.notAfter), now, c.recorded, days);
        if (!plan) continue;
        if (c.owner.email === null && c.owner.telegramChatId === null) { counts.unreachable++; continue; }
        if (await p.restrictions.isRestricted(c.owner.personId, tx)) { counts.restricted++; restricted.add(c.certificateId); continue; }
        planned.push({ c, plan });
      }
      const marks: ReminderMark[] = planned.flatMap(({ c, plan }) => plan.record.map((d) => ({ certificateId: c.certificateId, daysBefore: d })));
      const inserted = new Set((marks.length > 0 ? await store.record(marks, at, tx) : []).map((m) => markKey(m.certificateId, m.daysBefore)));
      const outgoing: Notification[] = [];
      for (const { c, plan } of planned) {
        // Another runner recorded this threshold first: its messages are queued by that runner.
        if (!inserted.has(markKey(c.certificateId, plan.send))) continue;
        counts.reminded++;
        counts.skipped += plan.record.filter((d) => d !== plan.send && inserted.has(markKey(c.certificateId, d))).length;
        outgoing.push(...reminderNotifications(c, plan.send, now, timeZone));
      }
      const queued = outgoing.length > 0 ? await p.notifier.enqueueMany(outgoing, tx) : [];
      outgoing.forEach((n, i) => {
        if (queued[i]) counts[n.channel === 'email' ? 'emails' : 'telegrams']++;
      });
      for (const c of rows) {
        const finalSent = c.recorded.includes(final) || inserted.has(markKey(c.certificateId, final));
        // Agency and name come from the roster entry; an owner without one was never reminded at all.
        if (!finalSent || restricted.has(c.certificateId) || c.owner.agency === null || c.owner.name === null) continue;
        const list = ignored.get(c.owner.agency) ?? [];
        list.push({ serial: c.serial, name: c.owner.name, expiry: displayDate(new Date(c.notAfter), timeZone) });
        ignored.set(c.owner.agency, list);
      }
      return rows;
    });
    counts.scanned += page.length;
    const last = page.at(-1);
    if (!last || page.length < batchSize) break;
    after = { notAfter: last.notAfter, certificateId: last.certificateId };
  }

  return p.uow.run(async (tx) => {
    const digests = await queueDigests(p, store, ignored, now, timeZone, tx);
    const report: ReminderRunReport = { ...counts, agencies: ignored.size, digests };
    await p.audit.append({
      actor: SYSTEM_ACTOR, action: 'reminders.run', subject: `reminders:${deskDate(now, timeZone)}`,
      outcome: `reminded:${report.reminded}/email:${report.emails}/telegram:${report.telegrams}/skipped:${report.skipped}/unreachable:${report.unreachable}/digest:${report.digests}`,
    }, tx);
    return report;
  });
}

/** The reminder itself: e-mail to the roster address, and Telegram when the owner bound an account. */
function reminderNotifications(c: ReminderCandidate, daysBefore: number, now: Date, timeZone: string): Notification[] {
  const notAfter = new Date(c.notAfter);
  const model = {
    certificateId: c.certificateId, serial: c.serial, notAfter: notAfter.toISOString(), daysBefore,
    daysLeft: daysLeft(notAfter, now), expiry: displayDate(notAfter, timeZone), asOf: now.toISOString(),
  };
  const key = `reminder:${c.certificateId}:${daysBefore}`;
  const out: Notification[] = [];
  if (c.owner.email !== null) {
    out.push({ dedupeKey: `${key}:email`, channel: 'email', recipient: c.owner.email, template: 'reminder-expiry', model: { ...model, name: c.owner.name ?? '' } });
  }
  if (c.owner.telegramChatId !== null) {
    out.push({ dedupeKey: `${key}:telegram`, channel: 'telegram', recipient: c.owner.telegramChatId, template: 'reminder-expiry', model });
  }
  return out;
}

/** One digest per agency per desk day, to each officer on duty; a second run that day queues nothing. */
async function queueDigests(
  p: DeskPorts, store: ReminderStore, ignored: ReadonlyMap<string, readonly Ignored[]>, now: Date, timeZone: string, tx: TransactionHandle,
): Promise<number> {
  if (ignored.size === 0) return 0;
  const officers = (await p.officers.list()).filter(canDecide);
  const day = deskDate(now, timeZone);
  const digests: Notification[] = [];
  for (const [agency, list] of [...ignored].sort(([a], [b]) => a.localeCompare(b))) {
    // Items are message codes with params: the Telegram sender renders each as a numbered line.
    const items: Array<{ code: string; params: Record<string, string | number> }> = list.slice(0, DIGEST_MAX_ITEMS)
      .map((i) => ({ code: 'REMINDERS.DIGEST_ITEM', params: { ...i } }));
    if (list.length > DIGEST_MAX_ITEMS) items.push({ code: 'REMINDERS.DIGEST_MORE', params: { more: list.length - DIGEST_MAX_ITEMS } });
    const model = { agency, date: displayDate(now, timeZone), count: list.length, items };
    // Keyed per officer as well: the outbox holds one recipient per row.
    for (const officer of officers) {
      digests.push({
        dedupeKey: `digest:${agencyKey(agency)}:${day}:${officer.telegramId}`, channel: 'telegram', recipient: officer.telegramId,
        template: 'reminder-digest', model,
      });
    }
  }
  return digests.length > 0 ? (await p.notifier.enqueueMany(digests, tx)).filter(Boolean).length : 0;
}
