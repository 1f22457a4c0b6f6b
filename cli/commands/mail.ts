import { readFile, stat } from 'node:fs/promises';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp, type App } from '../app.ts';
import { mailDeskOf, drainOutboxOf } from '../mail-app.ts';
import { ingestMessage } from '../../mail/inbound/ingest.ts';
import { createImapClient } from '../../mail/imap/imap-client.ts';
import { syncMailbox } from '../../mail/imap/sync-mailbox.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';

/** `ra-desk mail sync --once` and `ra-desk mail ingest FILE.eml…` */
export async function runMail(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action === 'sync') return runSync(ctx, rest);
  if (action === 'ingest') return runIngest(ctx, rest);
  throw new UsageError('MAIL.USAGE');
}

async function reportOutbox(ctx: CommandContext, app: App): Promise<void> {
  const drained = await drainOutboxOf(app);
  if (drained) ctx.io.out(ctx.io.t.message('MAIL.OUTBOX_DRAINED', { ...drained }));
  else ctx.io.out(ctx.io.t.message('MAIL.OUTBOX_WAITING', { count: await app.ds.getRepository(OutboxSchema).countBy({ channel: 'email', status: 'pending' }) }));
}

async function runSync(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { once: { type: 'boolean' } });
  if (!values.once || positionals.length > 0) throw new UsageError('MAIL.USAGE');
  const config = await ctx.config();
  if (!config.mail.imapUrl) throw new UsageError('MAIL.NO_IMAP');
  const app = await openApp(config);
  try {
    const desk = await mailDeskOf(app);
    const client = createImapClient(desk.target!);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      ctx.io.err(`ra-desk: ${ctx.io.t.message('MAIL.IMAP_UNREACHABLE', { host: desk.target!.host, port: desk.target!.port, reason: (e as { code?: string }).code ?? (e as Error).name })}`);
      return EXIT.failure;
    }
    try {
      const r = await syncMailbox(client, desk.ingest, desk.sync!);
      ctx.io.out(ctx.io.t.message('MAIL.SYNC_DONE', { ...r }));
    } finally {
      await client.logout().catch(() => client.close());
    }
    await reportOutbox(ctx, app);
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

async function runIngest(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const { positionals } = parseFlags(args, {});
  if (positionals.length === 0) throw new UsageError('MAIL.USAGE');
  for (const file of positionals) {
    const s = await stat(file).catch(() => null);
    if (!s?.isFile()) throw new UsageError('CLI.FILE_NOT_FOUND', { path: file });
  }
  const app = await openApp(await ctx.config());
  try {
    const desk = await mailDeskOf(app);
    for (const file of positionals) {
      const r = await ingestMessage(desk.ingest, await readFile(file), { kind: 'file' }, app.ports.clock.now());
      ctx.io.out(ctx.io.t.message('MAIL.INGESTED', { file, outcome: r.outcome, caseId: r.caseId ?? '-', reason: r.reason, duplicate: r.duplicate ? ' (sudah pernah diproses)' : '' }));
    }
    await desk.ingest.afterCommit();
    await reportOutbox(ctx, app);
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
