import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import { createConfig } from '../config.ts';
import { openApp, type App } from '../app.ts';
import { drainOutboxOf, mailDeskOf } from '../mail-app.ts';
import { initSandboxCa } from '../../storage/ca/sandbox-ca.ts';
import { startBotApiEmulator, type BotApiEmulator } from '../../devtools/bot-api-emulator.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../../devtools/smtp-receiver.ts';
import { createBotFor } from '../../bot/bot-app.ts';
import { startPolling, stopPolling } from '../../bot/run-bot.ts';
import type { BotContext } from '../../bot/context.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { ingestMessage, type IngestResult } from '../../mail/inbound/ingest.ts';
import type { MailDesk } from '../../mail/mail-desk.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';
import type { Templates } from '../../templates/catalog.ts';
import { Transcript } from './transcript.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The authserv-id the demo's "receiving mail server" stamps on incoming mail, as a real MX would. */
const AUTHSERV = 'mx.pontianak.go.id';
export const RA_ADDRESS = 'ra@pontianak.go.id';

/** The people of `roster.csv`, with the Telegram ids they play. */
export const CAST = {
  siti: { name: 'Siti Aminah', email: 'siti.aminah@pontianak.go.id', nip: '199007252015032001', telegram: 8100001 },
  rahmat: { name: 'Rahmat Hidayat', email: 'rahmat.hidayat@pontianak.go.id', nip: '198001012005011003', telegram: 5550001 },
  andi: { name: 'Andi Pratama', email: 'andi.pratama@pontianak.go.id', nip: '198503122010011002', telegram: 5550002 },
} as const;

/** The addressees of an incident report (Pasal 24(1)), made up for the demo. */
const ADDRESSEES = [
  { tag: 'walikota', email: 'walikota@pontianak.go.id', name: 'Wali Kota Pontianak' },
  { tag: 'gubernur', email: 'gubernur@kalbarprov.go.id', name: 'Gubernur Kalimantan Barat' },
  { tag: 'bssn', email: 'kepala@bssn.go.id', name: 'Kepala BSSN' },
  { tag: 'bsre', email: 'kepala@bsre.id', name: 'Kepala BSrE' },
] as const;

export interface OutgoingMail {
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly attachments?: readonly { filename: string; content: Buffer }[];
  readonly inReplyTo?: string;
}

/**
 * Everything the demo runs on, all local: a fresh data folder with the sandbox CA, the Bot API emulator
 * and an SMTP receiver on loopback, the real bot (long polling against the emulator) and the mail
 * channel's ingest pipeline fed with composed messages (as `ra-desk mail ingest` feeds saved ones).
 */
export class Stage {
  private constructor(
    readonly app: App, readonly tg: BotApiEmulator, readonly smtp: SmtpReceiver, readonly mail: MailDesk,
    readonly bot: Bot<BotContext>, private readonly runner: RunnerHandle, readonly transcript: Transcript, readonly t: Templates,
  ) {}

  static async open(dataDir: string, t: Templates, out: (line: string) => void): Promise<Stage> {
    const tg = await startBotApiEmulator();
    const smtp = await startSmtpReceiver();
    const config = createConfig({
      RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_CA: 'sandbox', RA_ALLOW_SANDBOX: '1',
      RA_TELEGRAM_TOKEN: tg.token, RA_TELEGRAM_API_ROOT: tg.apiRoot, RA_SMTP_URL: `${smtp.url}?ignoreTLS=true`,
      RA_MAIL_AUTHSERV_ID: AUTHSERV, RA_HTTP_PORT: '0',
      RA_INCIDENT_RECIPIENTS: ADDRESSEES.map((a) => `${a.tag}:${a.email}`).join(','),
    });
    await initSandboxCa(dataDir);
    const app = await openApp(config);
    const rows = parse(readFileSync(join(here, 'roster.csv')), { columns: true, skip_empty_lines: true }) as RawRosterRow[];
    const report = await importRoster(app.ports, rows.map((row, i) => ({ line: i + 2, row })));
    if (report.errors.length > 0) throw new Error('demo roster refused');
    for (const [who, ref] of [[CAST.rahmat, '800/12/DISKOMINFO/2026'], [CAST.andi, '800/13/DISKOMINFO/2026']] as const) {
      const r = await addOfficer(app.ports, { telegramId: String(who.telegram), nip: who.nip, role: 'officer', appointmentRef: ref });
      if (!r.ok) throw new Error(`demo officer refused: ${r.code}`);
    }
    const people = [CAST.siti, CAST.rahmat, CAST.andi];
    const transcript = new Transcript(t, {
      byChat: new Map(people.map((p) => [p.telegram, p.name])),
      byEmail: new Map([...people.map((p) => [p.email, p.name] as const), ...ADDRESSEES.map((a) => [a.email, a.name] as const), [RA_ADDRESS, 'OP']]),
    }, out, tg);
    const { bot } = createBotFor(app.ds, app.ports, app.keys, { token: tg.token, apiRoot: tg.apiRoot, ca: await app.ca() });
    const runner = startPolling(bot);
    return new Stage(app, tg, smtp, await mailDeskOf(app), bot, runner, transcript, t);
  }

  /** An applicant's mail arrives in the RA mailbox, stamped by the receiving server, and is processed. */
  async receive(m: OutgoingMail): Promise<IngestResult & { messageId: string }> {
    const messageId = `<demo-${randomBytes(6).toString('hex')}@pontianak.go.id>`;
    const raw = await new MailComposer({
      from: m.from, to: RA_ADDRESS, subject: m.subject, text: m.text, messageId,
      ...(m.inReplyTo ? { inReplyTo: m.inReplyTo, references: [m.inReplyTo] } : {}),
      attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content })),
      disableFileAccess: true, disableUrlAccess: true,
    }).compile().build();
    const domain = m.from.split('@')[1] ?? '';
    const stamped = Buffer.concat([
      Buffer.from(`Authentication-Results: ${AUTHSERV}; dmarc=pass header.from=${domain}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}\r\n`),
      raw,
    ]);
    this.transcript.mailIn(m.from, m.subject, (m.attachments ?? []).map((a) => a.filename), m.text);
    const r = await ingestMessage(this.mail.ingest, stamped, { kind: 'file' }, this.app.ports.clock.now());
    await this.mail.ingest.afterCommit();
    return { ...r, messageId };
  }

  /** Sends what both outboxes hold and prints the mails that reached the receiver. */
  async deliver(): Promise<void> {
    await drainOutboxOf(this.app, this.t);
    await drainTelegramOutbox(this.app.ds, this.bot.api, this.t, () => this.app.ports.clock.now());
    // The bot's own Telegram calls are printed as they happen; mails once delivered.
    this.transcript.mailOut(this.smtp.messages);
  }

  /** The latest mail the receiver holds for `to` whose subject matches. */
  lastMail(to: string, subject: RegExp) {
    const found = [...this.smtp.messages].reverse().find((m) => m.envelope.to.includes(to) && subject.test(m.parsed.subject ?? ''));
    if (!found) throw new Error(`demo: no mail to ${to} matching ${String(subject)}`);
    return found;
  }

  async close(): Promise<void> {
    await stopPolling(this.runner);
    await this.tg.close();
    await this.smtp.stop();
    await this.app.close();
  }
}
