import { describe, it, expect, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { PEOPLE, OFFICERS } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { AuditSchema, DecisionSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';

let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SITI_TG = 8100001;

async function bind(user: ReturnType<BotHarness['tg']['user']>, identifier: string): Promise<void> {
  user.sendCommand('/start');
  await h.reply(user.id, /NIP/);
  user.sendText(identifier);
  await h.reply(user.id, /Kode verifikasi telah dikirim/);
  user.sendText(await h.lastCode());
  await h.reply(user.id, /sudah terhubung/);
}

describe('binding a Telegram account', () => {
  it('binds with the code mailed to the roster address and refuses a wrong one', async () => {
    h = await openBotHarness();
    const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI_TG, /NIP/);
    siti.sendText(PEOPLE.siti.nip);
    const sent = await h.reply(SITI_TG, /Kode verifikasi/);
    expect(String(sent.params['text'])).toContain('s***h@pontianak.go.id');
    const mail = await h.db.ds.getRepository(OutboxSchema).findOneByOrFail({ template: 'otp-code' });
    expect(mail.recipient).toBe(PEOPLE.siti.email);
    siti.sendText('000000');
    await h.reply(SITI_TG, /Kode tidak cocok\. Sisa percobaan: 4/);
    siti.sendText(await h.lastCode());
    await h.reply(SITI_TG, /terhubung atas nama Siti Aminah/);
  });

  it('refuses an expired code', async () => {
    let offset = 0;
    h = await openBotHarness({ clock: { now: () => new Date(Date.now() + offset) } });
    const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI_TG, /NIP/);
    siti.sendText(PEOPLE.siti.email);
    await h.reply(SITI_TG, /Kode verifikasi/);
    offset = 11 * 60_000;
    siti.sendText(await h.lastCode());
    await h.reply(SITI_TG, /kedaluwarsa/);
  });
});

