import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail, automatedMails } from '../support/mail-corpus.ts';
import { openMailHarness, AUTHSERV, type MailHarness } from '../support/mail-harness.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { agreementSha256 } from '../../templates/agreement.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { pdfStream, tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { AuditSchema, MailCursorSchema, MailMessageSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { ingestMessage } from '../../mail/inbound/ingest.ts';
import { createImapClient, parseImapUrl } from '../../mail/imap/imap-client.ts';
import { syncMailbox } from '../../mail/imap/sync-mailbox.ts';

const dovecot = withDovecot();
let smtp: SmtpReceiver;
let h: MailHarness;
let clockOffset = 0;
const clock = { now: () => new Date(Date.now() + clockOffset) };

beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });
beforeEach(async () => {
  clockOffset = 0;
  await dovecot().reset();
  smtp.clear();
  h = await openMailHarness(dovecot().imapUrl, 'sqlite', { clock });
});
afterEach(async () => { await h.close(); });

const complete = [
  { filename: 'surat-pengantar.pdf', content: tinyPdf() },
  { filename: 'rekomendasi.png', content: tinyPng() },
  { filename: 'ktp.jpg', content: tinyJpeg() },
];
const fromSiti = (o: Partial<Parameters<typeof applicationMail>[0]> = {}) => applicationMail({
  from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name,
  attachments: complete, authResults: { serverId: AUTHSERV, result: 'pass' }, ...o,
});

