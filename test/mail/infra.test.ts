import { statSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applicationMail, appendToMailbox, automatedMails, EXE_BYTES, hostileMails, humanLookalikeMails, withAuthenticationResults,
} from '../support/mail-corpus.ts';
import { withDovecot, type RunningDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';

const STAFF = 'budi.santoso@pontianak.go.id';

function imapClient(d: { port: number; user: string; password: string }): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1', port: d.port, secure: false, doSTARTTLS: false, logger: false,
    auth: { user: d.user, pass: d.password },
  });
}

/** Every raw message in INBOX, in UID order. */
async function fetchAll(d: RunningDovecot): Promise<Buffer[]> {
  const client = imapClient(d);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const out: Buffer[] = [];
      for await (const m of client.fetch('1:*', { source: true })) if (m.source) out.push(m.source);
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

describe('Dovecot test server', () => {
  const dovecot = withDovecot();

  it('accepts the RA login over plain IMAP on loopback', async () => {
    const d = dovecot();
    expect(d.imapUrl).toBe(`imap://ra%40pontianak.go.id:${encodeURIComponent(d.password)}@127.0.0.1:${d.port}/INBOX`);
    const client = imapClient(d);
    await client.connect();
    expect(client.authenticated).toBe(true);
    await client.logout();
  });

  it('refuses a wrong password', async () => {
    const d = dovecot();
    const client = imapClient({ ...d, password: 'salah' });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
  });

  it('returns appended messages byte for byte', async () => {
    const d = dovecot();
    await d.reset();
    const raws = [
      await applicationMail({ from: STAFF, nik: '6171010101900001', name: 'Budi Santoso', attachments: [{ filename: 'ktp.jpg', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) }] }),
      await applicationMail({ from: STAFF, subject: 'Kedua' }),
    ];
    const uids = await appendToMailbox(d.imapUrl, raws);
    expect(uids).toHaveLength(2);
    expect(uids[1]).toBeGreaterThan(uids[0] ?? 0);
    const fetched = await fetchAll(d);
    expect(fetched).toHaveLength(2);
    expect(fetched.map((b, i) => b.equals(raws[i] ?? Buffer.alloc(0)))).toEqual([true, true]);
    expect(statSync(d.maildir).isDirectory()).toBe(true);
  });

  it('reset() empties INBOX and removes other folders', async () => {
    const d = dovecot();
    await appendToMailbox(d.imapUrl, [await applicationMail({ from: STAFF })]);
    const client = imapClient(d);
    await client.connect();
    await client.mailboxCreate('Diproses');
    await client.logout();
    await appendToMailbox(d.imapUrl, [await applicationMail({ from: STAFF })], { mailbox: 'Diproses' });
    await d.reset();
    expect(await fetchAll(d)).toEqual([]);
    const again = imapClient(d);
    await again.connect();
    expect((await again.list()).map((f) => f.path)).toEqual(['INBOX']);
    await again.logout();
  });

  it('serves extra accounts added at run time', async () => {
    const d = dovecot();
    const other = d.addUser('helpdesk@pontianak.go.id', 'rahasia');
    await appendToMailbox(other.imapUrl, [await applicationMail({ from: STAFF })]);
    const client = imapClient({ port: d.port, user: other.user, password: other.password });
    await client.connect();
    const status = await client.status('INBOX', { messages: true });
    expect(status && status.messages).toBe(1);
    await client.logout();
  });

  it('restart() drops connections and comes back on the same port with the same mail', async () => {
    const d = dovecot();
    await d.reset();
    const raw = await applicationMail({ from: STAFF, subject: 'Sebelum restart' });
    await appendToMailbox(d.imapUrl, [raw]);
    const client = imapClient(d);
    client.on('error', () => undefined);
    await client.connect();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const port = d.port;
    const t0 = Date.now();
    await d.restart();
    const restartMs = Date.now() - t0;
    await closed;
    expect(d.port).toBe(port);
    const fresh = imapClient(d);
    await fresh.connect();
    expect(fresh.authenticated).toBe(true);
    await fresh.logout();
    const [fetched] = await fetchAll(d);
    expect(fetched?.equals(raw)).toBe(true);
    expect(restartMs).toBeLessThan(10_000);
  });

  it('halt() refuses connections until start()', async () => {
    const d = dovecot();
    await d.halt();
    const down = imapClient(d);
    down.on('error', () => undefined);
    await expect(down.connect()).rejects.toThrow();
    await d.start();
    const up = imapClient(d);
    await up.connect();
    await up.logout();
  });
});

