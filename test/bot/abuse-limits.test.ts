import { afterEach, describe, expect, it } from 'vitest';
import { openBotHarness, bindTelegram, type PlayedUser, type BotHarness } from '../support/bot-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg } from '../support/sample-files.ts';
import { AuditSchema, BindingChallengeSchema, RequestSchema, TelegramBindingSchema } from '../../storage/entities/schemas.ts';
import { createTemplates } from '../../templates/catalog.ts';

/**
 * The bot's abuse limits, played through the Bot API emulator over HTTP: per Telegram user, a refused
 * attempt is told when to try again ("coba lagi dalam N menit") and writes nothing else.
 */
const t = createTemplates();
const SITI = 8400001;
let h: BotHarness;
afterEach(async () => { await h?.close(); });

type User = PlayedUser;
const bind = (user: User, nip: string): Promise<number> => bindTelegram(h, user, nip);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const said = (code: string, params: Record<string, number> = {}) => new RegExp(escape(t.message(code, params)));
const auditRows = () => h.db.ds.getRepository(AuditSchema).count();

describe('bot: abuse limits per Telegram user', () => {
  it('one-time code steps: the 4th try in a burst of 3/hour is refused with the wait, and binds nothing', async () => {
    h = await openBotHarness({ limits: { request: { perHour: 60 }, otp: { perHour: 3 }, upload: { perHour: 120 } } });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI, /NIP/);
    siti.sendText(PEOPLE.siti.nip); // 1
    await h.reply(SITI, /Kode verifikasi telah dikirim/);
    siti.sendText('000000'); // 2
    await h.reply(SITI);
    siti.sendText('111111'); // 3
    await h.reply(SITI);
    const audit = await auditRows();
    const challenges = await h.db.ds.getRepository(BindingChallengeSchema).find();
    siti.sendText(await h.lastCode()); // 4: refused, even though the code is right
    await h.reply(SITI, said('LIMIT.otp', { minutes: 20 }));
    expect(await h.db.ds.getRepository(TelegramBindingSchema).count()).toBe(0);
    expect(await auditRows()).toBe(audit);
    expect(await h.db.ds.getRepository(BindingChallengeSchema).find()).toEqual(challenges); // no attempt counted either
    expect(h.errors).toEqual([]);
  });

  it('new requests and uploads: a second ticket within the hour and a third file are refused with the wait, nothing stored or downloaded', async () => {
    h = await openBotHarness({ limits: { request: { perHour: 1 }, otp: { perHour: 20 }, upload: { perHour: 2 } } });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    const menu = await bind(siti, PEOPLE.siti.nip);

    siti.pressButton(menu, 'menu:help');
    await h.reply(SITI, said('BOT.ASK_TICKET_help'));
    siti.sendText('Aplikasi SRIKANDI menolak tanda tangan saya.');
    await h.reply(SITI, /tercatat dengan nomor TK-/);

    siti.pressButton(menu, 'menu:help');
    await h.reply(SITI, said('BOT.ASK_TICKET_help'));
    const audit = await auditRows();
    siti.sendText('Masih gagal, mohon dibantu.');
    await h.reply(SITI, said('LIMIT.request', { minutes: 60 }));
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(1);
    expect(await auditRows()).toBe(audit);

    const getFiles = () => h.tg.calls.filter((c) => c.method === 'getFile').length;
    for (let i = 0; i < 2; i++) {
      siti.sendDocument({ filename: `ktp-${i}.jpg`, mimeType: 'image/jpeg', bytes: tinyJpeg() });
      await h.reply(SITI);
    }
    const before = getFiles();
    siti.sendDocument({ filename: 'ktp-3.jpg', mimeType: 'image/jpeg', bytes: tinyJpeg() });
    await h.reply(SITI, said('LIMIT.upload', { minutes: 30 }));
    expect(getFiles()).toBe(before);
    expect(h.errors).toEqual([]);
  });
});
