import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { auditCheckpointFile } from '../../storage/audit/audit-log.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const root = makeTempDir('cli-demo');
const dataDir = join(root, 'demo');

const nikHashes = (): string[] => {
  const db = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT nik_hmac FROM roster_entries ORDER BY email').all() as { nik_hmac: string }[]).map((r) => r.nik_hmac);
  } finally {
    db.close();
  }
};
afterAll(() => removeTempDir(root));

describe('ra-desk demo', () => {
  it('runs the scripted scenario end to end and prints every step', async () => {
    const r = await runCli(['demo', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = linesOf(r.stdout);
    const has = (pattern: RegExp | string): void => {
      expect(lines.some((l) => (typeof pattern === 'string' ? l === pattern : pattern.test(l))), String(pattern)).toBe(true);
    };

    expect(r.stdout).toContain(dataDir);
    has(t.message('ROSTER.SUMMARY', { created: 5, updated: 0, errors: 0 }));
    has(t.message('DEMO.OFFICERS'));
    // Case ids carry the year of the system clock the demo runs on.
    const year = new Date().getUTCFullYear();
    has(t.message('DEMO.APPLIED', { who: 'Siti Aminah', id: `OP-${year}-000001`, status: 'pending_review' }));
    has(t.message('DEMO.APPLIED', { who: 'Budi Santoso', id: `OP-${year}-000002`, status: 'incomplete' }));
    has(`    belum lengkap: ${t.message('VERIFY.RECOMMENDATION_MISSING')}`);
    // The three refusals: a stranger, a second decision on a decided request, an incomplete request.
    expect(lines.filter((l) => l.startsWith('[petugas]') && l.includes('ditolak sistem'))).toHaveLength(3);
    has(/^\[petugas\] Telegram 999999 ditolak sistem: /);
    has(/^\[petugas\] Andi Pratama ditolak sistem: .*OP-\d{4}-000001/);
    has(/^\[petugas\] Rahmat Hidayat memutuskan OP-\d{4}-000001: approve\.$/);
    expect(lines.filter((l) => l.startsWith('[kotak keluar]'))).toEqual([
      '[kotak keluar] email → siti.aminah@pontianak.go.id: application-received',
      '[kotak keluar] email → budi.santoso@pontianak.go.id: application-incomplete',
      '[kotak keluar] email → siti.aminah@pontianak.go.id: decision-approve',
      '[kotak keluar] email → siti.aminah@pontianak.go.id: subscriber-agreement',
    ]);
    has(/^Log audit utuh: \d+ catatan, rantai hash dan titik periksa cocok\.$/);
    expect(lines.at(-1)).toBe(t.message('DEMO.END', { dataDir }));

    expect(existsSync(sqliteFile(dataDir))).toBe(true);
    expect(existsSync(auditCheckpointFile(dataDir))).toBe(true);
  });

  it('leaves a data folder that already holds data untouched', async () => {
    // The demo makes up a fresh master key each run; on an existing folder (say, the real ./data) it
    // must not re-encrypt the roster's NIKs under a key nobody keeps.
    const before = nikHashes();
    expect(before).toHaveLength(5);
    const r = await runCli(['demo', '--data-dir', dataDir]);
    expect(r.code).not.toBe(0);
    expect(nikHashes()).toEqual(before);
  });
});