describe('applying from the phone', () => {
  it('goes from /start to pending_review with three documents, deleting the NIK message', async () => {
    h = await openBotHarness();
    const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });
    await bind(siti, PEOPLE.siti.nip);
    const menu = h.tg.sentMessages(SITI_TG).at(-1)!;
    siti.pressButton(menu.message_id, 'menu:apply');
    const typeMsg = await h.reply(SITI_TG, /jenis sertifikat/);
    siti.pressButton((typeMsg.response as { result: { message_id: number } }).result.message_id, 'apply:type:individual');
    const usesMsg = await h.reply(SITI_TG, /penggunaan sertifikat/);
    siti.pressButton((usesMsg.response as { result: { message_id: number } }).result.message_id, 'apply:uses:done');
    await h.reply(SITI_TG, /ketik NIK/);
    const nikUpdate = siti.sendText(PEOPLE.siti.nik);
    await h.reply(SITI_TG, /NIK 6171\*{8}0002 diterima/);
    const deleted = await h.tg.waitForCall('deleteMessage');
    expect(Number(deleted.params['message_id'])).toBe(nikUpdate.message!.message_id);
    siti.sendDocument({ filename: 'pengantar.pdf', mimeType: 'application/pdf', bytes: tinyPdf() });
    await h.reply(SITI_TG, /rekomendasi/);
    siti.sendDocument({ filename: 'rekomendasi.png', mimeType: 'image/png', bytes: tinyPng() });
    await h.reply(SITI_TG, /e-KTP/);
    siti.sendPhoto(tinyJpeg());
    const done = await h.reply(SITI_TG, /menunggu pemeriksaan/);
    expect(String(done.params['text'])).toMatch(/OP-\d{4}-000001/);
    const [req] = await h.db.ds.getRepository(RequestSchema).find();
    expect(req).toMatchObject({ status: 'pending_review', channel: 'telegram', applicantNip: PEOPLE.siti.nip });
    expect(await h.desk.ports.vault.list(req!.id)).toHaveLength(3);
    expect(JSON.stringify(h.tg.sentMessages(SITI_TG).map((m) => m.text))).not.toContain(PEOPLE.siti.nik);

    // An officer approves; the applicant hears it in the bot, where they applied.
    const rahmat = h.tg.user(Number(OFFICERS.rahmat), { first_name: 'Rahmat' });
    rahmat.sendCommand('/cari', req!.id);
    const found = await h.reply(Number(OFFICERS.rahmat), /Ditemukan/);
    rahmat.pressButton((found.response as { result: { message_id: number } }).result.message_id, `open:${req!.id}`);
    const card = await h.reply(Number(OFFICERS.rahmat), new RegExp(req!.id));
    rahmat.pressButton((card.response as { result: { message_id: number } }).result.message_id, `dec:approve:${req!.id}`);
    await h.reply(Number(OFFICERS.rahmat), /tercatat: disetujui/);
    expect(await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date())).toEqual({ sent: 1, failed: 0 });
    const approved = await h.reply(SITI_TG, new RegExp(`${req!.id} DISETUJUI`));

    // Pasal 16(5): she reads the agreement and accepts it; what she saw is recorded by its hash.
    siti.pressButton((approved.response as { result: { message_id: number } }).result.message_id, `agr:${req!.id}`);
    const text = await h.reply(SITI_TG, /PERJANJIAN PEMILIK SERTIFIKAT/);
    siti.pressButton((text.response as { result: { message_id: number } }).result.message_id, `agree:${req!.id}`);
    // With the bsre-manual CA (this harness) officers carry the request to BSrE; the sandbox flow is in delivery.test.ts.
    await h.reply(SITI_TG, /akan diteruskan petugas OP ke BSrE/);
    const details = JSON.parse((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: req!.id })).details) as Record<string, string>;
    expect(details['agreementSha256']).toBe(createHash('sha256').update(String(text.params['text'])).digest('hex'));
    const audit = await h.db.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'request.agreement' });
    expect(JSON.parse(audit.evidence)).toEqual([details['agreementSha256']]);
  });

  it('refuses a file that lies about its type and an oversize file, and asks again', async () => {
    h = await openBotHarness();
    const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });
    await bind(siti, PEOPLE.siti.nip);
    siti.pressButton(h.tg.sentMessages(SITI_TG).at(-1)!.message_id, 'menu:apply');
    const typeMsg = await h.reply(SITI_TG, /jenis sertifikat/);
    siti.pressButton((typeMsg.response as { result: { message_id: number } }).result.message_id, 'apply:type:individual');
    const usesMsg = await h.reply(SITI_TG, /penggunaan sertifikat/);
    siti.pressButton((usesMsg.response as { result: { message_id: number } }).result.message_id, 'apply:uses:done');
    await h.reply(SITI_TG, /ketik NIK/);
    siti.sendText('61710');
    await h.reply(SITI_TG, /16 digit/);
    siti.sendText(PEOPLE.siti.nik);
    await h.reply(SITI_TG, /diterima/);
    siti.sendDocument({ filename: 'pengantar.pdf', mimeType: 'application/pdf', bytes: Buffer.from('MZ\x90\x00 this is an exe') });
    await h.reply(SITI_TG, /surat pengantar/);
    siti.sendDocument({ filename: 'pengantar.pdf', mimeType: 'application/pdf', bytes: Buffer.alloc(11 * 1024 * 1024, 1) });
    await h.reply(SITI_TG, /MB/);
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(0);
  });

  it('warns and deletes a message that looks like a passphrase', async () => {
    h = await openBotHarness();
    const u = h.tg.user(8100009, { first_name: 'Budi' });
    const leaked = u.sendText('passphrase saya: Rahasia123!');
    await h.reply(8100009, /passphrase, PIN, atau kunci privat/);
    const del = await h.tg.waitForCall('deleteMessage');
    expect(Number(del.params['message_id'])).toBe(leaked.message!.message_id);
  });
});

