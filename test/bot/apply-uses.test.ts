import { describe, it, expect, afterEach } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import type { SettledCall } from '../support/bot-api-emulator.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';

let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SITI_TG = 8100001;
const idOf = (call: SettledCall): number => (call.response as { result: { message_id: number } }).result.message_id;
const buttons = (call: SettledCall): Array<{ text: string; callback_data: string }> =>
  ((call.params['reply_markup'] as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard).flat();

async function boundSiti(): Promise<ReturnType<BotHarness['tg']['user']>> {
  const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });
  siti.sendCommand('/start');
  await h.reply(SITI_TG, /NIP/);
  siti.sendText(PEOPLE.siti.nip);
  await h.reply(SITI_TG, /Kode verifikasi telah dikirim/);
  siti.sendText(await h.lastCode());
  await h.reply(SITI_TG, /sudah terhubung/);
  return siti;
}

/** Ajukan → type: returns the uses message. */
async function chooseType(siti: Awaited<ReturnType<typeof boundSiti>>, type: string): Promise<SettledCall> {
  siti.pressButton(h.tg.sentMessages(SITI_TG).at(-1)!.message_id, 'menu:apply');
  const typeMsg = await h.reply(SITI_TG, /Langkah 1 dari 6/);
  siti.pressButton(idOf(typeMsg), `apply:type:${type}`);
  return h.reply(SITI_TG, /Langkah 2 dari 6 — pilih penggunaan/);
}

const pressed = async (): Promise<SettledCall> => h.tg.waitForCall('editMessageReplyMarkup');

describe('choosing the uses of the certificate (Pasal 13(5)) in the bot', () => {
  it('preselects the type\'s defaults, toggles, and files the application with the chosen uses in six steps', async () => {
    h = await openBotHarness();
    const siti = await boundSiti();
    const uses = await chooseType(siti, 'individual');
    expect(buttons(uses).map((b) => [b.text, b.callback_data])).toEqual([
      ['✅ Tanda tangan elektronik', 'apply:use:signature'],
      ['✅ Perlindungan e-mail', 'apply:use:email'],
      ['✅ Perlindungan dokumen', 'apply:use:document'],
      ['⬜ SSL client', 'apply:use:ssl_client'],
      ['Lanjut ➡️', 'apply:uses:done'],
    ]);

    siti.pressButton(idOf(uses), 'apply:use:email');
    expect(buttons(await pressed()).find((b) => b.callback_data === 'apply:use:email')?.text).toBe('⬜ Perlindungan e-mail');
    siti.pressButton(idOf(uses), 'apply:use:ssl_client');
    expect(buttons(await pressed()).find((b) => b.callback_data === 'apply:use:ssl_client')?.text).toBe('✅ SSL client');

    siti.pressButton(idOf(uses), 'apply:uses:done');
    const nikAsk = await h.reply(SITI_TG, /Langkah 3 dari 6 — ketik NIK/);
    expect(String(nikAsk.params['text'])).toContain('Penggunaan: Tanda tangan elektronik, Perlindungan dokumen, SSL client.');
    siti.sendText(PEOPLE.siti.nik);
    await h.reply(SITI_TG, /Langkah 4 dari 6/);
    siti.sendDocument({ filename: 'pengantar.pdf', mimeType: 'application/pdf', bytes: tinyPdf() });
    await h.reply(SITI_TG, /Langkah 5 dari 6/);
    siti.sendDocument({ filename: 'rekomendasi.png', mimeType: 'image/png', bytes: tinyPng() });
    await h.reply(SITI_TG, /Langkah 6 dari 6/);
    siti.sendPhoto(tinyJpeg());
    await h.reply(SITI_TG, /menunggu pemeriksaan/);

    const [req] = await h.db.ds.getRepository(RequestSchema).find();
    expect(req?.status).toBe('pending_review');
    expect(JSON.parse(req!.uses)).toEqual(['signature', 'document', 'ssl_client']);
    // Six things the applicant does after "Ajukan": type, Lanjut, NIK, three files.
    const steps = h.tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.params['chat_id']) === SITI_TG)
      .map((c) => /Langkah (\d) dari 6/.exec(String(c.params['text']))?.[1]).filter(Boolean);
    expect(steps).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('asks for at least one use when none is chosen, then goes on once one is', async () => {
    h = await openBotHarness();
    const siti = await boundSiti();
    const uses = await chooseType(siti, 'system');
    expect(buttons(uses).filter((b) => b.text.startsWith('✅')).map((b) => b.callback_data)).toEqual(['apply:use:ssl_server']);
    siti.pressButton(idOf(uses), 'apply:use:ssl_server');
    await pressed();
    siti.pressButton(idOf(uses), 'apply:uses:done');
    await h.reply(SITI_TG, /Pilih sedikitnya satu penggunaan/);
    siti.pressButton(idOf(uses), 'apply:use:ssl_client');
    await pressed();
    siti.pressButton(idOf(uses), 'apply:uses:done');
    const nikAsk = await h.reply(SITI_TG, /ketik NIK/);
    expect(String(nikAsk.params['text'])).toContain('Penggunaan: SSL client.');
  });

  it('refuses callback data for an unknown use or one the type does not allow, and carries on', async () => {
    h = await openBotHarness();
    const siti = await boundSiti();
    const uses = await chooseType(siti, 'individual');
    // Buttons the bot never showed: a crafted client can still send their data.
    const spoof = (n: number, data: string) => h.tg.injectUpdate({
      update_id: 960000 + n,
      callback_query: { id: `spoof-${n}`, from: siti.from, chat_instance: 'x', data, message: { message_id: idOf(uses), date: 0, chat: siti.chat, text: 'x' } },
    });
    spoof(1, 'apply:use:code_signing');
    await h.reply(SITI_TG, /tidak tersedia untuk jenis sertifikat ini/);
    spoof(2, 'apply:use:ssl_server');
    await h.reply(SITI_TG, /tidak tersedia untuk jenis sertifikat ini/);
    spoof(3, `apply:use:${'x'.repeat(60)}`);
    await h.reply(SITI_TG, /tidak tersedia untuk jenis sertifikat ini/);
    expect(h.errors).toEqual([]);

    siti.pressButton(idOf(uses), 'apply:uses:done');
    const nikAsk = await h.reply(SITI_TG, /ketik NIK/);
    expect(String(nikAsk.params['text'])).toContain('Penggunaan: Tanda tangan elektronik, Perlindungan e-mail, Perlindungan dokumen.');
    // A use pressed after the step is over changes nothing.
    spoof(4, 'apply:use:ssl_client');
    await h.tg.waitForCall('answerCallbackQuery', (c) => c.params['callback_query_id'] === 'spoof-4');
    expect(h.errors).toEqual([]);
  });
});
