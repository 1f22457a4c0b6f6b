import { describe, it, expect, afterEach } from 'vitest';
import { openBotHarness, bindTelegram, messageIdOf, type PlayedUser, spoofCallback, pressOn, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE, rosterRow } from '../support/storage-desk.ts';
import { seedIssuedCertificate } from '../support/certificates.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { AuditSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { sendReminders } from '../../domain/use-cases/send-reminders.ts';
import { createReminderStore } from '../../storage/repositories/reminder-store.ts';

/**
 * "Perpanjang" and "Cabut" in the bot (Pasal 17, 18), played through the Bot API emulator over HTTP:
 * the owner asks, an officer decides in the bot, the sandbox CA revokes, and the owner hears back.
 */
let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SITI = 8100001;
const RAHMAT = Number(OFFICERS.rahmat);
type User = PlayedUser;
const idOf = messageIdOf;
const bind = (user: User, nip: string): Promise<number> => bindTelegram(h, user, nip);
const spoof = (user: User, data: string): void => spoofCallback(h, user, data);
const press = (user: User, text: RegExp, data: string): Promise<void> => pressOn(h, user, text, data);

async function sitiWithCertificate(): Promise<{ siti: User; menu: number; cert: Awaited<ReturnType<typeof seedIssuedCertificate>> }> {
  h = await openBotHarness({ sandboxCa: true });
  const cert = await seedIssuedCertificate(h.desk, h.ca!, 'siti', { channel: 'telegram', chatId: String(SITI) });
  const siti = h.tg.user(SITI, { first_name: 'Siti' });
  const menu = await bind(siti, PEOPLE.siti.nip);
  return { siti, menu, cert };
}

describe('Perpanjang (Pasal 17)', () => {
  it('renews in two taps when nothing changed, and the officer\'s approval brings the agreement button', async () => {
    const { siti, menu, cert } = await sitiWithCertificate();
    siti.pressButton(menu, 'menu:renew');
    await press(siti, /pilih sertifikat yang akan diperbarui/, `renew:${cert.certificateId}`);
    const done = await h.reply(SITI, /Permohonan pembaruan (OP-\d{4}-\d{6})/);
    const id = /OP-\d{4}-\d{6}/.exec(String(done.params['text']))![0];
    expect(String(done.params['text'])).toContain(cert.serial);

    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    rahmat.sendCommand('/cari', id);
    await press(rahmat, /Ditemukan/, `open:${id}`);
    const card = await h.reply(RAHMAT, /data pemilik tidak berubah/);
    rahmat.pressButton(idOf(card), `dec:approve:${id}`);
    await h.reply(RAHMAT, /tercatat: disetujui/);
    await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date());
    const approved = await h.reply(SITI, /DISETUJUI/);
    expect(JSON.stringify(approved.params['reply_markup'])).toContain(`agr:${id}`);
  });

  it('an expiry reminder on Telegram carries the one-tap Perpanjang for its certificate (Pasal 17(2))', async () => {
    const { cert } = await sitiWithCertificate();
    const issued = (await h.desk.ports.certificates.get(cert.certificateId))!;
    const asOf = new Date(new Date(issued.notAfter).getTime() - 30 * 86_400_000 + 3_600_000);
    const report = await sendReminders(h.desk.ports, createReminderStore(h.db.ds), { now: asOf });
    expect(report.telegrams).toBe(1);
    await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date());
    await press(h.tg.user(SITI, { first_name: 'Siti' }), /berakhir pada/, `renew:${cert.certificateId}`);
    const done = await h.reply(SITI, /Permohonan pembaruan OP-\d{4}-\d{6}/);
    expect(String(done.params['text'])).toContain(cert.serial);
  });

  it('asks for the NIK and the letters again when the roster shows a new position, and deletes the NIK message', async () => {
    const { siti, menu, cert } = await sitiWithCertificate();
    await importRoster(h.desk.ports, [{ line: 2, row: { ...rosterRow(PEOPLE.siti), position: 'Kepala Seksi Persandian' } }]);
    siti.pressButton(menu, 'menu:renew');
    await press(siti, /pilih sertifikat/, `renew:${cert.certificateId}`);
    await h.reply(SITI, /berbeda dari data saat sertifikat diterbitkan/);
    siti.sendText(PEOPLE.siti.nik);
    await h.tg.waitForCall('deleteMessage', (c) => Number(c.params['chat_id']) === SITI);
    const masked = await h.reply(SITI, /NIK .* diterima/);
    expect(String(masked.params['text'])).not.toContain(PEOPLE.siti.nik);
    siti.sendDocument({ filename: 'pengantar.exe', mimeType: 'application/pdf', bytes: Buffer.from('MZ\x90\x00 not a pdf') });
    await h.reply(SITI, /Langkah 2 dari 4/);
    siti.sendDocument({ filename: 'pengantar.pdf', mimeType: 'application/pdf', bytes: tinyPdf() });
    await h.reply(SITI, /Langkah 3 dari 4/);
    siti.sendDocument({ filename: 'rekomendasi.png', mimeType: 'image/png', bytes: tinyPng() });
    await h.reply(SITI, /Langkah 4 dari 4/);
    siti.sendDocument({ filename: 'ktp.jpg', mimeType: 'image/jpeg', bytes: tinyJpeg() });
    const done = await h.reply(SITI, /lengkap dan menunggu pemeriksaan/);
    const id = /OP-\d{4}-\d{6}/.exec(String(done.params['text']))![0];
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('pending_review');
  });

  it('tells an unbound user to bind first and says when there is nothing to renew', async () => {
    h = await openBotHarness({ sandboxCa: true });
    const stranger = h.tg.user(8100999, { first_name: 'X' });
    stranger.sendCommand('/start');
    await h.reply(8100999, /NIP/);
    spoof(stranger, 'menu:renew');
    await h.reply(8100999, /hanya untuk akun yang sudah terhubung/);
    spoof(stranger, `renew:00000000-0000-4000-8000-000000000000`);
    await h.reply(8100999, /hanya untuk akun yang sudah terhubung/);
    const budi = h.tg.user(8100002, { first_name: 'Budi' });
    const menu = await bind(budi, PEOPLE.budi.nip);
    budi.pressButton(menu, 'menu:renew');
    await h.reply(8100002, /belum memiliki sertifikat elektronik yang masih berlaku/);
    spoof(budi, 'renew:not-a-uuid');
    await h.reply(8100002, /tidak ditemukan dalam daftar sertifikat/);
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(0);
  });
});

