import { parentPort, workerData } from 'node:worker_threads';
import { startBotApiEmulator } from '../devtools/bot-api-emulator.ts';
import { handledNotices, runPass, type DrivenPass } from './bot-drive.ts';
import { usersOf, type Population } from './bot-population.ts';
import { otpReader, type StepEnv } from './bot-workload.ts';

/**
 * Telegram's side of `npm run bench -- bot`, in a worker thread of its own: the Bot API emulator (real
 * HTTP on 127.0.0.1) and the simulated users. In production Telegram's servers and the people are not in
 * the desk's process; sharing the bot's event loop with them made every figure carry their cost (about
 * 0.25 ms of the loop per update, for the bare bot and ra-desk alike) and the queueing it causes.
 *
 * Messages (bench/bot.ts is the other end):
 * - out `ready` { apiRoot, token } once the emulator listens;
 * - in `handled` [updateId, ms][] from the bot's probe; the waiting user sends its next update;
 * - in `pass` { turn, phase, pop, thinkMs, rampMs, otp } → out `passed` { pass, calls } where `calls`
 *   checks what the emulator saw: sendMessage answers and refused calls;
 * - in `close` → the emulator closes and the thread ends.
 */

export interface PassRequest {
  readonly type: 'pass';
  readonly turn: number;
  readonly phase: number;
  readonly pop: Population;
  readonly thinkMs: number;
  readonly rampMs: number;
  /** Read each one-time code from the desk's outbox, or answer a fixed one (the bare bot binds nothing). */
  readonly otp: 'outbox' | 'fixed';
}

export interface CallsSeen {
  /** sendMessage calls answered ok. */
  readonly sent: number;
  /** Refused calls (not ok), as `method: response`, the first three. */
  readonly refused: readonly string[];
  readonly refusedCount: number;
}

export type ToTelegram = PassRequest | { readonly type: 'handled'; readonly ends: [number, number][] } | { readonly type: 'close' };
export type FromTelegram =
  | { readonly type: 'ready'; readonly apiRoot: string; readonly token: string }
  | { readonly type: 'passed'; readonly pass: DrivenPass; readonly calls: CallsSeen }
  | { readonly type: 'failed'; readonly message: string };

const port = parentPort!;
const { sqliteFile } = workerData as { sqliteFile: string };
const tg = await startBotApiEmulator();
const notices = handledNotices();
const outbox = otpReader(sqliteFile);
const fixed: StepEnv = { otp: () => Promise.resolve('123456') };
const post = (m: FromTelegram): void => port.postMessage(m);

async function pass(r: PassRequest): Promise<void> {
  const from = tg.calls.length;
  const driven = await runPass(tg, notices, usersOf(r.pop, r.turn, r.phase), r.otp === 'outbox' ? { otp: outbox.otp } : fixed, { thinkMs: r.thinkMs, rampMs: r.rampMs });
  const calls = tg.calls.slice(from).filter((c) => c.method !== 'getUpdates');
  const refused = calls.filter((c) => c.response !== undefined && !c.response.ok);
  post({
    type: 'passed', pass: driven,
    calls: {
      sent: calls.filter((c) => c.method === 'sendMessage' && c.response?.ok === true).length,
      refused: refused.slice(0, 3).map((c) => `${c.method}: ${JSON.stringify(c.response)}`), refusedCount: refused.length,
    },
  });
}

port.on('message', (m: ToTelegram) => {
  if (m.type === 'handled') {
    for (const [id, ms] of m.ends) notices.report(id, ms);
  } else if (m.type === 'pass') {
    pass(m).catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.stack ?? e.message : String(e) }));
  } else {
    outbox.close();
    void tg.close().then(() => port.close());
  }
});
post({ type: 'ready', apiRoot: tg.apiRoot, token: tg.token });
