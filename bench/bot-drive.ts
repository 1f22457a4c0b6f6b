import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotApiEmulator, UserHandle } from '../test/support/bot-api-emulator.ts';
import type { Step, StepEnv } from './bot-workload.ts';

/**
 * The measuring side of `npm run bench -- bot`: a probe around `bot.handleUpdate` and the simulated
 * users who wait for it.
 *
 * @grammyjs/runner hands every fetched update to `bot.handleUpdate` (its sink's `consume`); the probe
 * replaces that method on the instance, so it sits outside all middleware, `sequentialize` included,
 * and times exactly the same span for ra-desk and for the bare bot: from the update handed to the bot
 * to the end of its handling — which awaits every Bot API call the handler made, so when it resolves
 * the emulator has recorded and answered the update's replies.
 */

/** How long one update may take before the run is declared stuck (a broken bot, not a slow one). */
const STUCK_MS = 60_000;

export interface Probe {
  /** Handler latencies in ms, in completion order, since the last `reset()`. */
  readonly latencies: number[];
  /** Updates whose handling threw (the runner would only log them). */
  readonly failures: number;
  /** Resolves with its latency in ms when the update with this id has been handled (or has failed). */
  handled(updateId: number): Promise<number>;
  reset(): void;
}

export function probe<C extends Context>(bot: Bot<C>): Probe {
  const waiting = new Map<number, (ms: number) => void>();
  const finished = new Map<number, number>();
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
      const done = waiting.get(update.update_id);
      if (done) {
        waiting.delete(update.update_id);
        done(ms);
      } else {
        finished.set(update.update_id, ms);
      }
    }
  };
  return {
    get latencies() { return state.latencies; },
    get failures() { return state.failures; },
    handled(updateId) {
      const ms = finished.get(updateId);
      if (ms !== undefined) {
        finished.delete(updateId);
        return Promise.resolve(ms);
      }
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(updateId);
          reject(new Error(`update ${updateId} was not handled within ${STUCK_MS} ms`));
        }, STUCK_MS);
        waiting.set(updateId, (ms) => { clearTimeout(timer); resolve(ms); });
      });
    },
    reset() {
      state.latencies = [];
      state.failures = 0;
    },
  };
}

/** One simulated user: a Telegram account and its ten steps. */
export interface SimUser {
  readonly telegramId: number;
  readonly firstName: string;
  /** Prefix of its steps' labels in the per-step figures, e.g. `bound`. */
  readonly mix: string;
  readonly steps: readonly Step[];
}

export interface PassOptions {
  /** Pause after each answer before the next update ("think time"); 0 drives the bot flat out. */
  readonly thinkMs: number;
  /** Users start spread evenly over this many ms (with think time: over one think time). */
  readonly rampMs: number;
}

export interface PassResult {
  readonly updates: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Handler latencies in ms, sorted. */
  readonly latencies: readonly number[];
  /**
   * CPU time of the whole process (bot, emulator and users alike) per update, user + system, in ms:
   * steadier than wall time on a shared machine, and the emulator's and users' share is the same for both bots.
   */
  readonly cpuMsPerUpdate: number;
  readonly failures: number;
  /** Handler latencies in ms by `mix label` of the step, e.g. `bound ticket text`, sorted. */
  readonly byStep: ReadonlyMap<string, readonly number[]>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest bot message in the chat that offers `data`: the button a person would press. */
function messageWithButton(user: UserHandle, data: string): number {
  const offered = user.history().reverse().find((m) =>
    (m.reply_markup?.inline_keyboard ?? []).some((row) => row.some((b) => 'callback_data' in b && b.callback_data === data)));
  if (!offered) throw new Error(`user ${user.id} has no message with the button ${data} to press`);
  return offered.message_id;
}

async function send(user: UserHandle, step: Step, env: StepEnv): Promise<number> {
  switch (step.kind) {
    case 'command': return user.sendCommand(step.command).update_id;
    case 'text': return user.sendText(await step.text(env)).update_id;
    case 'press': return user.pressButton(messageWithButton(user, step.data), step.data).update_id;
  }
}

/**
 * Every user sends its steps one after the other, each once the previous one was handled (a person
 * reads the answer before pressing its button), all users at once. Updates/s is the updates sent divided
 * by the time from the first update queued to the last one handled.
 */
export async function runPass(tg: BotApiEmulator, p: Probe, users: readonly SimUser[], env: StepEnv, o: PassOptions): Promise<PassResult> {
  p.reset();
  let updates = 0;
  const byStep = new Map<string, number[]>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(users.map(async (u, i) => {
    const user = tg.user(u.telegramId, { first_name: u.firstName, language_code: 'id' });
    if (o.rampMs > 0) await sleep((o.rampMs * i) / users.length);
    for (const [k, step] of u.steps.entries()) {
      if (k > 0 && o.thinkMs > 0) await sleep(o.thinkMs);
      const id = await send(user, step, env);
      updates++;
      const ms = await p.handled(id);
      const key = `${u.mix} ${step.label}`;
      const same = byStep.get(key);
      if (same) same.push(ms);
      else byStep.set(key, [ms]);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    updates, seconds, perSecond: updates / seconds, latencies: [...p.latencies].sort((a, b) => a - b), failures: p.failures,
    cpuMsPerUpdate: (used.user + used.system) / 1000 / updates,
    byStep: new Map([...byStep].map(([k, v]) => [k, v.sort((a, b) => a - b)])),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
