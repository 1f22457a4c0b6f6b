import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail, automatedMails, hostileMails, withAuthenticationResults } from '../support/mail-corpus.ts';
import { openMailHarness, AUTHSERV, type MailHarness } from '../support/mail-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { AuditSchema, MailMessageSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { createImapClient, parseImapUrl } from '../../mail/imap/imap-client.ts';

const dovecot = withDovecot();
let smtp: SmtpReceiver;
let h: MailHarness;

beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });
beforeEach(async () => {
  await dovecot().reset();
  smtp.clear();
  h = await openMailHarness(dovecot().imapUrl);
});
afterEach(async () => { await h.close(); });

const complete = [
  { filename: 'surat-pengantar.pdf', content: tinyPdf() },
  { filename: 'rekomendasi-atasan.png', content: tinyPng() },
  { filename: 'scan e-KTP.jpg', content: tinyJpeg() },
];
const siti = (o: Partial<Parameters<typeof applicationMail>[0]> = {}) => applicationMail({
  from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name,
  attachments: complete, authResults: { serverId: AUTHSERV, result: 'pass' }, ...o,
});
const requests = () => h.ds.getRepository(RequestSchema).find({ order: { id: 'ASC' } });
const outbox = () => h.ds.getRepository(OutboxSchema).find({ order: { createdAt: 'ASC' } });

