import type { BotApiEmulator, UserHandle } from '../devtools/bot-api-emulator.ts';
import type { Step, StepEnv } from './bot-workload.ts';
import type { SimUser } from './bot-population.ts';

/**
 * Telegram's side of `npm run bench -- bot`, inside its thread: the simulated users, who send an update
 * through the emulator and wait until the bot has handled it (the bot's probe reports each end).
 */

/** How long one update may take before the run is declared stuck (a broken bot, not a slow one). */
const STUCK_MS = 60_000;

/** Ends of handling reported by the bot's thread, matched to the users waiting for them. */
export interface HandledNotices {
  /** Resolves with the handler latency in ms once the bot reports the update handled. */
  wait(updateId: number): Promise<number>;
  report(updateId: number, ms: number): void;
}

export function handledNotices(): HandledNotices {
  const waiting = new Map<number, (ms: number) => void>();
  const early = new Map<number, number>();
  return {
    wait(updateId) {
      const ms = early.get(updateId);
      if (ms !== undefined) {
        early.delete(updateId);
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
    report(updateId, ms) {
      const done = waiting.get(updateId);
      if (done) {
        waiting.delete(updateId);
        done(ms);
      } else {
        early.set(updateId, ms);
      }
    },
  };
}

export interface PassOptions {
  /** Pause after each answer before the next update ("think time"); 0 drives the bot flat out. */
  readonly thinkMs: number;
  /** Users start spread evenly over this many ms (with think time: over one think time). */
  readonly rampMs: number;
}

/** What Telegram's side saw of a pass; the latencies themselves are the bot's probe's. */
export interface DrivenPass {
  readonly updates: number;
  readonly seconds: number;
  /** Handler latencies in ms by `mix label` of the step, e.g. `bound ticket text`, sorted. */
  readonly byStep: [string, number[]][];
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
export async function runPass(tg: BotApiEmulator, handled: HandledNotices, users: readonly SimUser[], env: StepEnv, o: PassOptions): Promise<DrivenPass> {
  let updates = 0;
  const byStep = new Map<string, number[]>();
  const started = performance.now();
  await Promise.all(users.map(async (u, i) => {
    const user = tg.user(u.telegramId, { first_name: u.firstName, language_code: 'id' });
    if (o.rampMs > 0) await sleep((o.rampMs * i) / users.length);
    for (const [k, step] of u.steps.entries()) {
      if (k > 0 && o.thinkMs > 0) await sleep(o.thinkMs);
      const id = await send(user, step, env);
      updates++;
      const ms = await handled.wait(id);
      const key = `${u.mix} ${step.label}`;
      const same = byStep.get(key);
      if (same) same.push(ms);
      else byStep.set(key, [ms]);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { updates, seconds, byStep: [...byStep].map(([k, v]) => [k, v.sort((a, b) => a - b)]) };
}