describe('officers in the bot', () => {
  async function pendingRequest(): Promise<string> {
    const { seedPendingRequests } = await import('../support/storage-desk.ts');
    const [id] = await seedPendingRequests(h.desk, 1);
    return id!;
  }

  it('lets an officer open the queue, see the request and approve it; the applicant is told on their channel', async () => {
    h = await openBotHarness();
    const id = await pendingRequest();
    const rahmat = h.tg.user(Number(OFFICERS.rahmat), { first_name: 'Rahmat' });
    rahmat.sendCommand('/antrian');
    const queue = await h.reply(Number(OFFICERS.rahmat), /Antrian/);
    expect(JSON.stringify(queue.params['reply_markup'])).toContain(`open:${id}`);
    rahmat.pressButton((queue.response as { result: { message_id: number } }).result.message_id, `open:${id}`);
    const card = await h.reply(Number(OFFICERS.rahmat), new RegExp(id));
    rahmat.pressButton((card.response as { result: { message_id: number } }).result.message_id, `dec:approve:${id}`);
    await h.reply(Number(OFFICERS.rahmat), /tercatat: disetujui/);
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('approved');
    expect(await h.db.ds.getRepository(OutboxSchema).findOneBy({ template: 'decision-approve' })).toMatchObject({ channel: 'email', recipient: PEOPLE.siti.email });
  });

  it('rejects with a reason picked from the list', async () => {
    h = await openBotHarness();
    const id = await pendingRequest();
    const andi = h.tg.user(Number(OFFICERS.andi), { first_name: 'Andi' });
    andi.sendCommand('/antrian');
    const queue = await h.reply(Number(OFFICERS.andi), /Antrian/);
    andi.pressButton((queue.response as { result: { message_id: number } }).result.message_id, `open:${id}`);
    const card = await h.reply(Number(OFFICERS.andi), new RegExp(id));
    andi.pressButton((card.response as { result: { message_id: number } }).result.message_id, `dec:reject:${id}`);
    const picker = await h.reply(Number(OFFICERS.andi), /Pilih alasan/);
    andi.pressButton((picker.response as { result: { message_id: number } }).result.message_id, `why:reject:1:${id}`);
    await h.reply(Number(OFFICERS.andi), /tercatat: ditolak/);
    const [decision] = await h.db.ds.getRepository(DecisionSchema).find();
    expect(JSON.parse(decision!.reasons)).toEqual(['Surat belum ditandatangani pejabat yang berwenang']);
  });

  it('refuses every officer action to a non-officer, even one using an officer\'s username, and audits it', async () => {
    h = await openBotHarness();
    const id = await pendingRequest();
    const impostor = h.tg.user(8200002, { first_name: 'Rahmat', username: 'rahmat_op' });
    impostor.sendCommand('/antrian');
    await h.reply(8200002, /Hanya petugas OP/);
    impostor.sendCommand('/cari', id);
    await h.reply(8200002, /Hanya petugas OP/);
    // Buttons the bot never showed them: a crafted client can still send their callback data.
    const chatMsg = h.tg.sentMessages(8200002).at(-1)!;
    const spoof = (n: number, data: string) => h.tg.injectUpdate({
      update_id: 990000 + n,
      callback_query: { id: `spoof-${n}`, from: impostor.from, chat_instance: 'x', data, message: { message_id: chatMsg.message_id, date: 0, chat: impostor.chat, text: chatMsg.text } },
    });
    spoof(1, `open:${id}`);
    await h.reply(8200002, /Hanya petugas OP/);
    spoof(2, `dec:approve:${id}`);
    await h.reply(8200002, /Hanya petugas OP/);
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('pending_review');
    const refusals = (await h.db.ds.getRepository(AuditSchema).find()).filter((a) => a.outcome.startsWith('refused:') && a.actor === 'officer:8200002');
    expect(refusals.map((a) => a.action).sort()).toEqual(['officer.open', 'officer.queue', 'officer.search', 'request.decide']);
  });

  it('lets exactly one of two officers pressing approve and reject at once decide', async () => {
    h = await openBotHarness();
    const id = await pendingRequest();
    const rahmat = h.tg.user(Number(OFFICERS.rahmat), { first_name: 'Rahmat' });
    const andi = h.tg.user(Number(OFFICERS.andi), { first_name: 'Andi' });
    rahmat.sendCommand('/cari', id);
    andi.sendCommand('/cari', id);
    const r1 = await h.reply(Number(OFFICERS.rahmat), /Ditemukan/);
    const a1 = await h.reply(Number(OFFICERS.andi), /Ditemukan/);
    rahmat.pressButton((r1.response as { result: { message_id: number } }).result.message_id, `open:${id}`);
    andi.pressButton((a1.response as { result: { message_id: number } }).result.message_id, `open:${id}`);
    const rc = await h.reply(Number(OFFICERS.rahmat), new RegExp(id));
    const ac = await h.reply(Number(OFFICERS.andi), new RegExp(id));
    rahmat.pressButton((rc.response as { result: { message_id: number } }).result.message_id, `dec:approve:${id}`);
    andi.pressButton((ac.response as { result: { message_id: number } }).result.message_id, `dec:approve:${id}`);
    const answers = await Promise.all([h.reply(Number(OFFICERS.rahmat), /tercatat|sudah diputuskan/), h.reply(Number(OFFICERS.andi), /tercatat|sudah diputuskan/)]);
    expect(answers.filter((a) => /tercatat/.test(String(a.params['text'])))).toHaveLength(1);
    expect(answers.filter((a) => /sudah diputuskan/.test(String(a.params['text'])))).toHaveLength(1);
    expect(await h.db.ds.getRepository(DecisionSchema).count()).toBe(1);
  });
});

