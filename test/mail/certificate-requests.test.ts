import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { openMailHarness, AUTHSERV, type MailHarness } from '../support/mail-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { seedIssuedCertificate } from '../support/certificates.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';
import { createSandboxCa, initSandboxCa } from '../../storage/ca/sandbox-ca.ts';

/**
 * Renewal (Pasal 17) and revocation (Pasal 18) by mail, through Dovecot and a real SMTP receiver: the
 * same use cases as the bot, the 18(3) evidence completed by a reply on the thread, and a clear answer
 * (and nothing written) when the desk cannot act.
 */
const dovecot = withDovecot();
let smtp: SmtpReceiver;
let h: MailHarness;

beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });
beforeEach(async () => {
  await dovecot().reset();
  smtp.clear();
  h = await openMailHarness(dovecot().imapUrl);
  await initSandboxCa(h.db.dataDir);
});
afterEach(async () => { await h.close(); });

const mailFrom = (who: keyof typeof PEOPLE, subject: string, text: string, o: Partial<Parameters<typeof applicationMail>[0]> = {}) => applicationMail({
  from: PEOPLE[who].email, subject, text, authResults: { serverId: AUTHSERV, result: 'pass' }, ...o,
});
const requests = () => h.ds.getRepository(RequestSchema).find({ order: { id: 'ASC' } });

describe('renewal and revocation by mail', () => {
  it('a lost key by mail: told what is missing, completed by a reply on the thread with the police report and the statement', async () => {
    const cert = await seedIssuedCertificate(h.desk, createSandboxCa({ dataDir: h.db.dataDir }), 'siti');
    const before = (await requests()).length;
    await appendToMailbox(dovecot().imapUrl, [await mailFrom('siti', 'Pencabutan sertifikat elektronik',
      `Yth. Petugas OP,\n\nNomor seri: ${cert.serial.toUpperCase()}\nAlasan: token berisi kunci privat hilang di perjalanan dinas\n\nSiti`,
      { messageId: '<revoke-1@pontianak.go.id>' })]);
    expect(await h.sync()).toMatchObject({ handled: 1 });
    const created = (await requests()).slice(before);
    const revocation = created.find((r) => r.kind === 'revocation')!;
    expect(revocation).toMatchObject({ status: 'incomplete', channel: 'email' });
    expect(JSON.parse(revocation.details)).toMatchObject({ ground: 'lost', serial: cert.serial });
    expect(created.find((r) => r.kind === 'incident')).toBeDefined();

    await h.drain(smtp.url);
    const [reply] = await smtp.waitFor(1);
    expect(reply!.parsed.subject).toContain(`[${revocation.id}]`);
    expect(reply!.parsed.text).toMatch(/Kepolisian/);
    expect(reply!.parsed.text).toMatch(/insiden keamanan dengan nomor tiket TK-/);
    expect(reply!.parsed.inReplyTo).toBe('<revoke-1@pontianak.go.id>');

    await appendToMailbox(dovecot().imapUrl, [await mailFrom('siti', `Re: ${reply!.parsed.subject}`, 'Terlampir laporan polisi dan surat pernyataan.', {
      inReplyTo: reply!.parsed.messageId!, references: [reply!.parsed.messageId!],
      attachments: [{ filename: 'laporan polisi.pdf', content: tinyPdf() }, { filename: 'surat pernyataan.jpg', content: tinyJpeg() }],
    })]);
    expect(await h.sync()).toMatchObject({ handled: 1 });
    expect((await h.ds.getRepository(RequestSchema).findOneByOrFail({ id: revocation.id })).status).toBe('pending_review');
  });

  it('renews the only active certificate when the mail names none', async () => {
    const cert = await seedIssuedCertificate(h.desk, createSandboxCa({ dataDir: h.db.dataDir }), 'siti');
    await appendToMailbox(dovecot().imapUrl, [await mailFrom('siti', 'Permohonan pembaruan sertifikat', 'Mohon sertifikat saya diperpanjang. Terima kasih.')]);
    expect(await h.sync()).toMatchObject({ handled: 1 });
    const renewal = (await requests()).find((r) => r.kind === 'renewal')!;
    expect(renewal.status).toBe('pending_review');
    expect(JSON.parse(renewal.details)).toMatchObject({ renewsCertificateId: cert.certificateId, dataChanged: 'no' });
    await h.drain(smtp.url);
    const [ack] = await smtp.waitFor(1);
    expect(ack!.parsed.subject).toContain(`[${renewal.id}]`);
  });

  it('answers with the reason and writes no request when it cannot act: no certificate, an unknown serial', async () => {
    await seedIssuedCertificate(h.desk, createSandboxCa({ dataDir: h.db.dataDir }), 'siti');
    const before = (await requests()).length;
    await appendToMailbox(dovecot().imapUrl, [
      await mailFrom('budi', 'Perpanjangan sertifikat', 'Mohon diperpanjang.'),
      await mailFrom('siti', 'Pencabutan sertifikat', 'Nomor seri: DEADBEEF\nAlasan: mutasi ke Provinsi'),
    ]);
    expect(await h.sync()).toMatchObject({ handled: 2 });
    expect(await requests()).toHaveLength(before);
    await h.drain(smtp.url);
    const replies = await smtp.waitFor(2);
    const toBudi = replies.find((m) => m.envelope.to.includes(PEOPLE.budi.email))!;
    expect(toBudi.parsed.subject).toMatch(/pembaruan sertifikat elektronik belum dapat kami proses/);
    expect(toBudi.parsed.text).toMatch(/tidak ditemukan dalam daftar sertifikat/);
    const toSiti = replies.find((m) => m.envelope.to.includes(PEOPLE.siti.email))!;
    expect(toSiti.parsed.subject).toMatch(/pencabutan/);
    expect(toSiti.parsed.text).not.toMatch(/\{\{|undefined/);
  });
});
