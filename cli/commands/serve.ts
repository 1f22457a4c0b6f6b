import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { mailDeskOf, drainOutboxOf } from '../mail-app.ts';
import { startMailWatcher } from '../../mail/imap/watcher.ts';

/**
 * `ra-desk serve`: the long-running desk. Today: the mailbox watcher (IDLE + poll) and the e-mail outbox
 * sender. The Telegram bot, the scheduler and /healthz join with their issues. SIGTERM/SIGINT let the
 * pass in flight finish, then close cleanly.
 */
export async function runServe(ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(ctx.args, {});
  if (positionals.length > 0) throw new UsageError('SERVE.USAGE');
  const config = await ctx.config();
  if (!config.mail.imapUrl) throw new UsageError('MAIL.NO_IMAP');
  const app = await openApp(config);
  const desk = mailDeskOf(app);
  const { io } = ctx;
  let stopping = false;
  const watcher = startMailWatcher({
    target: desk.target!, ingest: desk.ingest, sync: desk.sync!, pollMs: config.mail.pollSeconds * 1000,
    onSync: (r) => { if (r.handled + r.moved > 0) io.out(io.t.message('MAIL.SYNC_DONE', { ...r })); },
    onError: (e) => io.err(io.t.message('SERVE.MAIL_ERROR', { reason: (e as { code?: string }).code ?? (e as Error).name ?? 'error' })),
  });
  let sending = Promise.resolve();
  const sender = setInterval(() => {
    sending = sending.then(async () => { if (!stopping) await drainOutboxOf(app); }).catch((e: unknown) => io.err(io.t.message('SERVE.OUTBOX_ERROR', { reason: (e as Error).name })));
  }, 5_000);
  io.out(io.t.message('SERVE.STARTED', { host: desk.target!.host, mailbox: desk.target!.mailbox }));
  await new Promise<void>((resolve) => {
    const stop = () => { if (!stopping) { stopping = true; resolve(); } };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  io.out(io.t.message('SERVE.STOPPING'));
  clearInterval(sender);
  await watcher.stop();
  await sending;
  await app.close();
  io.out(io.t.message('SERVE.STOPPED'));
  return EXIT.ok;
}
