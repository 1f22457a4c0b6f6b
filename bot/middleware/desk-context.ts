import type { MiddlewareFn } from 'grammy';
import type { BotContext, ChatStep } from '../context.ts';
import type { BotDeps } from '../bot-deps.ts';
import { createBotLedger, type ChatState } from '../../storage/bot-ledger.ts';
import { ANONYMOUS_TELEGRAM_IDS } from '../../domain/people/officer.ts';

/**
 * Runs first for every update: drops an update id already handled (Telegram redelivers after a crash or
 * a lost confirmation) and tells the sender when the desk died in the middle of theirs, loads who the
 * sender is — by numeric id only, never a username — and the chat's conversation state, and saves that
 * state after the features ran, in the same write that marks the update finished.
 */
export function deskContext(deps: BotDeps): MiddlewareFn<BotContext> {
  /** Updates this process is handling right now: a duplicate delivery of one of them is simply dropped. */
  const inFlight = new Set<string>();
  const ledger = createBotLedger(deps.ds, () => deps.ports.clock.now());
  return async (ctx, next) => {
    const updateId = String(ctx.update.update_id);
    if (inFlight.has(updateId)) return;
    inFlight.add(updateId);
    try {
      // The claim is taken before any work: an update is never worked on twice. It is marked finished
      // afterwards; a claim still unfinished when the update comes again means the process died in the
      // middle of it (Telegram redelivers what was not confirmed): its work may be half done, so it is
      // not run again, and the sender is told, once, to send it again.
      const claim = await ledger.claim(updateId, ctx.chat ? String(ctx.chat.id) : null);
      if (claim.outcome === 'interrupted' && ctx.chat) await ctx.api.sendMessage(ctx.chat.id, deps.t.message('BOT.INTERRUPTED')).catch(() => undefined);
      if (claim.outcome !== 'fresh') return;
      let session: ChatState | null = null;
      try {
        session = await handle(ctx, next, claim.session);
      } finally {
        // One write for both: the chat's new state and the update marked finished.
        await ledger.finish(updateId, deps.ports.clock.now().toISOString(), session);
      }
    } finally {
      inFlight.delete(updateId);
    }
  };

  /** Runs the features; returns the chat's conversation state to save when it changed. */
  async function handle(ctx: Parameters<MiddlewareFn<BotContext>>[0], next: () => Promise<void>, saved: string | null): Promise<ChatState | null> {
    Object.assign(ctx, { desk: deps, binding: null, officer: null, conversation: { step: 'idle' } as ChatStep });
    ctx.say = (code, params) => deps.t.message(code, params);
    const fromId = ctx.from?.id === undefined ? null : String(ctx.from.id);
    if (fromId && !ANONYMOUS_TELEGRAM_IDS.includes(fromId) && !ctx.from?.is_bot) {
      ctx.binding = await deps.ports.telegramBindings.findByTelegramId(fromId);
      const officer = await deps.ports.officers.findByTelegramId(fromId);
      ctx.officer = officer?.active ? officer : null;
    }
    const chatId = ctx.chat?.id === undefined ? null : String(ctx.chat.id);
    if (chatId && saved !== null) ctx.conversation = JSON.parse(saved) as ChatStep;
    const answers: Promise<unknown>[] = [];
    ctx.acknowledge = () => {
      if (ctx.callbackQuery) answers.push(ctx.answerCallbackQuery().catch(() => undefined));
    };
    const before = JSON.stringify(ctx.conversation);
    try {
      await next();
    } finally {
      await Promise.all(answers);
    }
    const after = JSON.stringify(ctx.conversation);
    // One INSERT … ON CONFLICT when it changed: typeorm's save() would SELECT the row first.
    return chatId && after !== before ? { chatId, state: after } : null;
  }
}

