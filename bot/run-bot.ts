import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { BotContext } from './context.ts';

/**
 * Long polling with @grammyjs/runner: updates of different chats run concurrently, one chat's in order
 * (the bot installs `sequentialize`). `stop()` lets handlers in flight finish, then confirms the offset.
 */
export function startPolling(bot: Bot<BotContext>): RunnerHandle {
  return run(bot, { runner: { fetch: { timeout: 30 }, silent: true } });
}
