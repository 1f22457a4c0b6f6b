import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { refuseNonOfficer } from './officer-guard.ts';
import { createReportSource } from '../../storage/repositories/report-source.ts';
import { coverageTable } from '../../domain/reports/annual-report.ts';
import { DESK_TIME_ZONE } from '../../domain/certificates/reminders.ts';
import { localTime } from '../../templates/report/annual-report.ts';

/** Telegram refuses messages over 4,096 characters; the rest of a long table points to the annual report. */
const MAX_TEXT = 3_800;

/**
 * `/laporan` for officers and the Pengelola: coverage per agency now — ASN on the roster holding a valid
 * certificate (Pasal 13(3)), the table of the annual report (Pasal 23) for the year so far.
 */
export const report = new DeskComposer<BotContext>();

report.command('laporan', async (ctx) => {
  if (await refuseNonOfficer(ctx, 'officer.report')) return;
  const at = ctx.desk.ports.clock.now().toISOString();
  const table = coverageTable(await createReportSource(ctx.desk.ds).coverage(at));
  if (table.rows.length === 0) return void (await ctx.reply(ctx.say('REPORT.BOT_EMPTY')));
  const pct = (p: number | null): string => (p === null ? ctx.say('REPORT.NONE') : `${new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p)} %`);
  const lines = [ctx.say('REPORT.BOT_TITLE', { at: localTime(at, DESK_TIME_ZONE) }), ''];
  let shown = 0;
  for (const r of table.rows) {
    const line = ctx.say('REPORT.BOT_LINE', { agency: r.agency, covered: r.covered, asn: r.asn, percent: pct(r.percent) });
    if (lines.join('\n').length + line.length > MAX_TEXT) break;
    lines.push(line);
    shown++;
  }
  if (shown < table.rows.length) lines.push(ctx.say('REPORT.BOT_MORE', { count: table.rows.length - shown }));
  lines.push('', ctx.say('REPORT.BOT_TOTAL', { covered: table.total.covered, asn: table.total.asn, percent: pct(table.total.percent) }));
  await ctx.reply(lines.join('\n'));
});