describe('two Dovecot instances', () => {
  const a = withDovecot();
  const b = withDovecot({ password: 'kata-sandi-b' });

  it('run side by side with separate mailboxes', async () => {
    expect(a().port).not.toBe(b().port);
    await appendToMailbox(a().imapUrl, [await applicationMail({ from: STAFF })]);
    expect(await fetchAll(a())).toHaveLength(1);
    expect(await fetchAll(b())).toHaveLength(0);
  });
});

describe('SMTP receiver', () => {
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(() => smtp.stop());

  const transport = () => createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });

  it('captures envelope, raw bytes and the parsed message', async () => {
    smtp.clear();
    await transport().sendMail({
      from: 'ra@pontianak.go.id', to: STAFF, subject: 'Permohonan Anda diterima', text: 'Nomor permohonan: ISS-2025-0001',
      attachments: [{ filename: 'tanda-terima.txt', content: 'diterima' }],
    });
    const [mail] = await smtp.waitFor(1, 5_000);
    expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}`);
    expect(mail?.envelope).toEqual({ from: 'ra@pontianak.go.id', to: [STAFF] });
    expect(mail?.raw.toString()).toContain('Subject: Permohonan Anda diterima');
    expect(mail?.parsed.text?.trim()).toBe('Nomor permohonan: ISS-2025-0001');
    expect(mail?.parsed.attachments.map((a) => a.filename)).toEqual(['tanda-terima.txt']);
  });

  it('answers 451 while rejecting, then delivers after recovery', async () => {
    smtp.clear();
    smtp.reject();
    expect(smtp.rejecting).toBe(true);
    await expect(transport().sendMail({ from: 'ra@pontianak.go.id', to: STAFF, subject: 'x', text: 'x' }))
      .rejects.toMatchObject({ responseCode: 451 });
    smtp.accept();
    await transport().sendMail({ from: 'ra@pontianak.go.id', to: STAFF, subject: 'y', text: 'y' });
    expect((await smtp.waitFor(1)).map((m) => m.parsed.subject)).toEqual(['y']);
  });

  it('refuses connections after stop() and listens on the same port after start()', async () => {
    smtp.clear();
    const port = smtp.port;
    await smtp.stop();
    await expect(transport().sendMail({ from: 'ra@pontianak.go.id', to: STAFF, subject: 'x', text: 'x' }))
      .rejects.toMatchObject({ code: 'ESOCKET', message: expect.stringContaining('ECONNREFUSED') });
    await smtp.start();
    expect(smtp.port).toBe(port);
    await transport().sendMail({ from: 'ra@pontianak.go.id', to: STAFF, subject: 'kembali', text: 'ok' });
    expect((await smtp.waitFor(1)).map((m) => m.parsed.subject)).toEqual(['kembali']);
  });

  it('waitFor() rejects when too few messages arrive', async () => {
    smtp.clear();
    await expect(smtp.waitFor(1, 100)).rejects.toThrow(/0 of 1/);
  });
});

describe('mail corpus', () => {
  it('builds an Indonesian application with its attachments and threading headers', async () => {
    const raw = await applicationMail({
      from: STAFF, nik: '6171010101900001', nip: '199001012015031001', name: 'Budi Santoso', type: 'individu',
      uses: ['tanda tangan', 'perlindungan e-mail'],
      attachments: [{ filename: 'ktp.jpg', content: Buffer.from([0xff, 0xd8, 0xff]) }, { filename: 'surat-pengantar.pdf', content: Buffer.from('%PDF-1.4\n') }],
      messageId: 'aplikasi-1@pontianak.go.id', inReplyTo: 'awal@pontianak.go.id', references: ['awal@pontianak.go.id'],
      authResults: { serverId: 'mx.pontianak.go.id', result: 'pass' },
    });
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value[0]?.address).toBe(STAFF);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe('ra@pontianak.go.id');
    expect(parsed.messageId).toBe('<aplikasi-1@pontianak.go.id>');
    expect(parsed.inReplyTo).toBe('<awal@pontianak.go.id>');
    expect(parsed.text).toContain('Dengan hormat, saya mengajukan permohonan penerbitan sertifikat elektronik.');
    expect(parsed.text).toContain('NIK: 6171010101900001\nNIP: 199001012015031001\nNama: Budi Santoso\nJenis sertifikat: individu\nPenggunaan: tanda tangan, perlindungan e-mail\n');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['ktp.jpg', 'image/jpeg'], ['surat-pengantar.pdf', 'application/pdf']]);
    expect(parsed.attachments[0]?.content).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const auth = parsed.headerLines.find((h) => h.key === 'authentication-results')?.line ?? '';
    expect(auth).toMatch(/^Authentication-Results: mx\.pontianak\.go\.id;/);
    expect(auth).toContain('dmarc=pass');
    expect(auth).toContain('header.from=pontianak.go.id');
  });

  it('leaves out the form lines that are not given', async () => {
    const parsed = await simpleParser(await applicationMail({ from: STAFF, name: 'Budi' }));
    expect(parsed.text).not.toContain('NIK:');
    expect(parsed.text).toContain('Nama: Budi');
  });

  it('withAuthenticationResults() prepends a failing result', async () => {
    const raw = withAuthenticationResults(await applicationMail({ from: 'orang@example.com' }), 'mx.pontianak.go.id', 'fail');
    expect(raw.toString('latin1')).toMatch(/^Authentication-Results: mx\.pontianak\.go\.id;/);
    const parsed = await simpleParser(raw);
    const auth = parsed.headerLines.find((h) => h.key === 'authentication-results')?.line ?? '';
    expect(auth).toContain('dmarc=fail');
    expect(auth).toContain('header.from=example.com');
  });

  it('has at least 22 distinct automated messages, all parseable', async () => {
    const mails = automatedMails(STAFF);
    expect(mails.length).toBeGreaterThanOrEqual(22);
    expect(new Set(mails.map((m) => m.label)).size).toBe(mails.length);
    for (const m of mails) {
      const parsed = await simpleParser(m.raw);
      expect(parsed.headerLines.length, m.label).toBeGreaterThan(3);
    }
    const byLabel = new Map(mails.map((m) => [m.label, m.raw.toString('latin1')]));
    expect(byLabel.get('vacation-auto-replied')).toContain('Auto-Submitted: auto-replied');
    expect(byLabel.get('dsn-bounce')).toMatch(/report-type=delivery-status/);
    expect(byLabel.get('dsn-bounce')).toMatch(/^Return-Path: <>/);
    expect(byLabel.get('mdn-read-receipt')).toMatch(/report-type=disposition-notification/);
    expect(byLabel.get('exchange-automatic-reply')).toContain('X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent');
    expect(humanLookalikeMails(STAFF).length).toBeGreaterThan(0);
  });

  it('builds every hostile message, and mailparser survives the non-giant ones', async () => {
    const t0 = Date.now();
    const mails = hostileMails();
    const buildMs = Date.now() - t0;
    expect(new Set(mails.map((m) => m.label)).size).toBe(mails.length);
    const byLabel = new Map(mails.map((m) => [m.label, m]));
    expect(byLabel.get('header-2mb-folded')?.raw.length).toBeGreaterThan(2_000_000);
    expect(byLabel.get('html-body-5mb')?.raw.length).toBeGreaterThan(5_000_000);
    expect((byLabel.get('multipart-nested-200')?.raw.toString().match(/multipart\/mixed/g) ?? []).length).toBe(200);
    expect((byLabel.get('multipart-5000-parts')?.raw.toString().match(/text\/plain/g) ?? []).length).toBe(5000);
    const exe = await simpleParser(byLabel.get('exe-named-ktp-jpg')?.raw ?? Buffer.alloc(0));
    expect(exe.attachments[0]?.filename).toBe('ktp.jpg');
    expect(exe.attachments[0]?.content.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(exe.attachments[0]?.content).toEqual(EXE_BYTES);
    for (const label of ['boundary-mismatch', 'invalid-base64-attachment', 'nul-bytes-in-headers', 'encoded-word-invalid-charset', 'no-headers', 'truncated', 'empty']) {
      await expect(simpleParser(byLabel.get(label)?.raw ?? Buffer.alloc(0)).then(() => 'parsed', () => 'threw'), label).resolves.toMatch(/parsed|threw/);
    }
    expect(buildMs).toBeLessThan(5_000);
  });
});

describe('appendToMailbox with the corpora', () => {
  const dovecot = withDovecot();

  it('stores every hostile message Dovecot accepts byte for byte, as its viaImap note says', async () => {
    const d = dovecot();
    await d.reset();
    const mails = hostileMails();
    const storable = mails.filter((m) => m.viaImap?.outcome !== 'refused');
    await appendToMailbox(d.imapUrl, storable.map((m) => m.raw));
    const fetched = await fetchAll(d);
    expect(fetched).toHaveLength(storable.length);
    const altered = storable.filter((m, i) => !fetched[i]?.equals(m.raw)).map((m) => m.label);
    expect(altered).toEqual(storable.filter((m) => m.viaImap?.outcome === 'altered').map((m) => m.label));
    for (const m of mails.filter((x) => x.viaImap?.outcome === 'refused')) {
      await expect(appendToMailbox(d.imapUrl, [m.raw]), m.label).rejects.toThrow();
    }
  });

  it('stores every automated message', async () => {
    const mails = automatedMails(STAFF);
    const uids = await appendToMailbox(dovecot().imapUrl, mails.map((m) => m.raw));
    expect(uids).toHaveLength(mails.length);
  });
});
