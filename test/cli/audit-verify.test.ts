import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { auditCheckpointFile } from '../../storage/audit/audit-log.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;
const root = makeTempDir('cli-audit');
const KEY = randomBytes(32).toString('base64');
const pristine = join(root, 'pristine');
let rows = 0;

const verify = (dataDir: string) => runCli(['audit', 'verify'], { RA_DATA_DIR: dataDir, RA_MASTER_KEY: KEY });

/** A copy of the pristine folder with `sql` run on its database, as someone with file access could. */
function tampered(name: string, sql: string): string {
  const dir = join(root, name);
  cpSync(pristine, dir, { recursive: true });
  const db = new Database(sqliteFile(dir));
  try {
    expect(db.prepare(sql).run().changes).toBe(1);
  } finally {
    db.close();
  }
  return dir;
}

beforeAll(async () => {
  const env = { RA_DATA_DIR: pristine, RA_MASTER_KEY: KEY };
  for (const args of [
    ['roster', 'import', DEMO_ROSTER],
    ['officer', 'add', '--telegram-id', '5550001', '--nip', '198001012005011003', '--role', 'officer', '--appointment', 'SK-12'],
    ['officer', 'add', '--telegram-id', '5550002', '--nip', '198503122010011002', '--role', 'manager', '--appointment', 'SK-13'],
  ]) {
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(0);
  }
  const db = new Database(sqliteFile(pristine), { readonly: true });
  try {
    rows = (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
  } finally {
    db.close();
  }
});
afterAll(() => removeTempDir(root));

describe('ra-desk audit verify', () => {
  it('passes on an intact chain after real activity', async () => {
    expect(rows).toBe(3);
    const r = await verify(pristine);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(t.message('AUDIT.VERIFY_OK', { count: rows }));
  });

  it('fails (1) on an edited row, a truncated tail, and a truncated tail whose checkpoint was deleted too', async () => {
    const edited = tampered('edited', "UPDATE audit_log SET outcome = 'created:0/updated:5/errors:0' WHERE seq = 1");
    const truncated = tampered('truncated', `DELETE FROM audit_log WHERE seq = ${rows}`);
    const erased = tampered('erased', `DELETE FROM audit_log WHERE seq = ${rows}`);
    rmSync(auditCheckpointFile(erased));
    const [e, tr, er] = await Promise.all([verify(edited), verify(truncated), verify(erased)]);

    expect(e.code).toBe(1);
    expect(e.stdout).toBe('');
    expect(linesOf(e.stderr)).toEqual([`ra-desk: ${t.message('AUDIT.VERIFY_FAILED', { seq: 1, reason: 'hash_mismatch' })}`]);

    expect(tr.code).toBe(1);
    expect(linesOf(tr.stderr)).toEqual([expect.stringMatching(new RegExp(`^ra-desk: .*nomor ${rows} \\(truncated\\)`))]);

    // Whoever deletes rows can delete the checkpoint file as well; its absence alone must fail the check.
    expect(er.code).toBe(1);
    expect(linesOf(er.stderr)).toEqual([expect.stringMatching(/^ra-desk: .*checkpoint_missing/)]);
  });
});
