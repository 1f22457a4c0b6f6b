import type { CommandContext } from '../main.ts';
import { oneLine, parseFlags } from '../main.ts';
import { EXIT, UsageError, type Io } from '../io.ts';
import { every, reasonOf, type Scheduled } from '../service/schedule.ts';
import { openApp, type App } from '../app.ts';
import { createReminderStore } from '../../storage/repositories/reminder-store.ts';
import { sendReminders, type ReminderRunReport } from '../../domain/use-cases/send-reminders.ts';
import { parseReminderDays } from '../../domain/certificates/reminders.ts';
import { sendBsreReminders, type BsreReminderReport } from '../../domain/use-cases/send-bsre-reminders.ts';
import { isCalendarDate } from '../../domain/shared/calendar-date.ts';

/** How often `serve` sweeps: hourly keeps a reminder within an hour of its threshold; the sweep is cheap. */
export const REMINDER_INTERVAL_MS = 3_600_000;

// A full date and time with its offset: "2026-11-25T09:00" alone would be read in the machine's zone.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** `--now` as a point in time, or null. JavaScript rolls 30 February over to March; this refuses it. */
export function parseIsoTime(text: string): Date | null {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return null;
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const at = new Date(text.trim());
  return Number.isFinite(at.getTime()) ? at : null;
}

/** One sweep on an opened app, in the desk's configured time zone. */
export function runReminderSweep(app: App, input: { now: Date; days?: readonly number[] }): Promise<ReminderRunReport> {
  const store = createReminderStore(app.ds);
  return sendReminders(app.ports, store, { timeZone: app.config.timezone, ...input });
}

/** bsre-manual: reminds stalled BSrE steps (once per step); nothing to do with the sandbox CA. */
export async function runBsreReminderSweep(app: App, now: Date): Promise<BsreReminderReport | null> {
  if (app.config.ca !== 'bsre-manual') return null;
  return sendBsreReminders(app.ports, { now, stallDays: app.config.bsreStallDays });
}

/**
 * For `ra-desk serve`: sweeps now and then every `everyMs`, one sweep at a time. A failed sweep is
 * reported and retried on the next tick; the sweep is idempotent, so a crash mid-run loses nothing.
 *
 * @example
 * const reminders = scheduleReminders(app, io);
 * // … on shutdown:
 * await reminders.stop();
 */
export function scheduleReminders(app: App, io: Io, everyMs: number = REMINDER_INTERVAL_MS): Scheduled {
  return every(everyMs, async () => {
    const report = await runReminderSweep(app, { now: app.ports.clock.now() });
    if (report.reminded + report.digests > 0) io.out(io.t.message('REMINDERS.RUN_DONE', { now: app.ports.clock.now().toISOString(), ...report }));
  }, (e) => io.err(io.t.message('REMINDERS.SCHEDULE_ERROR', { reason: reasonOf(e) })));
}

/** `ra-desk reminders run [--now ISO-TIME] [--days 30,14,7,1]`: one idempotent sweep, for cron. */
export async function runReminders(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'run') throw new UsageError('REMINDERS.USAGE');
  const { values, positionals } = parseFlags(rest, { now: { type: 'string' }, days: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('REMINDERS.USAGE');
  const now = values.now === undefined ? undefined : parseIsoTime(values.now);
  if (now === null) throw new UsageError('REMINDERS.BAD_NOW', { given: oneLine(values.now ?? '') });
  const days = values.days === undefined ? undefined : parseReminderDays(values.days);
  if (days && !days.ok) throw new UsageError('REMINDERS.BAD_DAYS', { given: oneLine(values.days ?? '') });

  const app = await openApp(await ctx.config());
  try {
    const at = now ?? app.ports.clock.now();
    const report = await runReminderSweep(app, { now: at, ...(days?.ok ? { days: days.value } : {}) });
    ctx.io.out(ctx.io.t.message('REMINDERS.RUN_DONE', { now: at.toISOString(), ...report }));
    const bsre = await runBsreReminderSweep(app, at);
    if (bsre && bsre.stalled > 0) ctx.io.out(ctx.io.t.message('BSRE.REMINDERS_DONE', { ...bsre }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