describe('Cabut (Pasal 18)', () => {
  it('a lost key: checks each file on arrival, opens an incident, and the officer\'s approval revokes it at the CA', async () => {
    const { siti, menu, cert } = await sitiWithCertificate();
    siti.pressButton(menu, 'menu:revoke');
    await press(siti, /pilih sertifikat yang akan dicabut/, `rvk:${cert.certificateId}`);
    await press(siti, /Mengapa sertifikat ini perlu dicabut/, `rvg:lost:${cert.certificateId}`);
    await h.reply(SITI, /Langkah 1 dari 2/);
    siti.sendDocument({ filename: 'laporan.pdf', mimeType: 'application/pdf', bytes: Buffer.alloc(11 * 1024 * 1024, 1) });
    await h.reply(SITI, /terlalu besar|melebihi/i);
    siti.sendDocument({ filename: 'laporan polisi.pdf', mimeType: 'application/pdf', bytes: tinyPdf() });
    await h.reply(SITI, /Langkah 2 dari 2/);
    siti.sendDocument({ filename: 'pernyataan.jpg', mimeType: 'image/jpeg', bytes: tinyJpeg() });
    const done = await h.reply(SITI, /Permohonan pencabutan/);
    const text = String(done.params['text']);
    const id = /OP-\d{4}-\d{6}/.exec(text)![0];
    expect(text).toMatch(/insiden keamanan dengan nomor TK-\d{4}-\d{6}/);
    expect(text).toMatch(/ajukan kembali penerbitan/);

    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    rahmat.sendCommand('/cari', id);
    await press(rahmat, /Ditemukan/, `open:${id}`);
    const card = await h.reply(RAHMAT, /alasan: Kunci privat\/sertifikat hilang/);
    await h.tg.waitForCall('sendDocument', (c) => Number(c.params['chat_id']) === RAHMAT && /Kepolisian/.test(String(c.params['caption'])));
    rahmat.pressButton(idOf(card), `dec:approve:${id}`);
    await h.reply(RAHMAT, /telah dicabut/);
    expect((await h.desk.ports.certificates.get(cert.certificateId))!.state).toBe('revoked');
    await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date());
    await h.reply(SITI, /Permohonan pencabutan .* DISETUJUI/);
    await h.reply(SITI, /telah DICABUT/);
  });

  it('"other" asks for a sentence; a confirmed reason goes straight to review; a repeat is refused', async () => {
    const { siti, menu, cert } = await sitiWithCertificate();
    siti.pressButton(menu, 'menu:revoke');
    await press(siti, /pilih sertifikat yang akan dicabut/, `rvk:${cert.certificateId}`);
    await press(siti, /Mengapa sertifikat ini perlu dicabut/, `rvg:other:${cert.certificateId}`);
    await h.reply(SITI, /Tuliskan dalam satu atau dua kalimat/);
    siti.sendText('Saya pindah tugas ke Provinsi.');
    await h.reply(SITI, /menunggu pemeriksaan petugas OP/);
    spoof(siti, `rvg:moved_retired:${cert.certificateId}`);
    await press(siti, /Cabut sertifikat ini dengan alasan/, `rvc:moved_retired:${cert.certificateId}`);
    await h.reply(SITI, /sudah ada dan sedang diproses/);
    expect(await h.db.ds.getRepository(RequestSchema).countBy({ kind: 'revocation' })).toBe(1);
  });

  it('refuses crafted buttons and non-officers, auditing the attempt', async () => {
    const { siti, menu, cert } = await sitiWithCertificate();
    expect(menu).toBeGreaterThan(0);
    spoof(siti, `rvg:bosan:${cert.certificateId}`);
    await h.reply(SITI, /Alasan pencabutan "bosan" tidak dikenal/);
    spoof(siti, 'rvk:../../etc');
    await h.reply(SITI, /tidak ditemukan dalam daftar sertifikat/);
    spoof(siti, 'rvok:OP-2026-000001');
    await h.reply(SITI, /Hanya petugas OP/);
    const refused = await h.db.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'request.confirm_revocation' });
    expect(refused.outcome).toBe('refused:NOT_AN_OFFICER');
    expect(await h.db.ds.getRepository(RequestSchema).countBy({ kind: 'revocation' })).toBe(0);
    const budi = h.tg.user(8100002, { first_name: 'Budi' });
    await bind(budi, PEOPLE.budi.nip);
    spoof(budi, `rvc:lost:${cert.certificateId}`);
    await h.reply(8100002, /hanya dapat diajukan oleh pemilik sertifikat sendiri/);
    expect(await h.db.ds.getRepository(RequestSchema).countBy({ kind: 'revocation' })).toBe(0);
  });
});

