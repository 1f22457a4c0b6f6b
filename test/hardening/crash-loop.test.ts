import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { withDovecot } from '../support/services/dovecot.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV } from '../support/mail-harness.ts';
import { PEOPLE, rosterRow } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { mulberry32 } from '../support/prng.ts';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { sqliteFile } from '../../storage/data-source.ts';

/**
 * Issue 8, crash loop: 1,000 messages in Dovecot, `ra-desk mail sync --once` as a child process killed
 * with SIGKILL at 20 random moments — while it ingests and while it sends the replies — and restarted
 * each time. Afterwards every message produced exactly one request or ticket, every acknowledgement
 * reached the SMTP receiver, all copies of one carry its single Message-ID, and the audit chain verifies.
 */
const dovecot = withDovecot();
let smtp: SmtpReceiver;
beforeAll(async () => { smtp = await startSmtpReceiver(); });
afterAll(async () => { await smtp.stop(); });

const N = 1000;
const KILLS = 20;
const attachments = [
  { filename: 'pengantar.pdf', content: tinyPdf() },
  { filename: 'rekomendasi.png', content: tinyPng() },
  { filename: 'ktp.jpg', content: tinyJpeg() },
];
const senders = [PEOPLE.siti, PEOPLE.budi, PEOPLE.andi, PEOPLE.rahmat];
/** Most are applications; every fifth is a help question, which becomes a ticket. */
const message = (i: number) => {
  const p = senders[i % senders.length]!;
  return i % 5 === 4
    ? applicationMail({ from: p.email, subject: 'Bantuan: gagal tanda tangan', text: `Mohon bantuan, pesan ${i}.`, messageId: `<loop-${i}@pontianak.go.id>`, authResults: { serverId: AUTHSERV, result: 'pass' } })
    : applicationMail({ from: p.email, nik: p.nik, nip: p.nip, name: p.name, attachments, messageId: `<loop-${i}@pontianak.go.id>`, authResults: { serverId: AUTHSERV, result: 'pass' } });
};

const count = (file: string, sql: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try { return (db.prepare(sql).get() as { n: number }).n; } finally { db.close(); }
};

describe('crash loop: mail sync killed 20 times', () => {
  it('loses nothing and duplicates nothing across 1,000 messages', async () => {
    const dataDir = makeTempDir('ra-crash-loop-');
    const env = {
      RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_IMAP_URL: dovecot().imapUrl,
      RA_SMTP_URL: `${smtp.url}?ignoreTLS=true`, RA_MAIL_AUTHSERV_ID: AUTHSERV,
      // A reply being sent at a kill is claimed; a short lease lets the last runs send it again.
      RA_OUTBOX_LEASE_SECONDS: '2',
    };
    const file = sqliteFile(dataDir);
    try {
      const app = await openApp(createConfig(env));
      await importRoster(app.ports, senders.map((p, i) => ({ line: i + 2, row: rosterRow(p) })));
      await app.close();
      const raws = [];
      for (let i = 0; i < N; i++) raws.push(await message(i));
      await appendToMailbox(dovecot().imapUrl, raws);

      /** One `mail sync --once`; `until` says when to SIGKILL it (checked every few ms), null: let it finish. */
      const run = (until: (() => boolean) | null) => new Promise<'killed' | 'done'>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/ra-desk.mjs', 'mail', 'sync', '--once'], {
          env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        const timer = until ? setInterval(() => { try { if (until()) child.kill('SIGKILL'); } catch { /* not created yet */ } }, 3) : undefined;
        child.on('exit', (code, signal) => {
          clearInterval(timer);
          if (signal === 'SIGKILL') resolve('killed');
          else if (code === 0) resolve('done');
          else reject(new Error(`sync exited ${code}: ${err}`));
        });
      });

      // Twenty moments: while messages are ingested, then while the replies go out (a pass ingests
      // everything new before it sends) — each once the child has made progress in that phase, after a
      // random pause drawn from a seeded generator, so a failure can be replayed.
      const random = mulberry32(20261125);
      const handledNow = () => count(file, 'select count(*) as n from mail_messages');
      const sentNow = () => count(file, "select count(*) as n from outbox where status = 'sent'");
      let kills = 0;
      let killedWhileSending = 0;
      for (let i = 0; i < KILLS; i++) {
        // Fourteen kills while ingesting — about a fourteenth of the corpus between them, never the last
        // message — then six while the replies go out (a pass ingests everything new before it sends).
        const left = N - handledNow();
        const sending = i >= 14 || left <= 1;
        if (sending && sentNow() >= N) break;
        const [progress, base] = sending ? [sentNow, sentNow()] : [handledNow, handledNow()];
        const after = sending ? 1 : Math.min(left - 1, Math.max(1, Math.round((N / 14) * (0.5 + random()))));
        const pauseMs = Math.floor(random() * (sending ? 80 : 20));
        let armed: number | null = null;
        const outcome = await run(() => {
          if (armed === null && progress() >= base + after) armed = Date.now() + pauseMs;
          return armed !== null && Date.now() >= armed;
        });
        if (outcome === 'killed') { kills++; if (sending) killedWhileSending++; }
      }
      expect(killedWhileSending).toBeGreaterThan(0);
      expect(kills - killedWhileSending).toBeGreaterThanOrEqual(10);
      expect(kills).toBeGreaterThanOrEqual(15);
      // Then it runs undisturbed, as cron would, until the replies claimed at a kill are sent too.
      for (let i = 0; i < 5 && (handledNow() < N || sentNow() < N); i++) {
        await new Promise((r) => setTimeout(r, 2_100));
        expect(await run(null)).toBe('done');
      }

      expect(count(file, 'select count(*) as n from mail_messages')).toBe(N);
      expect(count(file, "select count(*) as n from requests where kind = 'issuance'")).toBe(N * 4 / 5);
      expect(count(file, "select count(*) as n from requests where kind = 'help'")).toBe(N / 5);
      const rows = count(file, "select count(*) as n from outbox where channel = 'email'");
      expect(rows).toBe(N);
      expect(count(file, "select count(*) as n from outbox where status = 'sent'")).toBe(N);
      const db = new Database(file, { readonly: true });
      const ids = new Set((db.prepare("select message_id as id from outbox where channel = 'email'").all() as { id: string }[]).map((r) => r.id));
      db.close();
      // Every reply arrived; a reply re-sent after a kill between SMTP and the commit carries the same id.
      const received = smtp.messages.map((m) => m.parsed.messageId ?? '');
      expect(new Set(received).size).toBe(N);
      expect(received.every((id) => ids.has(id))).toBe(true);
      const app2 = await openApp(createConfig(env));
      expect((await app2.auditLog.verify()).ok).toBe(true);
      await app2.close();
    } finally {
      removeTempDir(dataDir);
    }
  }, 600_000);
});
