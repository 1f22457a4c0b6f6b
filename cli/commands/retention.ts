import type { CommandContext } from '../main.ts';
import { oneLine, parseFlags, wholeNumberWithin } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { parseIsoTime } from './reminders.ts';
import { runRetention as runRetentionSweep } from '../../storage/pdp/retention.ts';

/**
 * `ra-desk retention run [--now ISO-TIME] [--years N]`: destroys e-KTP scans, original messages and
 * NIKs whose retention period ended (UU 27/2022; see storage/pdp/retention.ts for what and why). For
 * cron; idempotent. `--now` lets an operator (and the tests) see what a later run would destroy.
 */
export async function runRetention(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'run') throw new UsageError('RETENTION.USAGE');
  const { values, positionals } = parseFlags(rest, { now: { type: 'string' }, years: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('RETENTION.USAGE');
  const now = values.now === undefined ? undefined : parseIsoTime(values.now);
  if (now === null) throw new UsageError('RETENTION.BAD_NOW', { given: oneLine(values.now ?? '') });
  const yearsFlag = values.years === undefined ? undefined : wholeNumberWithin(values.years, 1, 100);
  if (yearsFlag === null) throw new UsageError('RETENTION.BAD_YEARS', { given: oneLine(values.years ?? '') });

  const config = await ctx.config();
  const app = await openApp(config);
  try {
    const at = now ?? app.ports.clock.now();
    const years = yearsFlag ?? config.retentionYears;
    const report = await runRetentionSweep({ ds: app.ds, dataDir: config.dataDir, auditLog: app.auditLog, now: at, years });
    ctx.io.out(ctx.io.t.message('RETENTION.RUN_DONE', { now: at.toISOString(), years, ...report }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

