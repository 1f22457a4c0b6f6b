import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import { fuzzBudget } from './fuzz-support.ts';

/**
 * Bot text and callback data from a crafted client, through the real HTTP Bot API emulator: whatever
 * arrives, the bot answers without its "terjadi kesalahan" fallback and no handler throws. Bounded: a
 * handful of sequences of up to 25 updates each (about 150 updates).
 */
const t = createTemplates();
const BOT_ERROR = t.message('BOT.ERROR');
const SITI = 8300001;
const STRANGER = 8300999;
const RAHMAT = Number(OFFICERS.rahmat);
type User = ReturnType<BotHarness['tg']['user']>;

let h: BotHarness;
let users: User[];
let updateId = 990_000;

beforeAll(async () => {
  h = await openBotHarness();
  const siti = h.tg.user(SITI, { first_name: 'Siti' });
  siti.sendCommand('/start');
  await h.reply(SITI, /NIP/);
  siti.sendText(PEOPLE.siti.nip);
  await h.reply(SITI, /Kode verifikasi telah dikirim/);
  siti.sendText(await h.lastCode());
  await h.reply(SITI, /sudah terhubung/);
  users = [siti, h.tg.user(STRANGER, { first_name: 'Orang', username: 'rahmat_hidayat' }), h.tg.user(RAHMAT, { first_name: 'Rahmat' })];
}, 60_000);
afterAll(async () => { await h?.close(); });

/** Waits until the emulator's queue is empty and the bot has made no call for a while. */
async function settled(quietMs = 400, maxMs = 30_000): Promise<void> {
  const started = Date.now();
  let seen = -1;
  let since = Date.now();
  for (;;) {
    const count = h.tg.calls.filter((c) => c.method !== 'getUpdates').length;
    if (count !== seen || h.tg.pendingUpdates().length > 0) { seen = count; since = Date.now(); }
    else if (Date.now() - since >= quietMs) return;
    if (Date.now() - started > maxMs) throw new Error('the bot did not settle within 30 s (a hang?)');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CALLBACK_PREFIXES = ['menu:apply', 'menu:status', 'menu:guide', 'menu:renew', 'menu:revoke', 'menu:help', 'menu:incident', 'menu:complaint',
  'apply:type:individual', 'apply:type:', 'apply:use:', 'apply:uses:done', 'agr:', 'agree:', 'ans:', 'bsre:1:', 'bsre:9:', 'bsreup:', 'dec:approve:',
  'dec:reject:', 'dec:return:', 'mgr:yes:', 'mgr:no:', 'open:', 'rcpt:', 'renew:', 'rvc:lost:', 'rvg:key_compromise:', 'rvk:', 'rvok:', 'why:reject:1:', ''];
const callbackData = fc.tuple(fc.constantFrom(...CALLBACK_PREFIXES), fc.oneof(fc.constant(''), fc.uuid(), fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9a-f-]{1,36}$/)))
  .map(([prefix, tail]) => Buffer.from(prefix + tail).subarray(0, 64).toString()); // Telegram caps callback data at 64 bytes
const text = fc.oneof(
  fc.constantFrom('/start', '/start apply', '/cek', '/bantuan', '/help', '/batal', PEOPLE.siti.nip, PEOPLE.siti.nik, PEOPLE.siti.email, '123456', '000000',
    '📝 Ajukan sertifikat', '📋 Status', '⛔ Cabut', '🔄 Perpanjang', '🛟 Bantuan', 'SETUJU', 'TERIMA'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4096 }),
).filter((s) => s.trim() !== '');

const action = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('text' as const), who: fc.nat(2), text }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('callback' as const), who: fc.nat(2), data: callbackData, messageId: fc.option(fc.nat(5000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('document' as const), who: fc.nat(2), pdf: fc.boolean(), filename: fc.string({ minLength: 1, maxLength: 80 }), junk: fc.uint8Array({ maxLength: 200 }) }) },
);

function play(a: { kind: string } & Record<string, unknown>): void {
  const user = users[(a['who'] as number) % users.length]!;
  if (a.kind === 'text') user.sendText(a['text'] as string);
  else if (a.kind === 'document') {
    const bytes = Buffer.concat([a['pdf'] ? tinyPdf() : tinyJpeg(), Buffer.from(a['junk'] as Uint8Array)]);
    user.sendDocument({ filename: a['filename'] as string, mimeType: a['pdf'] ? 'application/pdf' : 'image/jpeg', bytes });
  } else {
    const last = h.tg.sentMessages(user.id).at(-1);
    const messageId = (a['messageId'] as number | null) ?? last?.message_id ?? 1;
    updateId += 1;
    h.tg.injectUpdate({
      update_id: updateId,
      callback_query: { id: `fuzz-${updateId}`, from: user.from, chat_instance: 'fuzz', data: a['data'],
        message: { message_id: messageId, date: 0, chat: user.chat, text: last?.text ?? 'menu' } },
    });
  }
}

describe('fuzz: bot text, callback data and uploads from a crafted client', () => {
  it('regression: a button press Telegram no longer lets us answer (stale after a restart) still does its work', async () => {
    const before = h.tg.calls.length;
    play({ kind: 'callback', who: 0, data: 'menu:guide', messageId: null });
    await h.reply(SITI, new RegExp(t.message('BOT.GUIDE').slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await settled();
    expect(h.errors).toEqual([]);
    expect(h.tg.calls.slice(before).some((c) => c.method === 'answerCallbackQuery' && c.response?.ok === false)).toBe(true);
  });

  it('answers every update without an error reply or a handler exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const before = h.tg.calls.length;
        for (const a of actions) play(a);
        await settled();
        const errorReplies = h.tg.calls.slice(before).filter((c) => c.method === 'sendMessage' && c.params['text'] === BOT_ERROR);
        // Refused API calls the handlers expect (an edit of a message the crafted press named but that does
        // not exist, answering a press id Telegram never issued) are fine; a handler that throws is not.
        expect(h.errors).toEqual([]);
        expect(errorReplies).toEqual([]);
      }),
      { ...fuzzBudget(6, 120_000), endOnFailure: true },
    );
  }, 300_000);
});
