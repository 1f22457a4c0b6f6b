import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../support/bot-api-emulator.ts';
import { writeRosterCsv } from '../support/storage-desk.ts';
import { runCli } from '../support/run-cli.ts';
import { startServe } from '../support/serve-process.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { sqliteFile } from '../../storage/data-source.ts';

/**
 * Issue 8, the bot under SIGKILL: a burst of updates from 150 users reaches `ra-desk serve`, which is
 * killed outright in the middle of it and started again. No update is lost silently and none is worked
 * on twice: each user gets the answer, or — for an update the kill interrupted — a message asking to
 * send it again; every update has one `bot_updates` row, finished; and the bot goes on answering.
 */
const USERS = 150;
let tg: BotApiEmulator;
const root = makeTempDir('bot-crash');
let env: Record<string, string>;

beforeAll(async () => {
  tg = await startBotApiEmulator();
  const csv = writeRosterCsv(join(root, 'asn.csv'));
  env = { RA_DATA_DIR: join(root, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_TELEGRAM_TOKEN: tg.token, RA_TELEGRAM_API_ROOT: tg.apiRoot, RA_HTTP_PORT: '0' };
  expect((await runCli(['init'], env)).code).toBe(0);
  expect((await runCli(['roster', 'import', csv], env)).code).toBe(0);
});
afterAll(async () => {
  await tg?.close();
  removeTempDir(root);
});

const rows = (sql: string): number => {
  const db = new Database(sqliteFile(env['RA_DATA_DIR']!), { readonly: true, fileMustExist: true });
  try { return (db.prepare(sql).get() as { n: number }).n; } finally { db.close(); }
};
const answered = (): Set<number> => new Set(tg.calls.filter((c) => c.method === 'sendMessage' && (c.response as { ok?: boolean } | undefined)?.ok).map((c) => Number(c.params['chat_id'])));
const until = async (what: () => boolean, timeoutMs: number): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the bot killed with SIGKILL during a burst', () => {
  it('answers every user after the restart and handles no update twice', async () => {
    const first = startServe(env);
    await first.waitForEvent('bot.start', 30_000);
    const users = Array.from({ length: USERS }, (_, i) => tg.user(8_400_000 + i, { first_name: `Pegawai ${i}` }));
    // The first ten answers hang at Telegram for 3 s, so their updates are surely mid-work at the kill.
    for (let i = 0; i < 10; i++) tg.slowNext('sendMessage', 3_000);
    for (const u of users) u.sendCommand('/start');
    await until(() => answered().size >= 10, 60_000);
    expect(await first.stop('SIGKILL')).toBeNull();
    const before = answered().size;
    expect(before).toBeLessThan(USERS);

    const second = startServe(env);
    try {
      await until(() => answered().size === USERS, 90_000);
      // The bot still works after the crash: one more update, from a user answered before the kill.
      const last = users[USERS - 1]!;
      last.sendText('halo');
      // The answer depends on where the user was: asked for the NIP, or (an interrupted /start) to type /start.
      await tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === last.id && /Kirim NIP|Ketik \/start/.test(String(c.params['text'])), 15_000);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    expect(rows('select count(*) as n from bot_updates')).toBe(USERS + 1);
    expect(rows("select count(*) as n from bot_updates where handled_at = 'started'")).toBe(0);
    // No update was worked on twice: nobody got two welcomes. An update the kill interrupted is not
    // redone (its work may be half done); its sender is told, once, to send it again.
    const welcomes = new Map<number, number>();
    const interrupted = new Set<number>();
    for (const c of tg.calls) {
      if (c.method !== 'sendMessage') continue;
      const chat = Number(c.params['chat_id']);
      if (/Selamat datang/.test(String(c.params['text']))) welcomes.set(chat, (welcomes.get(chat) ?? 0) + 1);
      if (/kirim ulang pesan/.test(String(c.params['text']))) interrupted.add(chat);
    }
    expect([...welcomes.values()].every((n) => n === 1)).toBe(true);
    expect(interrupted.size).toBeGreaterThanOrEqual(1);
    for (const u of users) expect(welcomes.has(u.id) || interrupted.has(u.id), `user ${u.id}`).toBe(true);
  }, 240_000);
});
