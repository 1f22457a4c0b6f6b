import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';
import { PEOPLE } from '../support/people.ts';
import { fuzzBudget } from './fuzz-support.ts';

const t = createTemplates();
const HEADER = 'nip,nik,name,email,agency,position,superior_nip,category';
const good = Object.values(PEOPLE).map((p) => `${p.nip},${p.nik},${p.name},${p.email},Dinas Sosial,Analis,,asn`);

/** CSV rows as spreadsheets and hands make them: real rows cut, spliced, quoted, doubled and padded. */
const rowText = fc.oneof(
  fc.constantFrom(...good),
  fc.tuple(fc.constantFrom(...good), fc.nat(), fc.constantFrom('"', '""', ',', ';', '\r', '\t', '\u00a0', '\ufeff', '\\', "'", '=cmd|', ',,,,,,,,,')).map(([row, at, piece]) => {
    const i = at % (row.length + 1);
    return row.slice(0, i) + piece + row.slice(i);
  }),
  fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[0-9]{0,20}$/), fc.constant('"a,b"')), { minLength: 1, maxLength: 10 }).map((cells) => cells.join(',')),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
const csvFile = fc.array(rowText, { maxLength: 60 }).map((rows) => [HEADER, ...rows].join('\n') + '\n');

/**
 * CSV roster rows through the real `ra-desk roster import` (one process per file, so few runs): it
 * finishes, exits 0 (all good) or 2 (rows reported), prints its summary, and never a stack trace.
 */
describe('fuzz: CSV roster files through ra-desk roster import', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
  });
  afterAll(() => db?.close());

  it('imports or reports every row, within the hang guard, with no crash', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvFile, async (content) => {
        const path = join(db.dataDir, `fuzz-${n++}.csv`);
        writeFileSync(path, content);
        const r = await runCli(['roster', 'import', path], env, { timeoutMs: 20_000 });
        expect(r.code, r.stderr).not.toBeNull(); // killed by the timeout: a hang
        expect([0, 2], r.stderr).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        expect(r.stdout).toContain(t.message('ROSTER.SUMMARY', { created: 0, updated: 0, errors: 0 }).split(/\d/)[0]!);
      }),
      fuzzBudget(5, 60_000),
    );
  }, 180_000);
});
