import { createReadStream, existsSync, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { importRoster, type RosterLine } from '../../domain/use-cases/import-roster.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';

const REQUIRED = ['nip', 'nik', 'name', 'email', 'agency', 'position', 'superior_nip'] as const;
const OPTIONAL = ['category'] as const;

/** Bytes that are not valid UTF-8 would import as mojibake names; refuse the file instead. */
async function assertUtf8(path: string): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
  } catch {
    throw new UsageError('ROSTER.FILE_NOT_UTF8', { path });
  }
}

/**
 * Reads the CSV as a stream, validating the header first. A row with the wrong number of fields is
 * reported on its own line; the rest of the file still imports.
 */
async function* readRosterCsv(path: string, badRows: { line: number; code: string }[]): AsyncGenerator<RosterLine> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }));
  let header: string[] | null = null;
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const fields = record.record;
    const line = record.info.lines;
    if (!header) {
      header = fields.map((h) => h.trim().toLowerCase());
      const missing = REQUIRED.filter((c) => !header!.includes(c));
      const unknown = header.filter((h) => !(REQUIRED as readonly string[]).includes(h) && !(OPTIONAL as readonly string[]).includes(h));
      if (missing.length > 0 || unknown.length > 0) {
        throw new UsageError('ROSTER.BAD_HEADER', { missing: missing.join(', ') || '-', unknown: unknown.join(', ') || '-', expected: [...REQUIRED, ...OPTIONAL].join(',') });
      }
      continue;
    }
    if (fields.length !== header.length) { badRows.push({ line, code: 'ROSTER.BAD_COLUMN_COUNT' }); continue; }
    const get = (name: string): string => fields[header!.indexOf(name)] ?? '';
    const row: RawRosterRow = {
      nip: get('nip'), nik: get('nik'), name: get('name'), email: get('email'), agency: get('agency'),
      position: get('position'), superior_nip: get('superior_nip'), category: header.includes('category') ? get('category') : '',
    };
    yield { line, row };
  }
  if (!header) throw new UsageError('ROSTER.EMPTY_FILE', { path });
}

/** `ra-desk roster import FILE.csv` */
export async function runRosterImport(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(ctx.args, { full: { type: 'boolean' } });
  const [path, extra] = positionals;
  if (!path || extra !== undefined) throw new UsageError('ROSTER.USAGE');
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError('CLI.FILE_NOT_FOUND', { path });
  await assertUtf8(path);
  const config = await ctx.config();
  const app = await openApp(config);
  const { io } = ctx;
  try {
    const badRows: { line: number; code: string }[] = [];
    let parseError: string | null = null;
    const lines = (async function* () {
      try {
        yield* readRosterCsv(path, badRows);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        // A broken quote stops the parser; rows before it are kept, the rest are reported as not read.
        parseError = (e as { lines?: number }).lines !== undefined ? String((e as { lines: number }).lines) : '?';
      }
    })();
    // A progress line only on a terminal; a pipe or a log file gets the summary alone.
    const progress = io.interactive ? { onProgress: (done: number) => { process.stderr.write(`\r${io.t.message('ROSTER.PROGRESS', { done })}`); } } : {};
    const full = values.full ? { fullRoster: () => badRows.length === 0 && parseError === null } : {};
    const report = await importRoster(app.ports, lines, { ...progress, ...full });
    if (io.interactive) process.stderr.write('\n');
    const errors = [...report.errors, ...badRows.map((b) => ({ ...b, params: {} }))].sort((a, b) => a.line - b.line);
    for (const e of errors) io.err(io.t.message('ROSTER.LINE_ERROR', { line: e.line, reason: io.t.message(e.code, e.params) }));
    if (parseError !== null) io.err(io.t.message('ROSTER.PARSE_STOPPED', { line: parseError }));
    io.out(io.t.message('ROSTER.SUMMARY', { created: report.created, updated: report.updated, errors: errors.length + (parseError ? 1 : 0) }));
    if (values.full) io.out(io.t.message(report.dropSkipped ? 'ROSTER.FULL_SKIPPED' : 'ROSTER.FULL_DONE', { dropped: report.dropped }));
    if (report.revocationRequests.length > 0) {
      io.out(io.t.message('ROSTER.REVOCATIONS_OPENED', { count: report.revocationRequests.length, ids: report.revocationRequests.join(', ') }));
    }
    return errors.length > 0 || parseError !== null ? EXIT.usage : EXIT.ok;
  } finally {
    await app.close();
  }
}
