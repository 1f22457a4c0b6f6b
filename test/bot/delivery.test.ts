import { describe, it, expect, afterEach } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE, seedPendingRequests } from '../support/storage-desk.ts';
import { applicantCsr } from '../support/csr.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { confirmReceipt } from '../../domain/use-cases/issue-certificate.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';

let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SITI = 8100001;
const messageId = (c: { response?: unknown }) => (c.response as { result: { message_id: number } }).result.message_id;

describe('agreement, delivery and receipt in the bot (Pasal 16(5)-(6), 19(1))', () => {
  it('takes the applicant from approval through the agreement and their CSR to a certificate and a signed-off receipt', async () => {
    h = await openBotHarness({ sandboxCa: true });
    const [id] = await seedPendingRequests(h.desk, 1);
    // The request was made on Telegram, so the decision reaches her there.
    await h.db.ds.getRepository(RequestSchema).update({ id: id! }, { channel: 'telegram', details: JSON.stringify({ telegramChatId: String(SITI) }) });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI, /NIP/);
    siti.sendText(PEOPLE.siti.nip);
    await h.reply(SITI, /Kode verifikasi/);
    siti.sendText(await h.lastCode());
    await h.reply(SITI, /terhubung/);

    expect((await decideRequest(h.desk.ports, { requestId: id!, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] })).ok).toBe(true);
    await drainTelegramOutbox(h.db.ds, h.api, createTemplates(), () => new Date());
    const approved = await h.reply(SITI, /DISETUJUI/);

    // No CSR before the agreement.
    siti.pressButton(messageId(approved), `agr:${id}`);
    const agreement = await h.reply(SITI, /PERJANJIAN PEMILIK/);
    siti.pressButton(messageId(agreement), `agree:${id}`);
    await h.reply(SITI, /kirim berkas permintaan sertifikat \(CSR/);

    siti.sendDocument({ filename: 'siti.csr', mimeType: 'application/pkcs10', bytes: Buffer.from(await applicantCsr('budi.santoso@pontianak.go.id')) });
    await h.reply(SITI, /CSR untuk .* belum dapat diterima/s);

    siti.sendDocument({ filename: 'siti.csr', mimeType: 'application/pkcs10', bytes: Buffer.from(await applicantCsr(PEOPLE.siti.email)) });
    const cert = await h.tg.waitForCall('sendDocument', (c) => Number(c.params['chat_id']) === SITI);
    expect(String(cert.params['caption'])).toMatch(/telah terbit/);
    // The delivery milestone is recorded once Telegram accepted the file.
    let certRow = await h.desk.ports.certificates.findByRequest(id!);
    for (let i = 0; i < 50 && !certRow?.deliveredAt; i++) {
      await new Promise((r) => setTimeout(r, 20));
      certRow = await h.desk.ports.certificates.findByRequest(id!);
    }
    expect(certRow).toMatchObject({ state: 'active', ownerPersonId: expect.any(String) });
    expect(certRow!.agreementHash).toMatch(/^[0-9a-f]{64}$/);
    expect(certRow!.deliveredAt).not.toBeNull();
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: id! })).status).toBe('completed');

    siti.pressButton(messageId(cert), `rcpt:${id}`);
    await h.reply(SITI, /Tanda terima sertifikat .* tercatat/s);
    expect((await h.desk.ports.certificates.findByRequest(id!))!.receiptConfirmedAt).not.toBeNull();
    const kinds = (await h.desk.ports.vault.list(id!)).map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['certificate', 'receipt']));
    const receipt = (await h.desk.ports.vault.list(id!)).find((d) => d.kind === 'receipt')!;
    expect(Buffer.from(await h.desk.ports.vault.read(receipt.id, id!)).toString('utf8')).toContain(certRow!.serial);

    // The button is gone; a replayed confirmation does not record a second receipt.
    const again = await confirmReceipt(h.desk.ports, { requestId: id!, personId: certRow!.ownerPersonId, receiptText: 'x' });
    expect(again.ok ? null : again.code).toBe('RECEIPT.ALREADY');
    expect((await h.desk.auditLog.verify()).ok).toBe(true);
  });
});
