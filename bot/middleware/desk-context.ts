import type { MiddlewareFn } from 'grammy';
import type { BotContext, ChatStep } from '../context.ts';
import type { BotDeps } from '../bot-deps.ts';
import { BotSessionSchema, BotUpdateSchema } from '../../storage/entities/schemas.ts';
import { ANONYMOUS_TELEGRAM_IDS } from '../../domain/people/officer.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';

/**
 * Runs first for every update: drops an update id already handled (Telegram redelivers after a crash or
 * a lost confirmation) and tells the sender when the desk died in the middle of theirs, loads who the
 * sender is — by numeric id only, never a username — and the chat's conversation state, and saves that
 * state after the features ran, in the same write that marks the update finished.
 */
export function deskContext(deps: BotDeps): MiddlewareFn<BotContext> {
  /** Updates this process is handling right now: a duplicate delivery of one of them is simply dropped. */
  const inFlight = new Set<string>();
  return async (ctx, next) => {
    const updateId = String(ctx.update.update_id);
    if (inFlight.has(updateId)) return;
    const repo = () => deps.ds.getRepository(BotUpdateSchema);
    try {
      // The primary key is the claim, taken before any work: an update is never worked on twice. It is
      // marked finished afterwards; a claim still unfinished when the update comes again means the
      // process died in the middle of it (Telegram redelivers what was not confirmed).
      // Every write goes through a write transaction: on SQLite the connection is shared with other handlers.
      await inWriteTransaction(deps.ds, (qr) => qr.manager.getRepository(BotUpdateSchema)
        .insert({ updateId, handledAt: STARTED, chatId: ctx.chat ? String(ctx.chat.id) : null }));
    } catch {
      const row = await repo().findOneBy({ updateId }).catch(() => null);
      if (row?.handledAt !== STARTED) return;
      // Interrupted by a crash: its work may be half done, so it is not run again (no second request);
      // the sender is told, once, to send it again instead of waiting for an answer that never comes.
      const marked = await inWriteTransaction(deps.ds, (qr) => qr.manager.getRepository(BotUpdateSchema)
        .update({ updateId, handledAt: STARTED }, { handledAt: deps.ports.clock.now().toISOString() }));
      if ((marked.affected ?? 0) === 1 && ctx.chat) await ctx.api.sendMessage(ctx.chat.id, deps.t.message('BOT.INTERRUPTED')).catch(() => undefined);
      return;
    }
    inFlight.add(updateId);
    let session: { chatId: string; state: string } | null = null;
    try {
      session = await handle(ctx, next);
    } finally {
      inFlight.delete(updateId);
      // One write for both: the chat's new state and the update marked finished.
      const at = deps.ports.clock.now().toISOString();
      await inWriteTransaction(deps.ds, async (qr) => {
        if (session) await qr.manager.getRepository(BotSessionSchema).upsert({ chatId: session.chatId, state: session.state, updatedAt: at }, ['chatId']);
        await qr.manager.getRepository(BotUpdateSchema).update({ updateId }, { handledAt: at });
      });
    }
  };

  /** Runs the features; returns the chat's conversation state to save when it changed. */
  async function handle(ctx: Parameters<MiddlewareFn<BotContext>>[0], next: () => Promise<void>): Promise<{ chatId: string; state: string } | null> {
    Object.assign(ctx, { desk: deps, binding: null, officer: null, conversation: { step: 'idle' } as ChatStep });
    ctx.say = (code, params) => deps.t.message(code, params);
    const fromId = ctx.from?.id === undefined ? null : String(ctx.from.id);
    if (fromId && !ANONYMOUS_TELEGRAM_IDS.includes(fromId) && !ctx.from?.is_bot) {
      ctx.binding = await deps.ports.telegramBindings.findByTelegramId(fromId);
      const officer = await deps.ports.officers.findByTelegramId(fromId);
      ctx.officer = officer?.active ? officer : null;
    }
    const chatId = ctx.chat?.id === undefined ? null : String(ctx.chat.id);
    const sessions = deps.ds.getRepository(BotSessionSchema);
    if (chatId) {
      const row = await sessions.findOneBy({ chatId });
      if (row) ctx.conversation = JSON.parse(row.state) as ChatStep;
    }
    const before = JSON.stringify(ctx.conversation);
    await next();
    const after = JSON.stringify(ctx.conversation);
    // One INSERT … ON CONFLICT when it changed: typeorm's save() would SELECT the row first.
    return chatId && after !== before ? { chatId, state: after } : null;
  }
}

/** `handled_at` of a claimed update whose work has not finished. */
export const STARTED = 'started';
