import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';

/**
 * Issue 8: another process holds `BEGIN IMMEDIATE` on the SQLite file for 10 s (a backup tool, a cron
 * job, a second desk). Writers wait for SQLite's lock (busy timeout 15 s) and succeed; nobody sees
 * "database is locked".
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOLD_MS = 10_000;
let h: BotHarness | undefined;
let holder: ChildProcess | undefined;
afterEach(async () => {
  holder?.kill('SIGKILL');
  await h?.close();
});

/** A separate process that takes the write lock, says so, holds it, then commits. */
function holdWriteLock(file: string): Promise<{ released: Promise<number | null> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)}, { timeout: 1000 });
    db.exec('BEGIN IMMEDIATE');
    db.prepare('CREATE TABLE IF NOT EXISTS lock_probe (n INTEGER)').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${HOLD_MS});
    db.exec('ROLLBACK');
    db.close();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  holder = child;
  const released = new Promise<number | null>((resolve) => child.once('close', resolve));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => { if (s.includes('locked')) resolve({ released }); });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`lock holder exited early (${String(code)})`)));
  });
}

describe('a database locked by another process for 10 s', () => {
  it('makes a use case and the bot wait, then succeed, with no error reaching anyone', async () => {
    h = await openBotHarness();
    const siti = h.tg.user(8100001, { first_name: 'Siti' });
    const { released } = await holdWriteLock(sqliteFile(h.db.dataDir));

    // A bot update arriving now needs a write (dedupe row, session): it waits, then gets its answer.
    siti.sendCommand('/start');
    const application = submitApplication(h.desk.ports, {
      channel: 'email', email: PEOPLE.budi.email, nik: PEOPLE.budi.nik, nip: PEOPLE.budi.nip, name: PEOPLE.budi.name,
      certificateType: 'individual', uses: [],
      documents: [
        { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
        { kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() },
        { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
      ],
    });
    const r = await application;
    expect(r.ok).toBe(true);
    expect(await released).toBe(0);
    await h.reply(8100001, /NIP/);
    expect(h.errors).toEqual([]);
    expect(h.tg.sentMessages(8100001).some((m) => /kesalahan/i.test(m.text ?? ''))).toBe(false);
    expect(await h.db.ds.getRepository(RequestSchema).countBy({ applicantNip: PEOPLE.budi.nip })).toBe(1);
    // Officers were untouched by the wait too.
    expect(await h.desk.ports.officers.findByTelegramId(OFFICERS.rahmat)).not.toBeNull();
  }, 60_000);
});
