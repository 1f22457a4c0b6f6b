import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { startBotApiEmulator, type BotApiEmulator } from '../support/bot-api-emulator.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV } from '../support/mail-harness.ts';
import { PEOPLE, writeRosterCsv } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { runCli } from '../support/run-cli.ts';
import { startServe } from '../support/serve-process.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { freePort } from '../support/services/postgres.ts';

/**
 * `ra-desk serve` as the city's IT staff run it (issue 7): mail watcher, bot and outbox senders in one
 * process against a real Dovecot, SMTP receiver and Bot API emulator; `/healthz` and `/metrics`; JSON
 * logs with no NIK or token; SIGTERM in the middle of a batch loses nothing.
 */
const dovecot = withDovecot();
let smtp: SmtpReceiver;
let tg: BotApiEmulator;
const root = makeTempDir('serve');
let env: Record<string, string>;

const attachments = [
  { filename: 'surat-pengantar.pdf', content: tinyPdf() },
  { filename: 'rekomendasi.png', content: tinyPng() },
  { filename: 'ktp.jpg', content: tinyJpeg() },
];
const application = (n: number) => applicationMail({
  from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, attachments,
  authResults: { serverId: AUTHSERV, result: 'pass' }, messageId: `<serve-${n}@pontianak.go.id>`,
});
const requestCount = (): number => {
  const db = new Database(sqliteFile(env['RA_DATA_DIR']!), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM requests WHERE kind = 'issuance'").get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const until = async (what: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  tg = await startBotApiEmulator();
  const csv = writeRosterCsv(join(root, 'asn.csv'));
  env = {
    RA_DATA_DIR: join(root, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_CA: 'sandbox', RA_ALLOW_SANDBOX: '1',
    RA_IMAP_URL: dovecot().imapUrl, RA_SMTP_URL: `${smtp.url}?ignoreTLS=true`, RA_MAIL_AUTHSERV_ID: AUTHSERV, RA_MAIL_POLL_SECONDS: '1',
    RA_TELEGRAM_TOKEN: tg.token, RA_TELEGRAM_API_ROOT: tg.apiRoot, RA_HTTP_PORT: String(await freePort()),
  };
  expect((await runCli(['init'], env)).code).toBe(0);
  expect((await runCli(['roster', 'import', csv], env)).code).toBe(0);
});
afterAll(async () => {
  await smtp?.stop();
  await tg?.close();
  removeTempDir(root);
});

describe('ra-desk serve', () => {
  it('answers /healthz and /metrics, handles mail and the bot, logs JSON without NIK or token, and loses nothing to SIGTERM mid-batch', async () => {
    await appendToMailbox(dovecot().imapUrl, [await application(0)]);
    const first = startServe(env);
    try {
      const started = await first.waitForEvent('http.start');
      const base = `http://127.0.0.1:${String(started['port'])}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', mail: 'ok', bot: 'ok' } });
      await until(() => requestCount() === 1);
      await smtp.waitFor(1, 20_000);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^ra_desk_up 1$/m);
      expect(metrics).toMatch(/^ra_desk_requests\{kind="issuance",status="pending_review"\} 1$/m);
      expect(metrics).toMatch(/^ra_desk_mail_messages_total\{outcome="handled"\} 1$/m);
      expect(metrics).toMatch(/^ra_desk_outbox_pending\{channel="email"\} \d+$/m);
      expect((await fetch(`${base}/nope`)).status).toBe(404);

      // The bot: a NIK typed in the chat is deleted with a warning, and never logged.
      const budi = tg.user(8100002, { first_name: 'Budi' });
      budi.sendCommand('/start');
      await tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === 8100002, 15_000);
      budi.sendText(`NIK saya ${PEOPLE.budi.nik}`);
      await tg.waitForCall('deleteMessage', (c) => Number(c.params['chat_id']) === 8100002, 15_000);

      // A batch arrives and the service is told to stop in the middle of it.
      await appendToMailbox(dovecot().imapUrl, await Promise.all(Array.from({ length: 12 }, (_, i) => application(i + 1))));
      await until(() => requestCount() > 1, 20_000);
    } finally {
      const code = await first.stop('SIGTERM');
      expect(code, first.output().slice(-4000)).toBe(0);
    }
    expect(first.events().map((e) => e['event'])).toEqual(expect.arrayContaining(['serve.stopping', 'serve.stopped']));

    const second = startServe(env);
    try {
      await second.waitForEvent('http.start');
      await until(() => requestCount() === 13, 40_000);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    expect(requestCount()).toBe(13);
    const logs = first.output() + second.output();
    for (const line of logs.split('\n').filter((l) => l.trim() !== '')) expect(() => JSON.parse(line), line).not.toThrow();
    for (const p of Object.values(PEOPLE)) expect(logs).not.toContain(p.nik);
    expect(logs).not.toContain(tg.token);
    expect(logs).not.toContain(env['RA_MASTER_KEY']!);
    expect(logs).not.toMatch(/imap:\/\/[^@\s]*:[^@\s]*@/);
  });

  it('refuses a bad RA_HTTP_PORT with one clear line and exit 2', async () => {
    const r = await runCli(['serve'], { ...env, RA_HTTP_PORT: 'delapan' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RA_HTTP_PORT/);
  });
});
