import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { mailDeskOf, drainOutboxOf } from '../mail-app.ts';
import { startMailWatcher, type Watcher } from '../../mail/imap/watcher.ts';
import { createBotFor } from '../../bot/bot-app.ts';
import { startPolling, stopPolling } from '../../bot/run-bot.ts';
import { startWebhookServer } from '../../bot/run-webhook.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { recoverInterruptedUpdates } from '../../bot/recover-interrupted.ts';
import { scheduleReminders } from './reminders.ts';
import { scheduleOversight } from './oversight.ts';
import { createLogger } from '../service/logger.ts';
import { reasonOf } from '../service/schedule.ts';
import { createServiceMetrics } from '../service/metrics.ts';
import { startServiceHttp, type ServiceHttp } from '../service/http.ts';

/**
 * `ra-desk serve`: the long-running desk — the mailbox watcher (IDLE + poll), the Telegram bot (long
 * polling or webhook), the outbox senders and the reminder scheduler, each started when configured, with
 * `/healthz` and `/metrics` on RA_HTTP_PORT. It logs JSON lines (pino) with personal data and secrets
 * scrubbed. SIGTERM/SIGINT let the work in flight finish (a mail pass, bot handlers), then close cleanly.
 */
export async function runServe(ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(ctx.args, {});
  if (positionals.length > 0) throw new UsageError('SERVE.USAGE');
  const config = await ctx.config();
  if (!config.mail.imapUrl && !config.telegram.token) throw new UsageError('SERVE.NOTHING_TO_RUN');
  // The sandbox CA issues certificates with no legal force: a production desk must not run it by accident.
  if (config.ca === 'sandbox' && !config.allowSandbox) throw new UsageError('SERVE.SANDBOX_REFUSED');
  const app = await openApp(config);
  // A broken RA_CA_ROOTS stops the service at start, not at an officer's first import.
  const verifier = (() => { try { return app.verifier(); } catch (e) { void app.close(); throw e; } })();
  const { io } = ctx;
  const log = createLogger(config.logLevel);
  const metrics = createServiceMetrics(app.ds);
  // Each event is one JSON line; `msg` is the Indonesian sentence an operator reads.
  const info = (event: string, code: string, params: Record<string, string | number> = {}) => log.info({ event, ...params }, io.t.message(code, params));
  const fail = (component: 'mail' | 'bot' | 'outbox' | 'reminders', code: string, params: Record<string, string | number>) => {
    metrics.error(component);
    log.error({ event: `${component}.error`, ...params }, io.t.message(code, params));
  };
  let stopping = false;
  // Listening from the first moment: a SIGTERM during start-up waits for it to finish, then stops cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = () => { if (!stopping) { stopping = true; resolve(); } };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const health = { mailOk: true, lastMailSync: '' };

  let watcher: Watcher | null = null;
  if (config.mail.imapUrl) {
    const desk = await mailDeskOf(app);
    watcher = startMailWatcher({
      target: desk.target!, ingest: desk.ingest, sync: desk.sync!, pollMs: config.mail.pollSeconds * 1000,
      onSync: (r) => {
        health.mailOk = true;
        health.lastMailSync = app.ports.clock.now().toISOString();
        metrics.mailHandled('handled', r.handled);
        metrics.mailHandled('quarantined', r.quarantined);
        metrics.mailHandled('moved', r.moved);
        if (r.handled + r.moved > 0) info('mail.sync', 'MAIL.SYNC_DONE', { ...r });
      },
      onError: (e) => { health.mailOk = false; fail('mail', 'SERVE.MAIL_ERROR', { reason: reasonOf(e) }); },
    });
    info('mail.start', 'SERVE.STARTED', { host: desk.target!.host, mailbox: desk.target!.mailbox });
  }
  const bot = config.telegram.token
    ? createBotFor(app.ds, app.ports, app.keys, {
      token: config.telegram.token, apiRoot: config.telegram.apiRoot,
      onError: (e) => fail('bot', 'SERVE.BOT_ERROR', { reason: e.name, update: e.updateId }),
      ca: await app.ca(), verifier,
    }).bot
    : null;
  // Updates a killed run left half done are answered first: send again (bot/recover-interrupted.ts).
  if (bot) await recoverInterruptedUpdates(app.ds, bot.api, io.t, () => app.ports.clock.now());
  const webhook = config.telegram.webhook;
  const hook = bot && webhook
    ? await startWebhookServer(bot, { host: '127.0.0.1', port: webhook.port, secretToken: webhook.secret, path: new URL(webhook.url).pathname })
    : null;
  if (bot && webhook) await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret });
  const runner = bot && !webhook ? startPolling(bot) : null;
  if (bot) info('bot.start', webhook ? 'SERVE.BOT_WEBHOOK' : 'SERVE.BOT_STARTED', { port: webhook?.port ?? 0 });

  // Expiry reminders (Pasal 17(2)) run inside the service too; `reminders run` stays available for cron.
  const reminders = scheduleReminders(app, {
    t: io.t, interactive: false,
    out: (line) => { metrics.reminderRun(); log.info({ event: 'reminders.run' }, line); },
    err: (line) => { metrics.error('reminders'); log.error({ event: 'reminders.error' }, line); },
  });
  // Incident re-alerts and PDP deadlines (Pasal 24), help-ticket SLA (Pasal 22): hourly; `oversight run` for cron.
  const oversight = scheduleOversight(app, {
    t: io.t, interactive: false,
    out: (line) => log.info({ event: 'oversight.run' }, line),
    err: (line) => log.error({ event: 'oversight.error' }, line),
  });
  let http: ServiceHttp | null = null;
  if (config.http) {
    http = await startServiceHttp({
      host: config.http.host, port: config.http.port, metrics: () => metrics.render(),
      health: async () => {
        const db = await app.ds.query('SELECT 1').then(() => 'ok', () => 'unreachable');
        const checks: Record<string, string> = { database: db };
        if (config.mail.imapUrl) checks['mail'] = health.mailOk ? 'ok' : 'error';
        if (bot) checks['bot'] = webhook || runner?.isRunning() ? 'ok' : 'stopped';
        return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
      },
    });
    info('http.start', 'SERVE.HTTP_STARTED', { host: config.http.host, port: http.port });
  }
  const { t } = io;
  let sending = Promise.resolve();
  const sender = setInterval(() => {
    sending = sending.then(async () => {
      if (stopping) return;
      await drainOutboxOf(app, t);
      if (bot) await drainTelegramOutbox(app.ds, bot.api, t, () => app.ports.clock.now(), app.ports);
    }).catch((e: unknown) => fail('outbox', 'SERVE.OUTBOX_ERROR', { reason: reasonOf(e) }));
  }, 5_000);

  await stopRequested;
  info('serve.stopping', 'SERVE.STOPPING');
  clearInterval(sender);
  await Promise.all([watcher?.stop(), runner ? stopPolling(runner) : undefined, hook?.close(), reminders.stop(), oversight.stop()]);
  await sending;
  await http?.close();
  await app.close();
  info('serve.stopped', 'SERVE.STOPPED');
  return EXIT.ok;
}
