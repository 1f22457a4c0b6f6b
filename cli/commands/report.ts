import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../main.ts';
import { oneLine, parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { createReportSource } from '../../storage/repositories/report-source.ts';
import { CANNED_REASON_CODES, compileAnnualReport, parseReportYear } from '../../domain/reports/annual-report.ts';
import { renderAnnualReport } from '../../templates/report/annual-report.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';

/**
 * `ra-desk report annual --year YYYY --out DIR [--send]`: the monitoring and evaluation report of
 * Pasal 23 as `DIR/report.html` (self-contained) and `DIR/report.csv`; `--send` queues it in the mail
 * outbox for each address in RA_REPORT_RECIPIENTS (the addressees of Pasal 23(4)).
 */
export async function runReport(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'annual') throw new UsageError('REPORT.USAGE');
  const { values, positionals } = parseFlags(rest, { year: { type: 'string' }, out: { type: 'string' }, send: { type: 'boolean', default: false } });
  if (positionals.length > 0) throw new UsageError('REPORT.USAGE');
  if (values.year === undefined) throw new UsageError('REPORT.YEAR_REQUIRED');
  if (values.out === undefined || values.out.trim() === '') throw new UsageError('REPORT.OUT_REQUIRED');
  const config = await ctx.config();
  const now = new Date();
  const year = parseReportYear(values.year, now, config.timezone);
  if (!year.ok) throw new UsageError(year.code, year.params);
  if (values.send && config.reportRecipients.length === 0) throw new UsageError('REPORT.NO_RECIPIENTS');
  const outDir = resolve(values.out);
  const target = { html: join(outDir, 'report.html'), csv: join(outDir, 'report.csv') };
  // Checked before the database is opened: a bad folder costs nothing and leaves nothing behind.
  const probe = join(outDir, `.ra-desk-probe-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new UsageError('REPORT.OUT_UNWRITABLE', { dir: oneLine(outDir, 200), reason: (e as NodeJS.ErrnoException).code ?? 'error' });
  }

  const app = await openApp(config);
  try {
    const report = await compileAnnualReport(createReportSource(app.ds), {
      year: year.value, timeZone: config.timezone, now, knownReasons: CANNED_REASON_CODES.map((c) => ctx.io.t.message(c)),
    });
    const rendered = renderAnnualReport(ctx.io.t, report);
    writeAtomically([[target.html, rendered.html], [target.csv, rendered.csv]]);
    ctx.io.out(ctx.io.t.message('REPORT.WRITTEN', { year: year.value, html: target.html, csv: target.csv }));
    if (values.send) {
      const { ports } = app;
      await ports.uow.run(async (tx) => {
        for (const recipient of config.reportRecipients) {
          await ports.notifier.enqueue({
            dedupeKey: `annual-report:${year.value}:${report.generatedAt}:${recipient}`, channel: 'email', recipient,
            template: 'annual-report', model: { year: String(year.value), html: rendered.html, csv: rendered.csv },
          }, tx);
        }
        await ports.audit.append({ actor: SYSTEM_ACTOR, action: 'report.send', subject: `report:${year.value}`, outcome: `queued:${config.reportRecipients.length}` }, tx);
      });
      ctx.io.out(ctx.io.t.message('REPORT.QUEUED', { count: config.reportRecipients.length }));
    }
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

/** Every file to a temporary name first, then renamed into place: a crash never leaves a half-written report. */
function writeAtomically(files: readonly (readonly [string, string])[]): void {
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    for (const [path, content] of files) writeFileSync(`${path}${suffix}`, content, { mode: 0o644 });
    for (const [path] of files) renameSync(`${path}${suffix}`, path);
  } finally {
    for (const [path] of files) rmSync(`${path}${suffix}`, { force: true });
  }
}

