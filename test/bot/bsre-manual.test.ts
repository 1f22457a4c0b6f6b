import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE, seedPendingRequests } from '../support/storage-desk.ts';
import { createTestBsreCa, p7bOf, type TestBsreCa } from '../support/bsre-ca.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { AuditSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { createCertificateVerifier, loadTrustAnchors } from '../../storage/ca/certificate-verifier.ts';

/**
 * BSrE by hand in the bot, through the Bot API emulator over HTTP: the applicant accepts the agreement,
 * the officer ticks off the steps at BSrE in order and uploads the certificate BSrE issued, and the
 * applicant receives it with the receipt button. Strangers pressing the officer buttons are refused.
 */
let h: BotHarness;
let dir: string;
let bsre: TestBsreCa;
beforeAll(async () => {
  dir = makeTempDir('bot-bsre');
  bsre = await createTestBsreCa(new Date());
});
afterAll(() => removeTempDir(dir));
afterEach(async () => { await h?.close(); });

const SITI = 8100001;
const RAHMAT = Number(OFFICERS.rahmat);
const STRANGER = 8100099;
type User = ReturnType<BotHarness['tg']['user']>;
const idOf = (c: { response?: unknown }) => (c.response as { result: { message_id: number } }).result.message_id;
const t = createTemplates();

/** Callback data the bot never showed: what a crafted client can still send. */
let spoofed = 0;
function spoof(user: User, data: string): void {
  const last = h.tg.sentMessages(user.id).at(-1);
  spoofed++;
  h.tg.injectUpdate({
    update_id: 980000 + spoofed,
    callback_query: {
      id: `spoof-${spoofed}`, from: user.from, chat_instance: 'x', data,
      message: { message_id: last?.message_id ?? 1, date: 0, chat: user.chat, text: last?.text ?? '' },
    },
  });
}

describe('bsre-manual in the bot (Pasal 16(1)-(2), 16(6))', () => {
  it('takes a request from the agreement through the BSrE steps and the upload to the applicant\'s receipt', async () => {
    h = await openBotHarness({ verifier: createCertificateVerifier(loadTrustAnchors(bsre.writeRoots(dir, { rootOnly: true }))) });
    const drain = () => drainTelegramOutbox(h.db.ds, h.api, t, () => new Date(), h.desk.ports);
    const [id] = await seedPendingRequests(h.desk, 1);
    await h.db.ds.getRepository(RequestSchema).update({ id: id! }, { channel: 'telegram', details: JSON.stringify({ telegramChatId: String(SITI) }) });

    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    rahmat.sendCommand('/antrian');
    await h.reply(RAHMAT, /Antrian|antrian/);
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI, /NIP/);
    siti.sendText(PEOPLE.siti.nip);
    await h.reply(SITI, /Kode verifikasi/);
    siti.sendText(await h.lastCode());
    await h.reply(SITI, /terhubung/);

    // Approval and agreement: with bsre-manual the request goes to BSrE and the officers are told.
    expect((await decideRequest(h.desk.ports, { requestId: id!, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] })).ok).toBe(true);
    await drain();
    siti.pressButton(idOf(await h.reply(SITI, /DISETUJUI/)), `agr:${id}`);
    siti.pressButton(idOf(await h.reply(SITI, /PERJANJIAN PEMILIK/)), `agree:${id}`);
    await h.reply(SITI, /akan diteruskan petugas OP ke BSrE/);
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: id! })).status).toBe('submitted_to_ca');
    await drain();
    rahmat.pressButton(idOf(await h.reply(RAHMAT, /menyetujui perjanjian pemilik/)), `open:${id}`);
    const card = await h.reply(RAHMAT, /Langkah di BSrE/);
    expect(String(card.params['text'])).toMatch(/⬜ 1\. Data permohonan sudah dikirim ke BSrE/);

    // A stranger pressing the officer buttons is refused and audited.
    const stranger = h.tg.user(STRANGER, { first_name: 'Rahmat', username: 'rahmat_op' });
    spoof(stranger, `bsre:1:${id}`);
    await h.reply(STRANGER, /Hanya petugas OP/);
    spoof(stranger, `bsreup:${id}`);
    await h.reply(STRANGER, /Hanya petugas OP/);
    const refusals = await h.db.ds.getRepository(AuditSchema).findBy({ actor: `officer:${STRANGER}`, outcome: 'refused:NOT_AN_OFFICER' });
    expect(refusals.map((r) => r.action).sort()).toEqual(['bsre.step', 'certificate.import']);

    // Out of order is refused; then each step in turn, each reply offering the next.
    spoof(rahmat, `bsre:3:${id}`);
    await h.reply(RAHMAT, /Langkah 3 .* belum dapat dicentang: langkah 1 harus dicentang lebih dulu/s);
    let message = idOf(card);
    for (let no = 1; no <= 5; no++) {
      rahmat.pressButton(message, `bsre:${no}:${id}`);
      message = idOf(await h.reply(RAHMAT, new RegExp(`${id}: langkah ${no} .* tercatat`, 's')));
    }
    spoof(rahmat, `bsre:5:${id}`);
    await h.reply(RAHMAT, /Langkah 5 .* sudah dicentang sebelumnya/s);

    // The upload: someone else's certificate is refused, BSrE's PKCS#7 with the chain is taken.
    rahmat.pressButton(message, `bsreup:${id}`);
    await h.reply(RAHMAT, /Kirim berkas sertifikat yang diterbitkan BSrE/);
    const wrong = await bsre.issue({ email: PEOPLE.budi.email });
    rahmat.sendDocument({ filename: 'budi.pem', mimeType: 'application/x-pem-file', bytes: Buffer.from(wrong.toString('pem')) });
    await h.reply(RAHMAT, /bukan milik pemohon .*Kirim berkas lain/s);
    const cert = await bsre.issue({ email: PEOPLE.siti.email });
    rahmat.sendDocument({ filename: 'siti.p7b', mimeType: 'application/pkcs7-mime', bytes: p7bOf([cert, bsre.issuing]) });
    await h.reply(RAHMAT, new RegExp(`Sertifikat untuk ${id} diterima dan tercatat`));
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: id! })).status).toBe('completed');

    // The applicant receives the certificate with the receipt button; delivery is recorded once sent.
    await drain();
    const delivered = await h.tg.waitForCall('sendDocument', (c) => Number(c.params['chat_id']) === SITI);
    expect(String(delivered.params['caption'])).toMatch(/telah terbit/);
    const row = await h.desk.ports.certificates.findByRequest(id!);
    expect(row).toMatchObject({ state: 'active', issuer: bsre.issuing.subject });
    expect(row!.deliveredAt).not.toBeNull();
    siti.pressButton(idOf(delivered), `rcpt:${id}`);
    await h.reply(SITI, /Tanda terima sertifikat .* tercatat/s);
    expect((await h.desk.ports.certificates.findByRequest(id!))!.receiptConfirmedAt).not.toBeNull();
    expect((await h.desk.auditLog.verify()).ok).toBe(true);
    expect(h.errors).toEqual([]);
  });
});
