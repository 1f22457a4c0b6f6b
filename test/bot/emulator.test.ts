/**
 * Proves that the Bot API emulator speaks the protocol a real grammY bot expects: every test talks to it
 * over HTTP through grammY (long polling with `bot.start()`, `bot.api` calls) or plain `fetch`.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile, type BotError, type Context } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BOT_USERNAME,
  GROUP_ANONYMOUS_BOT_ID,
  TELEGRAM_SERVICE_ID,
  startBotApiEmulator,
  type BotApiEmulator,
} from '../support/bot-api-emulator.ts';

let telegram: BotApiEmulator;
let bots: Bot[];
let handlerErrors: BotError<Context>[];

beforeEach(async () => {
  telegram = await startBotApiEmulator();
  bots = [];
  handlerErrors = [];
});

afterEach(async () => {
  for (const bot of bots) if (bot.isRunning()) await bot.stop();
  await telegram.close();
  expect(handlerErrors).toEqual([]);
});

function newBot(options: { token?: string; timeoutSeconds?: number } = {}): Bot {
  const bot = new Bot(options.token ?? telegram.token, {
    client: { apiRoot: telegram.apiRoot, ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }) },
  });
  bot.catch((error) => handlerErrors.push(error));
  bots.push(bot);
  return bot;
}

/** Starts long polling; resolves once grammY has called getMe and deleteWebhook and begins to poll. */
async function startPolling(bot: Bot): Promise<{ finished: Promise<void> }> {
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const finished = bot.start({ onStart: () => started() });
  finished.catch(() => undefined); // the test that expects a rejection awaits `finished` itself
  await Promise.race([ready, finished]);
  return { finished };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const resultOf = (call: { response: unknown }): Message => (call.response as { result: Message }).result;

describe('Bot API emulator', () => {
  it('answers getMe with the bot user', async () => {
    const me = await newBot().api.getMe();

    expect(me).toMatchObject({ id: 7000000001, is_bot: true, username: BOT_USERNAME });
    expect(telegram.calls.map((call) => call.method)).toEqual(['getMe']);
  });

  it("delivers a user's text through long polling and records the bot's reply", async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`Halo ${ctx.from.first_name}, pesan Anda: ${ctx.message.text}`));
    await startPolling(bot);

    const siti = telegram.user(1001, { first_name: 'Siti', username: 'siti_ptk', language_code: 'id' });
    siti.sendText('mau daftar sertifikat');
    const reply = await telegram.waitForCall('sendMessage');

    expect(reply.params).toMatchObject({ chat_id: 1001, text: 'Halo Siti, pesan Anda: mau daftar sertifikat' });
    const [sent] = telegram.sentMessages(1001);
    expect(sent).toMatchObject({ message_id: 2, chat: { id: 1001, type: 'private' }, from: { is_bot: true, username: BOT_USERNAME } });
    expect(sent?.date).toBeCloseTo(Date.now() / 1000, -1);
    expect(siti.history().map((message) => [message.message_id, message.from?.id])).toEqual([[1, 1001], [2, 7000000001]]);
  });

  it('answers a getUpdates that is already waiting as soon as an update arrives', async () => {
    const bot = newBot();
    const received = deferred<string>();
    bot.on('message:text', (ctx) => received.resolve(ctx.message.text));
    await startPolling(bot);
    const poll = await telegram.waitForPoll();
    expect(poll.params).toMatchObject({ timeout: 30 });

    const update = telegram.user(1001, { first_name: 'Siti' }).sendText('masih buka?');

    expect(await received.promise).toBe('masih buka?');
    expect(poll.response).toEqual({ ok: true, result: [expect.objectContaining({ update_id: update.update_id })] });
  });

  it('keeps updates until an offset confirms them, and a restarted bot does not see confirmed ones again', async () => {
    const siti = telegram.user(1001, { first_name: 'Siti' });
    const first = newBot();
    const seenByFirst = deferred<number>();
    first.on('message', (ctx) => seenByFirst.resolve(ctx.update.update_id));
    await startPolling(first);
    const a = siti.sendText('satu');
    expect(await seenByFirst.promise).toBe(a.update_id);
    await first.stop(); // grammY confirms with a last getUpdates({ offset })

    expect(telegram.pendingUpdates()).toEqual([]);
    const second = newBot();
    const seenBySecond: number[] = [];
    const gotB = deferred<void>();
    second.on('message', (ctx) => {
      seenBySecond.push(ctx.update.update_id);
      gotB.resolve();
    });
    await startPolling(second);
    const b = siti.sendText('dua');
    await gotB.promise;

    expect(seenBySecond).toEqual([b.update_id]);
  });

  it('redelivers unconfirmed updates, honours limit, and forgets them once offset passes them', async () => {
    const api = newBot().api;
    const siti = telegram.user(1001, { first_name: 'Siti' });
    siti.sendText('satu');
    const last = siti.sendText('dua');

    expect(await api.getUpdates({ limit: 1 })).toHaveLength(1);
    expect(await api.getUpdates()).toHaveLength(2);
    expect(await api.getUpdates({ offset: last.update_id + 1 })).toEqual([]);
    expect(telegram.pendingUpdates()).toEqual([]);
  });

  it('queues only the update kinds named in allowed_updates', async () => {
    const api = newBot().api;
    const siti = telegram.user(1001, { first_name: 'Siti' });
    const offer = await api.sendMessage(1001, 'Pilih', { reply_markup: new InlineKeyboard().text('Ya', 'yes') });
    await api.getUpdates({ allowed_updates: ['callback_query'] });

    siti.sendText('diabaikan');
    siti.pressButton(offer.message_id, 'yes');

    expect((await api.getUpdates()).map((update) => Object.keys(update)[1])).toEqual(['callback_query']);
  });

  it('runs a callback query round trip: button, answerCallbackQuery, edited message', async () => {
    const bot = newBot();
    bot.command('start', (ctx) =>
      ctx.reply('Ajukan permohonan sertifikat?', { reply_markup: new InlineKeyboard().text('Ya', 'apply:yes').text('Batal', 'apply:no') }),
    );
    bot.callbackQuery('apply:yes', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Diterima' });
      await ctx.editMessageText('Permohonan dimulai.');
    });
    await startPolling(bot);
    const siti = telegram.user(1001, { first_name: 'Siti' });

    siti.sendCommand('/start', 'daftar');
    const offer = resultOf(await telegram.waitForCall('sendMessage'));
    const press = siti.pressButton(offer.message_id, 'apply:yes');
    const answer = await telegram.waitForCall('answerCallbackQuery');
    const edit = await telegram.waitForCall('editMessageText');

    expect(press.callback_query).toMatchObject({ from: { id: 1001 }, data: 'apply:yes', message: { message_id: offer.message_id } });
    expect(answer.params).toEqual({ callback_query_id: press.callback_query?.id, text: 'Diterima' });
    expect(edit.response).toMatchObject({ ok: true, result: { message_id: offer.message_id, text: 'Permohonan dimulai.' } });
    expect(siti.history().find((message) => message.message_id === offer.message_id)?.reply_markup).toBeUndefined();
    expect(() => siti.pressButton(offer.message_id, 'apply:yes')).toThrow(/no button with callback_data "apply:yes"/);
  });

  it("lets the bot fetch a user's document with getFile and download its bytes", async () => {
    const bot = newBot();
    const downloaded = deferred<Buffer>();
    bot.on('message:document', async (ctx) => {
      const file = await ctx.getFile();
      const response = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
      downloaded.resolve(Buffer.from(await response.arrayBuffer()));
    });
    await startPolling(bot);
    const bytes = Buffer.from('%PDF-1.7\nSurat pengantar Dinas Kominfo\n%%EOF\n');

    const update = telegram.user(1001, { first_name: 'Siti' }).sendDocument({
      filename: 'surat-pengantar.pdf',
      mimeType: 'application/pdf',
      bytes,
      caption: 'Surat pengantar',
    });

    expect(await downloaded.promise).toEqual(bytes);
    expect(update.message?.document).toMatchObject({ file_name: 'surat-pengantar.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    const getFile = await telegram.waitForCall('getFile');
    expect(getFile.response).toMatchObject({ ok: true, result: { file_size: bytes.length, file_path: expect.stringMatching(/^documents\/file_\d+\.pdf$/) } });
  });

  it("gives a user's photo three sizes whose files getFile can serve", async () => {
    const api = newBot().api;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
    telegram.user(1001, { first_name: 'Siti' }).sendPhoto(jpeg, { caption: 'KTP' });

    const [update] = await api.getUpdates();
    const sizes = update?.message?.photo ?? [];
    expect(sizes.map((size) => size.width)).toEqual([90, 320, 800]);
    const file = await api.getFile(sizes.at(-1)?.file_id ?? '');
    expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    const download = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(jpeg);
  });

  it('accepts a multipart sendDocument from grammY, records the upload and serves it back', async () => {
    const api = newBot().api;
    telegram.user(1001, { first_name: 'Siti' });
    const bytes = Buffer.from('%PDF-1.7\nTanda terima permohonan RA-0001\n%%EOF\n');

    const sent = await api.sendDocument(1001, new InputFile(bytes, 'tanda terima ü.pdf'), {
      caption: '<b>Tanda terima</b> permohonan',
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Lihat status', 'status:RA-0001'),
    });

    expect(sent.document).toMatchObject({ file_name: 'tanda terima ü.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(sent).toMatchObject({ caption: 'Tanda terima permohonan', caption_entities: [{ type: 'bold', offset: 0, length: 12 }] });
    const [call] = telegram.calls.filter((recorded) => recorded.method === 'sendDocument');
    expect(call?.params).toMatchObject({
      chat_id: 1001,
      document: { filename: 'tanda terima ü.pdf', size: bytes.length, mimeType: 'application/octet-stream' },
      reply_markup: { inline_keyboard: [[{ text: 'Lihat status', callback_data: 'status:RA-0001' }]] },
    });
    const file = await api.getFile(sent.document.file_id);
    const download = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    const again = await api.sendDocument(1001, sent.document.file_id);
    expect(again.document).toMatchObject({ file_id: sent.document.file_id, file_name: 'tanda terima ü.pdf' });
  });

  it('surfaces an injected 429 as a GrammyError with retry_after, which auto-retry waits out', async () => {
    telegram.user(1001, { first_name: 'Siti' });
    const tooMany = { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } };
    telegram.failNext('sendMessage', tooMany);

    const failure = await newBot().api.sendMessage(1001, 'satu').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GrammyError);
    expect(failure).toMatchObject({ error_code: 429, description: tooMany.description, parameters: { retry_after: 1 } });

    const retrying = newBot();
    retrying.api.config.use(autoRetry());
    telegram.failNext('sendMessage', tooMany);
    const sent = await retrying.api.sendMessage(1001, 'dua');

    expect(sent.text).toBe('dua');
    expect(telegram.calls.filter((call) => call.method === 'sendMessage').map((call) => call.response?.ok)).toEqual([false, false, true]);
  });

  it('surfaces an injected 500 and a slow answer past the client timeout', async () => {
    telegram.user(1001, { first_name: 'Siti' });
    telegram.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    await expect(newBot().api.sendMessage(1001, 'x')).rejects.toMatchObject({ error_code: 500 });

    telegram.slowNext('getMe', 1500);
    await expect(newBot({ timeoutSeconds: 1 }).api.getMe()).rejects.toBeInstanceOf(HttpError);
  });

  it('refuses a wrong token with 401 Unauthorized, on methods and on file downloads', async () => {
    const response = await fetch(`${telegram.apiRoot}/bot123:wrong/getMe`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    await expect(newBot({ token: '123:wrong' }).api.getMe()).rejects.toMatchObject({ error_code: 401 });
    expect((await fetch(`${telegram.apiRoot}/file/bot123:wrong/documents/file_1.pdf`)).status).toBe(401);
  });

  it('answers an unknown method with 404 and records it', async () => {
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendTelepathy`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    expect(telegram.calls.map((call) => call.method)).toEqual(['sendTelepathy']);
  });

  it('answers the older of two concurrent getUpdates with 409 Conflict, as Telegram does', async () => {
    const polling = newBot();
    const { finished } = await startPolling(polling);
    await telegram.waitForPoll();

    expect(await newBot().api.getUpdates({ timeout: 0 })).toEqual([]);

    await expect(finished).rejects.toMatchObject({ error_code: 409, description: expect.stringMatching(/^Conflict: terminated by other getUpdates request/) });
  });

  it('refuses getUpdates while a webhook is set, and stores webhook and commands', async () => {
    const api = newBot().api;
    await api.setWebhook('https://ra.pontianakkota.go.id/telegram', { drop_pending_updates: true });
    await expect(api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
    expect((await api.getWebhookInfo()).url).toBe('https://ra.pontianakkota.go.id/telegram');
    await api.deleteWebhook();
    await api.setMyCommands([{ command: 'daftar', description: 'Ajukan sertifikat elektronik' }]);
    await api.sendChatAction(telegram.user(1001, { first_name: 'Siti' }).id, 'typing');

    expect(telegram.webhook()).toBeUndefined();
    expect(telegram.commands()).toEqual([{ command: 'daftar', description: 'Ajukan sertifikat elektronik' }]);
    expect(await api.getUpdates()).toEqual([]);
  });

  it('deletes a message and records the call; a second delete is a 400', async () => {
    const api = newBot().api;
    const siti = telegram.user(1001, { first_name: 'Siti' });
    const sent = await api.sendMessage(1001, 'sementara');

    expect(await api.deleteMessage(1001, sent.message_id)).toBe(true);
    expect(telegram.calls.at(-1)).toMatchObject({ method: 'deleteMessage', params: { chat_id: 1001, message_id: sent.message_id } });
    expect(siti.history()).toEqual([]);
    await expect(api.deleteMessage(1001, sent.message_id)).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: message to delete not found' });
  });

  it('parses parse_mode like Telegram and refuses markup it would refuse', async () => {
    const api = newBot().api;
    telegram.user(1001, { first_name: 'Siti' });

    const html = await api.sendMessage(1001, '<b>Nomor</b>: RA-0001 &lt;baru&gt;\n', { parse_mode: 'HTML' });
    expect(html).toMatchObject({ text: 'Nomor: RA-0001 <baru>', entities: [{ type: 'bold', offset: 0, length: 5 }] });
    await expect(api.sendMessage(1001, 'NIK <6171...>', { parse_mode: 'HTML' })).rejects.toMatchObject({
      error_code: 400,
      description: expect.stringMatching(/^Bad Request: can't parse entities: Unsupported start tag/),
    });
    await expect(api.sendMessage(1001, 'Selesai.', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description: "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    const markdown = await api.sendMessage(1001, '*Selesai*\\.', { parse_mode: 'MarkdownV2' });
    expect(markdown).toMatchObject({ text: 'Selesai.', entities: [{ type: 'bold', offset: 0, length: 7 }] });
  });

  it('accepts form-encoded and GET calls and records the same parameters as JSON', async () => {
    telegram.user(1001, { first_name: 'Siti' });
    const viaGet = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage?chat_id=1001&text=Halo`);
    const viaForm = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: '1001', text: 'Halo', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Ya', callback_data: 'y' }]] }) }),
    });

    expect([viaGet.status, viaForm.status]).toEqual([200, 200]);
    expect(telegram.calls.map((call) => call.params)).toEqual([
      { chat_id: 1001, text: 'Halo' },
      { chat_id: 1001, text: 'Halo', reply_markup: { inline_keyboard: [[{ text: 'Ya', callback_data: 'y' }]] } },
    ]);
  });

  it('refuses chats it does not know and users who blocked the bot', async () => {
    const api = newBot().api;
    const siti = telegram.user(1001, { first_name: 'Siti' });
    await expect(api.sendMessage(4242, 'halo')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
    siti.blockBot();
    await expect(api.sendMessage(1001, 'halo')).rejects.toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  });

  it('plays group members, an anonymous admin and the Telegram service account', async () => {
    const bot = newBot();
    const senders: Array<{ from: number | undefined; senderChat: number | undefined; automatic: boolean }> = [];
    const three = deferred<void>();
    bot.on('message', (ctx) => {
      senders.push({ from: ctx.from?.id, senderChat: ctx.senderChat?.id, automatic: ctx.message.is_automatic_forward === true });
      if (senders.length === 3) three.resolve();
    });
    await startPolling(bot);
    const group = telegram.group(-1001234567890, { title: 'Operator RA Pontianak' });

    telegram.user(1001, { first_name: 'Siti' }).in(group).sendText('/setujui 12');
    group.anonymousAdmin.sendText('/tolak 13');
    group.telegramService.sendText('Pengumuman layanan');
    await three.promise;

    expect(senders).toEqual([
      { from: 1001, senderChat: undefined, automatic: false },
      { from: GROUP_ANONYMOUS_BOT_ID, senderChat: -1001234567890, automatic: false },
      { from: TELEGRAM_SERVICE_ID, senderChat: expect.any(Number), automatic: true },
    ]);
    expect(group.history().map((message) => message.message_id)).toEqual([1, 2, 3]);
  });

  it('queues injected updates untouched, duplicates and malformed ones included', async () => {
    const api = newBot().api;
    const duplicate = { update_id: 900, message: { message_id: 1, date: 0, chat: { id: 1001, type: 'private' }, text: 'x' } };
    telegram.injectUpdate(duplicate);
    telegram.injectUpdate(duplicate);
    telegram.injectUpdate({ nonsense: true });

    const updates: unknown[] = await api.getUpdates();

    expect(updates).toEqual([duplicate, duplicate, { nonsense: true }]);
    const fresh: Update = telegram.user(1001, { first_name: 'Siti' }).sendText('baru');
    expect(fresh.update_id).toBeGreaterThan(900);
  });
});