describe('robustness', () => {
  it('handles a duplicated update_id once', async () => {
    h = await openBotHarness();
    const u = h.tg.user(8300001, { first_name: 'Dewi' });
    const first = u.sendCommand('/start');
    await h.reply(8300001, /NIP/);
    h.tg.injectUpdate(first);
    u.sendText('halo');
    await h.reply(8300001, /Kirim NIP Anda/);
    expect(h.tg.sentMessages(8300001).filter((m) => /Selamat datang/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('keeps serving after a handler throws, then handles 100 good updates', async () => {
    h = await openBotHarness();
    const u = h.tg.user(8300002, { first_name: 'Eko' });
    // A 400 is not retried: the /start handler throws and the error boundary answers instead.
    h.tg.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' });
    u.sendCommand('/start');
    await h.reply(8300002, /kesalahan/);
    expect(h.errors).toHaveLength(1);
    for (let i = 0; i < 100; i++) u.sendText(`pesan ${i}`);
    for (let i = 0; i < 100; i++) await h.reply(8300002, /Kirim NIP Anda|Ketik \/start/);
    expect(h.errors).toHaveLength(1);
  });

  it('waits retry_after on a 429 and delivers the reply', async () => {
    h = await openBotHarness();
    const u = h.tg.user(8300003, { first_name: 'Fajar' });
    h.tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    u.sendCommand('/start');
    const ok = await h.tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === 8300003 && (c.response as { ok?: boolean } | undefined)?.ok === true);
    expect(String(ok.params['text'])).toMatch(/NIP/);
    expect(h.tg.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2);
    expect(h.errors).toHaveLength(0);
  });
});

describe('help tickets in the bot', () => {
  it('lets an unbound user open a help ticket and an officer answer it; the answer reaches the user in the bot', async () => {
    h = await openBotHarness();
    const dewi = h.tg.user(8400001, { first_name: 'Dewi' });
    dewi.sendCommand('/start');
    const welcome = await h.reply(8400001, /NIP/);
    dewi.pressButton((welcome.response as { result: { message_id: number } }).result.message_id, 'menu:help');
    await h.reply(8400001, /Tuliskan kendala/);
    dewi.sendText('Aplikasi TTE gagal membuka sertifikat saya');
    const opened = await h.reply(8400001, /tercatat dengan nomor/);
    const ticketId = /TK-\d{4}-\d{6}/.exec(String(opened.params['text']))![0];

    const rahmat = h.tg.user(Number(OFFICERS.rahmat), { first_name: 'Rahmat' });
    rahmat.sendCommand('/cari', ticketId);
    const found = await h.reply(Number(OFFICERS.rahmat), /Ditemukan/);
    rahmat.pressButton((found.response as { result: { message_id: number } }).result.message_id, `open:${ticketId}`);
    const card = await h.reply(Number(OFFICERS.rahmat), /gagal membuka sertifikat/);
    rahmat.pressButton((card.response as { result: { message_id: number } }).result.message_id, `ans:${ticketId}`);
    await h.reply(Number(OFFICERS.rahmat), /Ketik jawaban/);
    rahmat.sendText('Silakan perbarui aplikasi lalu coba lagi.');
    await h.reply(Number(OFFICERS.rahmat), /tercatat dan dikirim/);
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: ticketId })).status).toBe('answered');
    await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date());
    await h.reply(8400001, /Silakan perbarui aplikasi/);
  });
});
