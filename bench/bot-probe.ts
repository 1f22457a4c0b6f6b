import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';

/**
 * The bot's side of `npm run bench -- bot`: a probe around `bot.handleUpdate`.
 *
 * @grammyjs/runner hands every fetched update to `bot.handleUpdate` (its sink's `consume`); the probe
 * replaces that method on the instance, so it sits outside all middleware, `sequentialize` included,
 * and times exactly the same span for ra-desk and for the bare bot: from the update handed to the bot
 * to the end of its handling — which awaits every Bot API call the handler made, so when it resolves
 * the emulator has recorded and answered the update's replies. Each end is reported to `handled`
 * (Telegram's side, in its own thread, waits for it before the user sends the next update).
 */
export interface Probe {
  /** Handler latencies in ms, in completion order, since the last `reset()`. */
  readonly latencies: number[];
  /** Updates whose handling threw (the runner would only log them). */
  readonly failures: number;
  reset(): void;
}

export function probe<C extends Context>(bot: Bot<C>, handled: (updateId: number, ms: number) => void): Probe {
  const state = { latencies: [] as number[], failures: 0 };
  const original = bot.handleUpdate.bind(bot);
  bot.handleUpdate = async (update: Update, ...rest) => {
    const started = performance.now();
    try {
      return await original(update, ...rest);
    } catch (e) {
      state.failures++;
      throw e;
    } finally {
      const ms = performance.now() - started;
      state.latencies.push(ms);
      handled(update.update_id, ms);
    }
  };
  return {
    get latencies() { return state.latencies; },
    get failures() { return state.failures; },
    reset() {
      state.latencies = [];
      state.failures = 0;
    },
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
