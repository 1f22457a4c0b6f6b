import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFile } from '../../storage/data-source.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const root = makeTempDir('cli-init');
afterAll(() => removeTempDir(root));

const mode = (path: string): number => statSync(path).mode & 0o777;
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;

/** The keyed NIK hashes of the roster and the audit row count: what a wrong key must leave alone. */
function snapshot(dataDir: string): { hashes: string[]; auditRows: number } {
  const db = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return {
      hashes: (db.prepare('SELECT nik_hmac FROM roster_entries ORDER BY email').all() as { nik_hmac: string }[]).map((r) => r.nik_hmac),
      auditRows: (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

describe('ra-desk init', () => {
  it('creates the data folder (0700), a 32-byte key file (0600) and the database, and keeps the key on a second run', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const keyFile = join(dataDir, 'keys', 'master.key');
    const first = await runCli(['init'], { RA_DATA_DIR: dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(keyFile);
    expect(first.stdout).toContain('SQLite');

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(keyFile)).toBe(0o600);
    expect(existsSync(join(dataDir, 'ra-desk.sqlite'))).toBe(true);
    const key = readFileSync(keyFile, 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);

    const second = await runCli(['init'], { RA_DATA_DIR: dataDir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/sudah ada .*tidak diubah/);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(mode(keyFile)).toBe(0o600);
  });

  it('writes the key where RA_MASTER_KEY_FILE says', async () => {
    const dataDir = join(root, 'custom', 'data');
    const keyFile = join(root, 'custom', 'secrets', 'ra.key');
    const r = await runCli(['init'], { RA_DATA_DIR: dataDir, RA_MASTER_KEY_FILE: keyFile });
    expect(r.code, r.stderr).toBe(0);
    expect(mode(keyFile)).toBe(0o600);
    expect(existsSync(join(dataDir, 'keys'))).toBe(false);
  });

  it('creates no key file when RA_MASTER_KEY is set', async () => {
    const dataDir = join(root, 'env-key', 'data');
    const r = await runCli(['init'], { RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'ra-desk.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'keys'))).toBe(false);
    expect(r.stdout).not.toContain('master.key');
  });

  it('tells the operator to run "ra-desk init" when a command needs the key and there is none', async () => {
    const dataDir = join(root, 'no-key', 'data');
    const [list, verify] = await Promise.all([
      runCli(['requests', 'list'], { RA_DATA_DIR: dataDir }),
      runCli(['audit', 'verify'], { RA_DATA_DIR: dataDir }),
    ]);
    for (const r of [list, verify]) {
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(linesOf(r.stderr)).toEqual([expect.stringMatching(/^ra-desk: .*"ra-desk init"/)]);
    }
    // Nothing is created behind the operator's back: no database without a key to go with it.
    expect(existsSync(join(dataDir, 'ra-desk.sqlite'))).toBe(false);
  });

  it('refuses to write to a data folder with a master key other than its own, and changes nothing', async () => {
    const dataDir = join(root, 'wrong-key', 'data');
    const own = { RA_DATA_DIR: dataDir };
    expect((await runCli(['init'], own)).code).toBe(0);
    const imported = await runCli(['roster', 'import', DEMO_ROSTER], own);
    expect(imported.code, imported.stderr).toBe(0);
    const before = snapshot(dataDir);
    expect(before.hashes).toHaveLength(5);

    // An operator exports a stale or mistyped RA_MASTER_KEY; the key file stays in place.
    const wrong = await runCli(['roster', 'import', DEMO_ROSTER], { ...own, RA_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(wrong.code).not.toBe(0);
    expect(linesOf(wrong.stderr)).toEqual([expect.stringMatching(/^ra-desk: /)]);
    expect(snapshot(dataDir)).toEqual(before);

    const verify = await runCli(['audit', 'verify'], own);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
