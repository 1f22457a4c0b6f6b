import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { openMailHarness, AUTHSERV } from '../support/mail-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { rosterRow } from '../support/storage-desk.ts';
import { startMailWatcher } from '../../mail/imap/watcher.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';
import { sqliteFile } from '../../storage/data-source.ts';

const dovecot = withDovecot();
let smtp: SmtpReceiver;
beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });

const attachments = [
  { filename: 'pengantar.pdf', content: tinyPdf() },
  { filename: 'rekomendasi.png', content: tinyPng() },
  { filename: 'ktp.jpg', content: tinyJpeg() },
];
const application = (i: number) => applicationMail({
  from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, attachments,
  messageId: `<crash-${i}@pontianak.go.id>`, authResults: { serverId: AUTHSERV, result: 'pass' },
});

const count = (file: string, sql: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try { return (db.prepare(sql).get() as { n: number }).n; } finally { db.close(); }
};

describe('a crash in the middle of a mail batch', () => {
  it('handles every message exactly once and sends every acknowledgement with a stable Message-ID after SIGKILLs', async () => {
    const N = 40;
    const dataDir = makeTempDir('ra-crash-');
    const env = {
      RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_IMAP_URL: dovecot().imapUrl,
      RA_SMTP_URL: `${smtp.url}?ignoreTLS=true`, RA_MAIL_AUTHSERV_ID: AUTHSERV,
    };
    try {
      const app = await openApp(createConfig(env));
      await importRoster(app.ports, [{ line: 2, row: rosterRow(PEOPLE.siti) }]);
      await app.close();
      const raws = [];
      for (let i = 0; i < N; i++) raws.push(await application(i));
      await appendToMailbox(dovecot().imapUrl, raws);

      const run = (killAfter: number | null) => new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/ra-desk.mjs', 'mail', 'sync', '--once'], {
          env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        let timer: NodeJS.Timeout | undefined;
        if (killAfter !== null) {
          timer = setInterval(() => {
            try {
              if (count(sqliteFile(dataDir), 'select count(*) as n from mail_messages') >= killAfter) child.kill('SIGKILL');
            } catch { /* database not created yet */ }
          }, 5);
        }
        child.on('exit', (code, signal) => {
          clearInterval(timer);
          if (signal === 'SIGKILL' || code === 0) resolve(code);
          else reject(new Error(`sync exited ${code}: ${err}`));
        });
      });
      const killed: number[] = [];
      for (const k of [3, 11, 23, 31]) {
        if ((await run(k)) === null) killed.push(count(sqliteFile(dataDir), 'select count(*) as n from mail_messages'));
      }
      // The kills really landed mid-batch, not after the work was done.
      expect(killed.length).toBeGreaterThanOrEqual(2);
      expect(Math.min(...killed)).toBeLessThan(N);
      expect(await run(null)).toBe(0);

      const file = sqliteFile(dataDir);
      expect(count(file, 'select count(*) as n from mail_messages')).toBe(N);
      expect(count(file, "select count(*) as n from requests where kind = 'issuance'")).toBe(N);
      expect(count(file, "select count(*) as n from outbox where channel = 'email'")).toBe(N);
      expect(count(file, "select count(*) as n from outbox where status = 'sent'")).toBe(N);
      const ids = new Set(smtp.messages.map((m) => m.parsed.messageId));
      expect(ids.size).toBe(N);
      const app2 = await openApp(createConfig(env));
      expect((await app2.auditLog.verify()).ok).toBe(true);
      await app2.close();
    } finally {
      removeTempDir(dataDir);
    }
  }, 180_000);
});

describe('the mailbox watcher', () => {
  it('picks up new mail through IDLE and recovers after Dovecot restarts', async () => {
    const h = await openMailHarness(dovecot().imapUrl);
    await dovecot().reset();
    const errors: unknown[] = [];
    const syncs: string[] = [];
    const watcher = startMailWatcher({ target: h.mail.target!, ingest: h.mail.ingest, sync: h.mail.sync!, pollMs: 60_000, maxBackoffMs: 500, onError: (e) => errors.push(e), onSync: (r) => syncs.push(JSON.stringify(r)) });
    const requests = () => h.ds.getRepository(RequestSchema).count();
    const waitFor = async (n: number) => {
      for (let i = 0; i < 300 && (await requests()) < n; i++) await new Promise((r) => setTimeout(r, 100));
      return requests();
    };
    try {
      await new Promise((r) => setTimeout(r, 500));
      await appendToMailbox(dovecot().imapUrl, [await application(1001)]);
      expect(await waitFor(1), `syncs: ${syncs.join(';')}`).toBe(1);
      await dovecot().restart();
      await appendToMailbox(dovecot().imapUrl, [await application(1002)]);
      expect(await waitFor(2)).toBe(2);
      expect(watcher.connections()).toBeGreaterThanOrEqual(2);
    } finally {
      await watcher.stop();
      await h.close();
    }
  }, 60_000);
});