describe('/cek: is this certificate good? (Pasal 14(2))', () => {
  it('answers valid for an issued one, revoked after revocation, unreadable for garbage; anyone may ask', async () => {
    const { cert } = await sitiWithCertificate();
    const doc = (await h.desk.ports.vault.list(cert.requestId)).find((d) => d.kind === 'certificate')!;
    const pem = Buffer.from(await h.desk.ports.vault.read(doc.id, cert.requestId));
    const relying = h.tg.user(8300001, { first_name: 'Penerima' });
    relying.sendCommand('/cek');
    await h.reply(8300001, /Kirim berkas sertifikat/);
    relying.sendDocument({ filename: 'siti.pem', mimeType: 'application/x-pem-file', bytes: pem });
    await h.reply(8300001, /sah: diterbitkan oleh CA yang dikenal/);
    await h.ca!.revoke(cert.serial, 'keyCompromise', new Date());
    relying.sendCommand('/cek');
    await h.reply(8300001, /Kirim berkas sertifikat/);
    relying.sendDocument({ filename: 'siti.pem', mimeType: 'application/x-pem-file', bytes: pem });
    await h.reply(8300001, /telah dicabut/);
    relying.sendCommand('/cek');
    await h.reply(8300001, /Kirim berkas sertifikat/);
    relying.sendDocument({ filename: 'x.cer', mimeType: 'application/pkix-cert', bytes: Buffer.from('bukan sertifikat') });
    await h.reply(8300001, /tidak dapat dibaca|tidak berisi sertifikat/);
  });
});