async function countIn(folder: string): Promise<number> {
  const client = createImapClient(parseImapUrl(dovecot().imapUrl));
  await client.connect();
  try {
    const list = await client.list();
    const box = list.find((b) => b.path === folder || b.path.split(b.delimiter).join('/') === folder);
    if (!box) return 0;
    const status = await client.status(box.path, { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

describe('mail threads', () => {
  it('refuses an addition to a request from anyone but the applicant, with the reason, and changes nothing', async () => {
    await appendToMailbox(dovecot().imapUrl, [await fromSiti({ attachments: [complete[0]!] })]);
    await h.sync();
    const [req] = await h.ds.getRepository(RequestSchema).find();
    const intruder = await applicationMail({
      from: PEOPLE.budi.email, subject: `Re: [${req!.id}] Permohonan`, text: 'Saya kirimkan rekomendasinya.',
      attachments: [complete[1]!], authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    await appendToMailbox(dovecot().imapUrl, [intruder]);
    await h.sync();
    const after = await h.ds.getRepository(RequestSchema).findOneByOrFail({ id: req!.id });
    expect(after.status).toBe('incomplete');
    expect(after.version).toBe(req!.version);
    const notices = await h.ds.getRepository(OutboxSchema).findBy({ template: 'thread-not-applicant' });
    expect(notices.map((n) => n.recipient)).toEqual([PEOPLE.budi.email]);
    expect(await countIn('RA/Quarantine')).toBe(1);
  });
});

describe('a message that fails in the middle of a pass', () => {
  it('leaves it and the messages after it for the next pass, keeps those before it, and duplicates nothing', async () => {
    const ids = [1, 2, 3, 4].map((i) => `<gagal-${i}-${randomBytes(4).toString('hex')}@pontianak.go.id>`);
    const people = [PEOPLE.siti, PEOPLE.budi, PEOPLE.siti, PEOPLE.budi];
    await appendToMailbox(dovecot().imapUrl, await Promise.all(ids.map((messageId, i) => applicationMail({
      from: people[i]!.email, nik: people[i]!.nik, nip: people[i]!.nip, name: people[i]!.name, messageId,
      attachments: complete, authResults: { serverId: AUTHSERV, result: 'pass' },
    }))));
    // The third request to be created fails, whether the messages share a transaction or not.
    let creates = 0;
    const cases = { ...h.desk.ports.cases, create: async (...a: Parameters<typeof h.desk.ports.cases.create>) => {
      if (++creates === 3) throw new Error('disk on fire');
      return h.desk.ports.cases.create(...a);
    } };
    const failing = { ...h.mail.ingest, ports: { ...h.mail.ingest.ports, cases } };
    const client = createImapClient(h.mail.target!);
    await client.connect();
    try {
      await expect(syncMailbox(client, failing, h.mail.sync!)).rejects.toThrow('disk on fire');
    } finally {
      await client.logout();
    }
    const handled = await h.ds.getRepository(MailMessageSchema).find();
    expect(handled.map((m) => m.key).sort()).toEqual(ids.slice(0, 2).sort());
    expect(await h.ds.getRepository(RequestSchema).count()).toBe(2);

    await h.sync();
    expect((await h.ds.getRepository(MailMessageSchema).find()).map((m) => m.key).sort()).toEqual([...ids].sort());
    expect(await h.ds.getRepository(RequestSchema).count()).toBe(4);
    const replies = await h.ds.getRepository(OutboxSchema).find();
    expect(new Set(replies.map((r) => r.dedupeKey)).size).toBe(replies.length);
    expect(replies.length).toBe(4);
    expect(await countIn('INBOX')).toBe(0);
    expect(await countIn('RA/Processed')).toBe(4);
  });
});

describe('bounces', () => {
  it('marks the bounced reply failed and tells each officer on Telegram', async () => {
    await appendToMailbox(dovecot().imapUrl, [await fromSiti()]);
    await h.sync();
    const [ack] = await h.ds.getRepository(OutboxSchema).find();
    const dsn = automatedMails(PEOPLE.siti.email).find((m) => /dsn|bounce/i.test(m.label))!;
    const raw = dsn.raw.toString('utf8').replace(/<permohonan-123@pontianak\.go\.id>/g, ack!.messageId);
    await appendToMailbox(dovecot().imapUrl, [Buffer.from(raw)]);
    await h.sync();
    expect((await h.ds.getRepository(OutboxSchema).findOneByOrFail({ id: ack!.id })).status).toBe('failed');
    const alerts = await h.ds.getRepository(OutboxSchema).findBy({ template: 'officer-mail-bounced' });
    expect(alerts.map((a) => a.recipient).sort()).toEqual(['5550001', '5550002']);
    expect(alerts.every((a) => a.channel === 'telegram')).toBe(true);
  });
});

describe('limits and retention', () => {
  it('quarantines a message whose attachment is over the file limit from BODYSTRUCTURE, without downloading it', async () => {
    const big = pdfStream('<< /Length 11534336 >>', randomBytes(11 * 1024 * 1024));
    await appendToMailbox(dovecot().imapUrl, [await fromSiti({ attachments: [{ filename: 'ktp.pdf', content: big }] })]);
    const report = await h.sync();
    expect(report).toMatchObject({ handled: 1, quarantined: 1 });
    const [row] = await h.ds.getRepository(MailMessageSchema).find();
    expect(row).toMatchObject({ outcome: 'quarantined', reason: 'MAIL.ATTACHMENT_TOO_LARGE' });
    expect(await h.ds.getRepository(RequestSchema).count()).toBe(0);
    expect(await countIn('RA/Quarantine')).toBe(1);
  });

  it('reads a message of several megabytes whole, fetched in pieces, and archives exactly the bytes received', async () => {
    const scan = tinyJpeg({ trailing: randomBytes(4 * 1024 * 1024) });
    const letter = pdfStream('<< /Length 3145728 >>', randomBytes(3 * 1024 * 1024));
    const raw = await fromSiti({ attachments: [...complete.slice(0, 2), { filename: 'ktp.jpg', content: scan }, { filename: 'lampiran.pdf', content: tinyPdf({ objects: [letter] }) }] });
    expect(raw.length).toBeGreaterThan(9 * 1024 * 1024); // more than four 2 MB pieces
    await appendToMailbox(dovecot().imapUrl, [raw]);
    expect(await h.sync()).toMatchObject({ handled: 1, quarantined: 0 });
    const [req] = await h.ds.getRepository(RequestSchema).find();
    const docs = await h.desk.ports.vault.list(req!.id);
    const original = docs.find((d) => d.kind === 'original_message')!;
    // What Dovecot serves back can differ from what was appended only in line endings; it was stored as served.
    const archived = Buffer.from(await h.desk.ports.vault.read(original.id, req!.id));
    expect(archived.length).toBe(original.size);
    expect(archived.toString('latin1').replace(/\r\n/g, '\n')).toBe(raw.toString('latin1').replace(/\r\n/g, '\n'));
    const ktp = docs.find((d) => d.kind === 'ktp_scan')!;
    expect(Buffer.from(await h.desk.ports.vault.read(ktp.id, req!.id)).equals(scan)).toBe(true);
  });

  it('expunges processed mail from the mail server after the retention period, keeping the vault copy', async () => {
    await appendToMailbox(dovecot().imapUrl, [await fromSiti()]);
    await h.sync();
    expect(await countIn('RA/Processed')).toBe(1);
    clockOffset = 29 * 86_400_000;
    expect((await h.sync()).expunged).toBe(0);
    clockOffset = 32 * 86_400_000;
    expect((await h.sync()).expunged).toBe(1);
    expect(await countIn('RA/Processed')).toBe(0);
    const [req] = await h.ds.getRepository(RequestSchema).find();
    const docs = await h.desk.ports.vault.list(req!.id);
    expect(docs.map((d) => d.kind)).toContain('original_message');
  });

  it('after a UIDVALIDITY change, recognises already-handled messages by Message-ID and only moves them', async () => {
    const raw = await fromSiti({ messageId: '<uidvalidity@pontianak.go.id>' });
    await appendToMailbox(dovecot().imapUrl, [raw]);
    // Handled (committed) but never moved, as after a crash between commit and move; then the cursor's UIDVALIDITY changes.
    await ingestMessage(h.mail.ingest, raw, { kind: 'imap', mailbox: 'INBOX', uidValidity: 1, uid: 1 }, new Date());
    await h.ds.getRepository(MailCursorSchema).update({ mailbox: 'INBOX' }, { uidValidity: 424242 });
    const report = await h.sync();
    expect(report).toMatchObject({ handled: 0, duplicates: 1, moved: 1 });
    expect(await h.ds.getRepository(RequestSchema).count()).toBe(1);
    expect(await h.ds.getRepository(OutboxSchema).count()).toBe(1);
  });
});

describe('ra-desk mail ingest', () => {
  it('feeds saved messages through the same pipeline, once, and refuses a missing file with exit 2', async () => {
    const dir = makeTempDir('ra-ingest-');
    try {
      const file = join(dir, 'permohonan.eml');
      writeFileSync(file, await fromSiti({ messageId: '<ingest@pontianak.go.id>' }));
      const env = { RA_DATA_DIR: join(dir, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_MAIL_AUTHSERV_ID: AUTHSERV };
      const csv = join(dir, 'roster.csv');
      writeFileSync(csv, `nip,nik,name,email,agency,position,superior_nip\n${PEOPLE.siti.nip},${PEOPLE.siti.nik},${PEOPLE.siti.name},${PEOPLE.siti.email},Dinas Kesehatan,Analis,\n`);
      expect((await runCli(['roster', 'import', csv], env)).code).toBe(0);
      const first = await runCli(['mail', 'ingest', file], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/request OP-\d{4}-000001 \(pending_review\)/);
      expect(first.stdout).toMatch(/RA_SMTP_URL belum diatur: 1 e-mail menunggu/);
      const second = await runCli(['mail', 'ingest', file], env);
      expect(second.stdout).toMatch(/sudah pernah diproses/);
      const missing = await runCli(['mail', 'ingest', join(dir, 'nope.eml')], env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^ra-desk: berkas .*nope\.eml tidak ditemukan/);
      const list = JSON.parse((await runCli(['requests', 'list', '--json'], env)).stdout) as unknown[];
      expect(list).toHaveLength(1);
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('audit of the mail channel', () => {
  it('writes no e-mail address or NIK into the audit log', async () => {
    await appendToMailbox(dovecot().imapUrl, [await fromSiti(), await applicationMail({ from: 'orang@gmail.com', authResults: { serverId: AUTHSERV, result: 'pass' } })]);
    await h.sync();
    const rows = await h.ds.getRepository(AuditSchema).find();
    const text = JSON.stringify(rows);
    expect(text).not.toContain('@');
    expect(text).not.toContain(PEOPLE.siti.nik);
  });
});

describe('the subscriber agreement by e-mail (Pasal 16(5), 19(1))', () => {
  it('sends the agreement after an approval and records the applicant\'s SETUJU reply with the hash of the text sent', async () => {
    await appendToMailbox(dovecot().imapUrl, [await fromSiti({ messageId: '<agree-1@pontianak.go.id>' })]);
    await h.sync();
    const [req] = await h.ds.getRepository(RequestSchema).find();
    expect((await decideRequest(h.desk.ports, { requestId: req!.id, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] })).ok).toBe(true);
    await h.drain(smtp.url);
    const mails = await smtp.waitFor(3);
    const agreementMail = mails.find((m) => /Perjanjian pemilik/.test(m.parsed.subject ?? ''))!;
    expect(agreementMail.parsed.text).toContain('PERJANJIAN PEMILIK SERTIFIKAT ELEKTRONIK');

    // Someone else's SETUJU on the thread changes nothing.
    const intruder = await applicationMail({
      from: PEOPLE.budi.email, subject: `Re: ${agreementMail.parsed.subject}`, text: 'SETUJU',
      authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    const reply = await applicationMail({
      from: PEOPLE.siti.email, subject: `Re: ${agreementMail.parsed.subject}`, text: 'SETUJU\n\n> PERJANJIAN PEMILIK SERTIFIKAT ELEKTRONIK',
      inReplyTo: agreementMail.parsed.messageId!, authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    await appendToMailbox(dovecot().imapUrl, [intruder, reply]);
    await h.sync();
    const details = JSON.parse((await h.ds.getRepository(RequestSchema).findOneByOrFail({ id: req!.id })).details) as Record<string, string>;
    expect(details['agreementAcceptedAt']).toBeTruthy();
    expect(details['agreementSha256']).toBe(agreementSha256(createTemplates(), req!.id));
    const audit = await h.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'request.agreement' });
    expect(JSON.parse(audit.evidence)).toEqual([details['agreementSha256']]);
    expect(await h.ds.getRepository(OutboxSchema).findOneBy({ template: 'agreement-accepted' })).toMatchObject({ recipient: PEOPLE.siti.email });
    expect(await h.ds.getRepository(OutboxSchema).findOneBy({ template: 'thread-not-applicant' })).toMatchObject({ recipient: PEOPLE.budi.email });
    // bsre-manual (this harness): the request goes to BSrE and the officers are told to carry it there.
    expect((await h.ds.getRepository(RequestSchema).findOneByOrFail({ id: req!.id })).status).toBe('submitted_to_ca');
    expect(await h.ds.getRepository(OutboxSchema).countBy({ template: 'bsre-forward', caseId: req!.id })).toBe(2);
  });
});
