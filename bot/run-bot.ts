import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot, Context } from 'grammy';

/**
 * Long polling with @grammyjs/runner: updates of different chats run concurrently, one chat's in order
 * (the bot installs `sequentialize`). Stop it with {@link stopPolling}, which also waits for the work in
 * flight. Generic over the context so the bot benchmark polls its bare baseline bot with the very same settings.
 */
export function startPolling<C extends Context>(bot: Bot<C>): RunnerHandle {
  return run(bot, { runner: { fetch: { timeout: 30 }, silent: true } });
}

/**
 * Stops fetching, then waits until the updates already taken are handled (at most `timeoutMs`).
 * The runner's own `stop()` resolves once the fetch loop ends, while the concurrent sink may still be
 * running handlers; closing the database under them would leave their work half done.
 */
export async function stopPolling(runner: RunnerHandle, timeoutMs = 25_000): Promise<void> {
  if (runner.isRunning()) await runner.stop();
  const until = Date.now() + timeoutMs;
  while (runner.size() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