async function folderCount(path: string): Promise<number> {
  const client = createImapClient(parseImapUrl(dovecot().imapUrl));
  await client.connect();
  try {
    const status = await client.status(path.split('/').join(client.namespace?.delimiter ?? '/'), { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } catch {
    return 0;
  } finally {
    await client.logout();
  }
}

describe('the RA mailbox', () => {
  it('turns a complete application into a request waiting for review and sends one acknowledgement on the thread', async () => {
    const raw = await siti({ messageId: '<app-1@pontianak.go.id>' });
    await appendToMailbox(dovecot().imapUrl, [raw]);
    const report = await h.sync();
    expect(report).toMatchObject({ handled: 1, quarantined: 0, moved: 1 });
    const [req] = await requests();
    expect(req).toMatchObject({ kind: 'issuance', status: 'pending_review', channel: 'email', applicantNip: PEOPLE.siti.nip });
    expect(await folderCount('INBOX')).toBe(0);
    expect(await folderCount('RA/Processed')).toBe(1);

    expect(await h.drain(smtp.url)).toMatchObject({ sent: 1, failed: 0 });
    const [ack] = await smtp.waitFor(1);
    expect(smtp.messages).toHaveLength(1);
    expect(ack!.envelope.to).toEqual([PEOPLE.siti.email]);
    expect(ack!.parsed.subject).toContain(`[${req!.id}]`);
    expect(ack!.parsed.inReplyTo).toBe('<app-1@pontianak.go.id>');
    expect(ack!.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack!.parsed.headers.get('x-auto-response-suppress')).toBe('All');
    const [row] = await outbox();
    expect(ack!.parsed.messageId).toBe(row!.messageId);
  });

  it('names each missing item, then moves the request on when the applicant replies on the thread with it', async () => {
    await appendToMailbox(dovecot().imapUrl, [await siti({ messageId: '<app-2@pontianak.go.id>', attachments: [complete[0]!, complete[2]!] })]);
    await h.sync();
    const [req] = await requests();
    expect(req!.status).toBe('incomplete');
    await h.drain(smtp.url);
    const [reply] = await smtp.waitFor(1);
    expect(reply!.parsed.text).toMatch(/rekomendasi/i);
    expect(reply!.parsed.text).not.toMatch(/pengantar dari Kepala Perangkat Daerah belum ada/);

    const followUp = await applicationMail({
      from: PEOPLE.siti.email, subject: `Re: ${reply!.parsed.subject}`, text: 'Berikut saya lampirkan surat rekomendasi.',
      inReplyTo: reply!.parsed.messageId!, references: [reply!.parsed.messageId!],
      attachments: [complete[1]!], authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    await appendToMailbox(dovecot().imapUrl, [followUp]);
    expect(await h.sync()).toMatchObject({ handled: 1 });
    const after = await requests();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: req!.id, status: 'pending_review', reviewRound: 1 });
    await h.drain(smtp.url);
    const [, second] = await smtp.waitFor(2);
    expect(second!.parsed.subject).toContain(`[${req!.id}]`);
  });

  it('answers mail from a foreign domain once, politely, and creates nothing', async () => {
    const raw = await applicationMail({
      from: 'siti.aminah@gmail.com', nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, attachments: complete,
      authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    await appendToMailbox(dovecot().imapUrl, [raw, await applicationMail({ from: 'siti.aminah@gmail.com', subject: 'Permohonan lagi', authResults: { serverId: AUTHSERV, result: 'pass' } })]);
    expect(await h.sync()).toMatchObject({ handled: 2, quarantined: 2 });
    expect(await requests()).toHaveLength(0);
    await h.drain(smtp.url);
    await smtp.waitFor(1);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelope.to).toEqual(['siti.aminah@gmail.com']);
    expect(await folderCount('RA/Quarantine')).toBe(2);
  });

  it('quarantines a spoofed official sender without creating anything or answering anyone', async () => {
    const failing = await siti({ authResults: { serverId: AUTHSERV, result: 'fail' } });
    const forgedOtherServer = await siti({ authResults: { serverId: 'mx.attacker.example', result: 'pass' } });
    await appendToMailbox(dovecot().imapUrl, [failing, forgedOtherServer]);
    expect(await h.sync()).toMatchObject({ handled: 2, quarantined: 2 });
    expect(await requests()).toHaveLength(0);
    expect((await outbox())).toHaveLength(0);
    const audit = await h.ds.getRepository(AuditSchema).findBy({ action: 'mail.quarantine' });
    expect(audit.map((a) => a.outcome)).toEqual(['unauthenticated', 'unauthenticated']);
  });

  it('never answers automated mail (vacation, DSN, lists, …)', async () => {
    const corpus = automatedMails(PEOPLE.budi.email);
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    await appendToMailbox(dovecot().imapUrl, corpus.map((m) => m.raw));
    const report = await h.sync();
    expect(report.handled).toBe(corpus.length);
    expect(await requests()).toHaveLength(0);
    expect((await outbox()).filter((m) => m.channel === 'email')).toHaveLength(0);
  });

  it('handles the same message delivered twice once, and a second sync finds nothing new', async () => {
    const raw = await siti({ messageId: '<twice@pontianak.go.id>' });
    await appendToMailbox(dovecot().imapUrl, [raw, raw]);
    const first = await h.sync();
    expect(first).toMatchObject({ handled: 1, duplicates: 1, moved: 2 });
    expect(await requests()).toHaveLength(1);
    expect(await h.sync()).toMatchObject({ handled: 0, duplicates: 0, moved: 0 });
    expect(await h.ds.getRepository(MailMessageSchema).count()).toBe(1);
    expect((await outbox())).toHaveLength(1);
  });

  it('survives hostile MIME: each hostile message gets an outcome (structural bombs quarantined unread), the good one after them is handled', async () => {
    // Dovecot itself refuses to store a zero-byte message, so that one never reaches a mailbox. Each is
    // authenticated so it gets past the sender check and really reaches the parser.
    const hostile = hostileMails(PEOPLE.budi.email).filter((m) => m.raw.length > 0);
    const outcomes = new Map<string, string>();
    for (const m of hostile) {
      await appendToMailbox(dovecot().imapUrl, [withAuthenticationResults(m.raw, AUTHSERV, 'pass', 'pontianak.go.id')]);
      const report = await h.sync();
      expect(report.handled + report.duplicates, m.label).toBe(1);
      const [last] = await h.ds.getRepository(MailMessageSchema).find({ order: { receivedAt: 'DESC' }, take: 1 });
      outcomes.set(m.label, `${last!.outcome}:${last!.reason}`);
    }
    for (const bomb of ['header-2mb-folded', 'header-2mb-single-line', 'multipart-nested-200', 'multipart-5000-parts']) {
      expect(outcomes.get(bomb), bomb).toMatch(/^quarantined:MAIL\.(HEADERS_TOO_LARGE|TOO_COMPLEX)$/);
    }
    expect(outcomes.get('exe-named-ktp-jpg')).not.toMatch(/^request:pending_review/);
    await appendToMailbox(dovecot().imapUrl, [await siti({ messageId: '<after-hostile@pontianak.go.id>' })]);
    expect(await h.sync()).toMatchObject({ handled: 1 });
    const reqs = await requests();
    expect(reqs.filter((r) => r.applicantEmail === PEOPLE.siti.email && r.status === 'pending_review')).toHaveLength(1);
    expect(await folderCount('INBOX')).toBe(0);
    expect((await h.desk.auditLog.verify()).ok).toBe(true);
  }, 120_000);

  it('delays replies during an SMTP outage and sends each exactly once, with its own Message-ID, when it is back', async () => {
    await appendToMailbox(dovecot().imapUrl, [await siti(), await applicationMail({
      from: PEOPLE.budi.email, nik: PEOPLE.budi.nik, nip: PEOPLE.budi.nip, attachments: complete, authResults: { serverId: AUTHSERV, result: 'pass' },
    })]);
    await h.sync();
    smtp.reject();
    expect(await h.drain(smtp.url)).toMatchObject({ sent: 0, retried: 2 });
    await smtp.stop();
    const later = () => new Date(Date.now() + 10 * 60_000);
    expect(await h.drain(smtp.url, later)).toMatchObject({ sent: 0, retried: 2 });
    await smtp.start();
    smtp.accept();
    const muchLater = () => new Date(Date.now() + 2 * 3600_000);
    expect(await h.drain(smtp.url, muchLater)).toMatchObject({ sent: 2 });
    expect(await h.drain(smtp.url, muchLater)).toMatchObject({ sent: 0 });
    const ids = (await outbox()).map((r) => r.messageId).sort();
    expect(smtp.messages.map((m) => m.parsed.messageId).sort()).toEqual(ids);
  });
});
