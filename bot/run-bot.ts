import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot, Context } from 'grammy';

/**
 * Long polling with @grammyjs/runner: updates of different chats run concurrently, one chat's in order
 * (the bot installs `sequentialize`). `stop()` lets handlers in flight finish, then confirms the offset.
 * Generic over the context so the bot benchmark polls its bare baseline bot with the very same settings.
 */
export function startPolling<C extends Context>(bot: Bot<C>): RunnerHandle {
  return run(bot, { runner: { fetch: { timeout: 30 }, silent: true } });
}
