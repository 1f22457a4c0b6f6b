import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { openMailHarness, AUTHSERV, type MailHarness } from '../support/mail-harness.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import { applicantCsr } from '../support/csr.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';
import { createSandboxCa, initSandboxCa } from '../../storage/ca/sandbox-ca.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';

/**
 * An applicant who came by mail goes the whole way by mail (Pasal 16(4)-(6), 19(1)): SETUJU to the
 * agreement, the CSR attached to a reply, the certificate back as an attachment, TERIMA for the receipt.
 * Real Dovecot, real SMTP receiver, the sandbox CA.
 */
const dovecot = withDovecot();
let smtp: SmtpReceiver;
let h: MailHarness;
let caDir: string;

beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });
beforeEach(async () => {
  await dovecot().reset();
  smtp.clear();
  caDir = mkdtempSync(join(tmpdir(), 'ra-ca-'));
  await initSandboxCa(caDir);
  h = await openMailHarness(dovecot().imapUrl, 'sqlite', { ca: createSandboxCa({ dataDir: caDir }) });
});
afterEach(async () => { await h.close(); rmSync(caDir, { recursive: true, force: true }); });

const fromSiti = (subject: string, text: string, o: Partial<Parameters<typeof applicationMail>[0]> = {}) => applicationMail({
  from: PEOPLE.siti.email, subject, text, authResults: { serverId: AUTHSERV, result: 'pass' }, ...o,
});
type Received = Awaited<ReturnType<SmtpReceiver['waitFor']>>[number];
const replyTo = (m: Received, text: string, attachments: Parameters<typeof applicationMail>[0]['attachments'] = []) =>
  fromSiti(`Re: ${m.parsed.subject}`, text, { inReplyTo: m.parsed.messageId!, references: [m.parsed.messageId!], attachments });

async function next(count: number): Promise<Received> {
  await h.drain(smtp.url);
  const all = await smtp.waitFor(count);
  return all[count - 1]!;
}

describe('agreement, CSR, certificate and receipt by mail', () => {
  it('goes from approval to a confirmed receipt without leaving the mailbox, and refuses a bad CSR with the reason', async () => {
    await appendToMailbox(dovecot().imapUrl, [await applicationMail({
      from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, authResults: { serverId: AUTHSERV, result: 'pass' },
      attachments: [{ filename: 'pengantar.pdf', content: tinyPdf() }, { filename: 'rekomendasi.png', content: tinyPng() }, { filename: 'ktp.jpg', content: tinyJpeg() }],
    })]);
    await h.sync();
    const [req] = await h.ds.getRepository(RequestSchema).find();
    await next(1); // received
    expect((await decideRequest(h.desk.ports, { requestId: req!.id, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] })).ok).toBe(true);
    await h.drain(smtp.url);
    const mails = await smtp.waitFor(3);
    const agreement = mails.find((m) => /SETUJU/.test(m.parsed.subject ?? ''))!;

    await appendToMailbox(dovecot().imapUrl, [await replyTo(agreement, 'SETUJU')]);
    await h.sync();
    const accepted = await next(4);
    expect(accepted.parsed.text).toMatch(/lampirkan berkas CSR/);

    // A CSR for someone else's address is refused with the reason; nothing is issued.
    await appendToMailbox(dovecot().imapUrl, [await replyTo(accepted, 'Terlampir CSR saya.', [{ filename: 'siti.csr', content: Buffer.from(await applicantCsr(PEOPLE.budi.email)) }])]);
    await h.sync();
    const refused = await next(5);
    expect(refused.parsed.subject).toMatch(/CSR belum dapat diterima/);
    expect(refused.parsed.text).toMatch(/bukan alamat e-mail dinas Anda/);
    expect(await h.desk.ports.certificates.findByRequest(req!.id)).toBeNull();

    await appendToMailbox(dovecot().imapUrl, [await replyTo(refused, 'CSR yang benar.', [{ filename: 'siti.csr', content: Buffer.from(await applicantCsr(PEOPLE.siti.email)) }])]);
    await h.sync();
    const delivered = await next(6);
    expect(delivered.parsed.subject).toMatch(/telah terbit/);
    const pem = delivered.parsed.attachments.find((a) => a.filename === `sertifikat-${req!.id}.pem`);
    expect(pem?.content.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(pem?.content.toString()).not.toMatch(/PRIVATE KEY/);
    const cert = await h.desk.ports.certificates.findByRequest(req!.id);
    expect(cert).toMatchObject({ state: 'active' });
    expect(cert!.deliveredAt).not.toBeNull();
    expect((await h.ds.getRepository(RequestSchema).findOneByOrFail({ id: req!.id })).status).toBe('completed');

    await appendToMailbox(dovecot().imapUrl, [await replyTo(delivered, 'Sudah saya terima, terima kasih.')]);
    await h.sync();
    const receipt = await next(7);
    expect(receipt.parsed.subject).toMatch(/Tanda terima sertifikat elektronik tercatat/);
    expect((await h.desk.ports.certificates.findByRequest(req!.id))!.receiptConfirmedAt).not.toBeNull();
    const docs = await h.desk.ports.vault.list(req!.id);
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['certificate', 'receipt']));
  });
});
