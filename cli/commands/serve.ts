import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { mailDeskOf, drainOutboxOf } from '../mail-app.ts';
import { startMailWatcher, type Watcher } from '../../mail/imap/watcher.ts';
import { createBotFor } from '../../bot/bot-app.ts';
import { startPolling } from '../../bot/run-bot.ts';
import { startWebhookServer } from '../../bot/run-webhook.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { scheduleReminders } from './reminders.ts';
import { scheduleOversight } from './oversight.ts';

/**
 * `ra-desk serve`: the long-running desk — the mailbox watcher (IDLE + poll), the Telegram bot (long
 * polling) and the outbox senders, each started when configured. SIGTERM/SIGINT let the work in flight
 * finish (a mail pass, bot handlers), then close cleanly.
 */
export async function runServe(ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(ctx.args, {});
  if (positionals.length > 0) throw new UsageError('SERVE.USAGE');
  const config = await ctx.config();
  if (!config.mail.imapUrl && !config.telegram.token) throw new UsageError('SERVE.NOTHING_TO_RUN');
  // The sandbox CA issues certificates with no legal force: a production desk must not run it by accident.
  if (config.ca === 'sandbox' && !config.allowSandbox) throw new UsageError('SERVE.SANDBOX_REFUSED');
  const app = await openApp(config);
  const { io } = ctx;
  let stopping = false;
  const errorName = (e: unknown) => (e as { code?: string }).code ?? (e as Error).name ?? 'error';

  let watcher: Watcher | null = null;
  if (config.mail.imapUrl) {
    const desk = await mailDeskOf(app);
    watcher = startMailWatcher({
      target: desk.target!, ingest: desk.ingest, sync: desk.sync!, pollMs: config.mail.pollSeconds * 1000,
      onSync: (r) => { if (r.handled + r.moved > 0) io.out(io.t.message('MAIL.SYNC_DONE', { ...r })); },
      onError: (e) => io.err(io.t.message('SERVE.MAIL_ERROR', { reason: errorName(e) })),
    });
    io.out(io.t.message('SERVE.STARTED', { host: desk.target!.host, mailbox: desk.target!.mailbox }));
  }
  const bot = config.telegram.token
    ? createBotFor(app.ds, app.ports, app.keys, {
      token: config.telegram.token, apiRoot: config.telegram.apiRoot,
      onError: (e) => io.err(io.t.message('SERVE.BOT_ERROR', { reason: e.name, update: e.updateId })),
      ca: await app.ca(),
    }).bot
    : null;
  const webhook = config.telegram.webhook;
  const hook = bot && webhook
    ? await startWebhookServer(bot, { host: '127.0.0.1', port: webhook.port, secretToken: webhook.secret, path: new URL(webhook.url).pathname })
    : null;
  if (bot && webhook) await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret });
  const runner = bot && !webhook ? startPolling(bot) : null;
  if (bot) io.out(io.t.message(webhook ? 'SERVE.BOT_WEBHOOK' : 'SERVE.BOT_STARTED', { port: webhook?.port ?? 0 }));

  // Expiry reminders (Pasal 17(2)) run inside the service too; `reminders run` stays available for cron.
  const reminders = scheduleReminders(app, io);
  // Incident re-alerts and PDP deadlines (Pasal 24), help-ticket SLA (Pasal 22): hourly; `oversight run` for cron.
  const oversight = scheduleOversight(app, io);
  const t = createTemplates();
  let sending = Promise.resolve();
  const sender = setInterval(() => {
    sending = sending.then(async () => {
      if (stopping) return;
      await drainOutboxOf(app);
      if (bot) await drainTelegramOutbox(app.ds, bot.api, t, () => app.ports.clock.now());
    }).catch((e: unknown) => io.err(io.t.message('SERVE.OUTBOX_ERROR', { reason: errorName(e) })));
  }, 5_000);

  await new Promise<void>((resolve) => {
    const stop = () => { if (!stopping) { stopping = true; resolve(); } };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  io.out(io.t.message('SERVE.STOPPING'));
  clearInterval(sender);
  await Promise.all([watcher?.stop(), runner?.isRunning() ? runner.stop() : undefined, hook?.close(), reminders.stop(), oversight.stop()]);
  await sending;
  await app.close();
  io.out(io.t.message('SERVE.STOPPED'));
  return EXIT.ok;
}
