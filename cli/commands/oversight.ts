import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError, type Io } from '../io.ts';
import { every, reasonOf, type Scheduled } from '../service/schedule.ts';
import { openApp, type App } from '../app.ts';
import { parseIsoTime } from './reminders.ts';
import { runOversightSweep } from '../../domain/use-cases/oversight-sweep.ts';

/** Hourly: an unreported incident is re-alerted at most once an hour (Pasal 24(1)); PDP and SLA deadlines are hours apart. */
export const OVERSIGHT_INTERVAL_MS = 3_600_000;

/**
 * For `ra-desk serve`: sweeps now and then every `everyMs`, one sweep at a time; a failed sweep is
 * reported and retried on the next tick (the sweep is idempotent).
 *
 * @example
 * const oversight = scheduleOversight(app, io);
 * await oversight.stop(); // on shutdown
 */
export function scheduleOversight(app: App, io: Io, everyMs: number = OVERSIGHT_INTERVAL_MS): Scheduled {
  return every(everyMs, async () => {
    const now = app.ports.clock.now();
    const report = await runOversightSweep(app.ports, { now });
    if (report.realerts + report.pdpReminders + report.slaBreaches > 0) io.out(io.t.message('OVERSIGHT.RUN_DONE', { now: now.toISOString(), ...report }));
  }, (e) => io.err(io.t.message('OVERSIGHT.SCHEDULE_ERROR', { reason: reasonOf(e) })));
}

/** `ra-desk oversight run [--now ISO-TIME]`: one idempotent sweep (incident re-alerts, PDP reminders, SLA breaches), for cron. */
export async function runOversight(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'run') throw new UsageError('OVERSIGHT.USAGE');
  const { values, positionals } = parseFlags(rest, { now: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('OVERSIGHT.USAGE');
  const now = values.now === undefined ? undefined : parseIsoTime(values.now);
  if (now === null) throw new UsageError('OVERSIGHT.BAD_NOW', { given: (values.now ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 60) });
  const app = await openApp(await ctx.config());
  try {
    const at = now ?? app.ports.clock.now();
    const report = await runOversightSweep(app.ports, { now: at });
    ctx.io.out(ctx.io.t.message('OVERSIGHT.RUN_DONE', { now: at.toISOString(), ...report }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
