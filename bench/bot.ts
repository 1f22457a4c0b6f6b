import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Bot, InlineKeyboard, type Context } from 'grammy';
import type { DataSource } from 'typeorm';
import { createTestDesk, seedDesk } from '../test/support/storage-desk.ts';
import { openDatabase, sqliteFile } from '../storage/data-source.ts';
import { createKeyRing } from '../storage/crypto/keys.ts';
import { RequestSchema, TelegramBindingSchema } from '../storage/entities/schemas.ts';
import { createBotFor } from '../bot/bot-app.ts';
import { startPolling } from '../bot/run-bot.ts';
import { mixOf, PRESSED, seedBound, seedRoster } from './bot-workload.ts';
import { percentile, probe } from './bot-probe.ts';
import { boundUsers, countOf, PHASES, type Population } from './bot-population.ts';
import type { DrivenPass } from './bot-drive.ts';
import type { CallsSeen, FromTelegram, PassRequest, ToTelegram } from './bot-telegram-side.ts';
import type { BenchContext } from './run.ts';
import { profiled, machineFacts } from './measure.ts';

/**
 * `npm run bench -- bot [--scale 0.1] [--cpu-prof] [--think-ms 1000]`
 *
 * The bot under test runs on this thread and long-polls the Bot API emulator (real HTTP on 127.0.0.1)
 * through @grammyjs/runner exactly as `serve` does (`startPolling`). The emulator and the simulated users
 * are Telegram's side and run in a worker thread of their own (bot-telegram-side.ts): in production
 * Telegram and the people are not in the desk's process, and sharing the bot's event loop with them
 * made every figure carry their work (until 2026-11-25 they did: see README, Performance). Two bots take
 * turns on the same emulator with the same runner settings:
 * - ra-desk: `createBotFor` on a fresh SQLite data folder (WAL, on disk) with 2,050 generated ASN on
 *   the roster, the two test officers, and the bound users' bindings;
 * - the baseline: a bare grammY `Bot` whose only middleware answers every update with one sendMessage
 *   (carrying an inline keyboard with the buttons the users press, so they can press them).
 * Order: baseline, ra-desk, baseline again; of the two baseline turns the better one counts (the higher
 * updates/s, the lower p99), so a neighbour's burst on a shared machine during one baseline turn cannot
 * make ra-desk's overhead look smaller than it is.
 *
 * Each turn: a warm-up of 50 users (untimed), then two passes of 1,000 users × 10 updates each, every
 * user a fresh Telegram account. A user sends an update, waits until the bot has handled it, then sends
 * the next (bot-workload.ts has the three mixes: 60 % bound ASN — /start, menu buttons, status with and
 * without a pending request, a help ticket, free text; 30 % binding — NIP, a mistyped one-time code,
 * the right code, then the menu; 10 % not on the roster — a bad identifier, an unknown address, a
 * ticket, a passphrase the secrets guard deletes).
 * 1. Flat out: all users at once with no pause. updates/s = 10,000 ÷ the time from the first update
 *    queued to the last one handled (handled = every Bot API call of its handler answered). Target ≥ 1,000.
 * 2. Paced at the target rate: each user pauses 1 s after each answer (starts spread over 1 s), so the
 *    1,000 users offer ~1,000 updates/s. Handler latency = the time from the runner handing the update
 *    to `bot.handleUpdate` to its end (bot-probe.ts wraps that method, outside every middleware, the
 *    same way on both bots). Target: ra-desk p99 − baseline p99 < 25 ms, the in-process overhead at the
 *    load the bot must carry. A bot that cannot carry that rate falls behind (the achieved rate is
 *    printed) and its latency then includes the backlog. Flat out, latency is mostly queueing (hundreds
 *    of updates in flight at once: Little's law), so those percentiles are printed for information only.
 * Also printed, without targets: the bot thread's busy time per update (its event loop's active time:
 * what the bot costs its process), the whole process's CPU time per update (both threads, user +
 * system), and ra-desk's latency per step (`bot.json` has every step; the console the slowest four).
 * Every pass is checked: one sendMessage per update (every step of every mix answers with exactly one),
 * no failed Bot API call, no handler error, and for ra-desk the bindings and tickets the mixes create.
 * Figures go to the console and to `bench/results/bot.json`, each with its target; a missed target
 * prints MISSED and the exit code stays 0. `--cpu-prof` writes `bot-ra-desk-flat-out.cpuprofile` and
 * `bot-ra-desk-paced.cpuprofile` next to the JSON: the ra-desk passes under the V8 sampling profiler
 * (open them in Chrome DevTools).
 */

const FULL_USERS = 1_000;
const WARM_USERS = 50;
const STEPS = 10;
const THINK_MS = 1_000;
const TARGET_PER_SECOND = 1_000;
const TARGET_OVERHEAD_P99_MS = 25;

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line: string): void => console.log(line);

interface Options {
  readonly scale: number;
  readonly cpuProf: boolean;
  /** The paced pass's pause; only a quick smoke run changes it (the paced rate is then not the target's). */
  readonly thinkMs: number;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args], strict: true, allowPositionals: false,
    options: { scale: { type: 'string', default: '1' }, 'cpu-prof': { type: 'boolean', default: false }, 'think-ms': { type: 'string', default: String(THINK_MS) } },
  });
  const scale = Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`--scale takes a number in (0, 10], e.g. 0.1; got ${values.scale}`);
  const thinkMs = Number(values['think-ms']);
  if (!Number.isInteger(thinkMs) || thinkMs < 0) throw new Error(`--think-ms takes a whole number of milliseconds; got ${values['think-ms']}`);
  return { scale, cpuProf: values['cpu-prof'], thinkMs };
}

/** One pass as both sides saw it. */
interface PassResult {
  readonly updates: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Handler latencies in ms (the bot's probe), sorted. */
  readonly latencies: readonly number[];
  readonly failures: number;
  /**
   * The bot thread's busy time per update in ms: its event loop's active time (performance.
   * eventLoopUtilization), which is what the bot costs its process; Telegram's side runs in another thread.
   */
  readonly busyMsPerUpdate: number;
  /** CPU time of the whole process per update (user + system, both threads), for information. */
  readonly cpuMsPerUpdate: number;
  /** Handler latencies in ms by `mix label` of the step, e.g. `bound ticket text`, sorted. */
  readonly byStep: ReadonlyMap<string, readonly number[]>;
}

interface Checked extends PassResult {
  readonly problems: readonly string[];
}

/** What the emulator saw during a pass: one sendMessage per update, and no refused call. */
function checkCalls(calls: CallsSeen, pass: PassResult, label: string): string[] {
  return [
    ...(calls.sent !== pass.updates ? [`${label}: ${calls.sent} sendMessage answers for ${pass.updates} updates`] : []),
    ...(calls.refusedCount > 0 ? [`${label}: ${calls.refusedCount} Bot API calls refused, e.g. ${calls.refused[0]}`] : []),
    ...(pass.failures > 0 ? [`${label}: ${pass.failures} updates failed in the bot`] : []),
  ];
}

interface Turn {
  readonly bot: 'ra-desk' | 'baseline';
  readonly passes: readonly Checked[];
}

/** Telegram's side (bot-telegram-side.ts) in its worker thread, and this thread's end of the conversation. */
interface TelegramSide {
  readonly apiRoot: string;
  readonly token: string;
  /** Reports the end of an update's handling; sent in batches, once per turn of this thread's event loop. */
  handled(updateId: number, ms: number): void;
  pass(r: Omit<PassRequest, 'type'>): Promise<{ pass: DrivenPass; calls: CallsSeen }>;
  close(): Promise<void>;
}

async function startTelegramSide(file: string): Promise<TelegramSide> {
  const worker = new Worker(new URL('./bot-telegram-thread.mjs', import.meta.url), { workerData: { sqliteFile: file } });
  const send = (m: ToTelegram): void => worker.postMessage(m);
  let waiting: { resolve: (v: Extract<FromTelegram, { type: 'passed' }>) => void; reject: (e: Error) => void } | undefined;
  let ready: (v: Extract<FromTelegram, { type: 'ready' }>) => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const started = new Promise<Extract<FromTelegram, { type: 'ready' }>>((resolve, reject) => { ready = resolve; failed = reject; });
  const fail = (e: Error): void => { failed(e); waiting?.reject(e); waiting = undefined; };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (code !== 0) fail(new Error(`Telegram's side of the benchmark exited with ${code}`)); });
  worker.on('message', (m: FromTelegram) => {
    if (m.type === 'ready') ready(m);
    else if (m.type === 'passed') { waiting?.resolve(m); waiting = undefined; }
    else fail(new Error(`Telegram's side of the benchmark failed: ${m.message}`));
  });
  const { apiRoot, token } = await started;
  let ends: [number, number][] = [];
  const flush = (): void => { send({ type: 'handled', ends }); ends = []; };
  return {
    apiRoot, token,
    handled(updateId, ms) {
      if (ends.length === 0) setImmediate(flush);
      ends.push([updateId, ms]);
    },
    pass: (r) => new Promise((resolve, reject) => { waiting = { resolve, reject }; send({ type: 'pass', ...r }); }),
    async close() {
      send({ type: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

async function runTurn<C extends Context>(
  tg: TelegramSide, bot: Bot<C>, name: Turn['bot'], turn: number, pop: Population, otp: PassRequest['otp'],
  thinkMs: number, after?: (phase: number) => Promise<string[]>, profileFile?: string,
): Promise<Turn> {
  const p = probe(bot, (id, ms) => tg.handled(id, ms));
  const runner = startPolling(bot);
  const passes: Checked[] = [];
  try {
    for (const [phase, title] of PHASES.entries()) {
      const paced = phase === 2;
      const drive = async (): Promise<PassResult & { calls: CallsSeen }> => {
        p.reset();
        const cpu = process.cpuUsage();
        const elu = performance.eventLoopUtilization();
        const { pass, calls } = await tg.pass({ turn, phase, pop, otp, thinkMs: paced ? thinkMs : 0, rampMs: paced ? thinkMs : 0 });
        const busy = performance.eventLoopUtilization(elu);
        const used = process.cpuUsage(cpu);
        return {
          updates: pass.updates, seconds: pass.seconds, perSecond: pass.updates / pass.seconds,
          latencies: [...p.latencies].sort((a, b) => a - b), failures: p.failures,
          busyMsPerUpdate: busy.active / pass.updates, cpuMsPerUpdate: (used.user + used.system) / 1000 / pass.updates,
          byStep: new Map(pass.byStep), calls,
        };
      };
      const pass = profileFile && phase > 0 ? (await profiled(profileFile.replace('.cpuprofile', `-${paced ? 'paced' : 'flat-out'}.cpuprofile`), drive)).value : await drive();
      const label = `${name} ${title}`;
      const problems = [...checkCalls(pass.calls, pass, label), ...(after ? await after(phase) : [])];
      say(`  ${label.padEnd(20)} ${pass.updates} updates in ${pass.seconds.toFixed(2)} s: ${pass.perSecond.toFixed(0)} updates/s, ` +
        `handler p50 ${percentile(pass.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(pass.latencies, 0.99).toFixed(1)} ms, ` +
        `bot thread busy ${pass.busyMsPerUpdate.toFixed(2)} ms/update`);
      passes.push({ ...pass, problems });
    }
  } finally {
    if (runner.isRunning()) await runner.stop();
  }
  return { bot: name, passes };
}

/** The bare baseline: one sendMessage per update, with a keyboard offering every button the users press. */
function bareBot(tg: TelegramSide): Bot {
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  const keyboard = new InlineKeyboard();
  for (const data of PRESSED) keyboard.text(data, data).row();
  bot.use((ctx) => ctx.reply('Pesan Anda sudah kami terima. Silakan pilih menu di bawah ini.', { reply_markup: keyboard }).then(() => undefined));
  return bot;
}

/** ra-desk's own effects of a phase: one binding per `binding` user, one ticket per user. */
function deskChecks(ds: DataSource) {
  const counts = async () => ({
    bindings: await ds.getRepository(TelegramBindingSchema).count(),
    tickets: await ds.getRepository(RequestSchema).countBy({ kind: 'help' }),
  });
  let before = { bindings: 0, tickets: 0 };
  return {
    async start() { before = await counts(); },
    async after(phase: number, users: number): Promise<string[]> {
      const now = await counts();
      const binding = Array.from({ length: users }, (_, i) => i).filter((i) => mixOf(i) === 'binding').length;
      const label = `ra-desk ${PHASES[phase]}`;
      const problems = [
        ...(now.bindings - before.bindings !== binding ? [`${label}: ${now.bindings - before.bindings} accounts bound, expected ${binding}`] : []),
        ...(now.tickets - before.tickets !== users ? [`${label}: ${now.tickets - before.tickets} help tickets, expected ${users}`] : []),
      ];
      before = now;
      return problems;
    },
  };
}

interface Pooled {
  readonly updates: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly busyMsPerUpdate: number;
  readonly cpuMsPerUpdate: number;
}

function pool(passes: readonly PassResult[]): Pooled {
  const updates = passes.reduce((n, p) => n + p.updates, 0);
  const seconds = passes.reduce((n, p) => n + p.seconds, 0);
  const latencies = passes.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const per = (key: 'busyMsPerUpdate' | 'cpuMsPerUpdate'): number => passes.reduce((n, p) => n + p[key] * p.updates, 0) / updates;
  return {
    updates, seconds, perSecond: updates / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99),
    busyMsPerUpdate: per('busyMsPerUpdate'), cpuMsPerUpdate: per('cpuMsPerUpdate'),
  };
}

function stepFigures(pass: PassResult): { step: string; updates: number; p50Ms: number; p99Ms: number }[] {
  return [...pass.byStep].map(([step, sorted]) => ({ step, updates: sorted.length, p50Ms: round(percentile(sorted, 0.5), 2), p99Ms: round(percentile(sorted, 0.99), 2) }))
    .sort((a, b) => b.p99Ms - a.p99Ms);
}

const verdict = (pass: boolean): string => (pass ? 'ok' : 'MISSED');

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c > 0 && c < 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('   ')}`.trimEnd()).join('\n');
}

export async function run(ctx: BenchContext): Promise<void> {
  const o = parseOptions(ctx.args);
  const { scale } = o;
  const pop: Population = { users: Math.max(10, Math.round(FULL_USERS * scale)), warm: Math.min(WARM_USERS, Math.max(10, Math.round(FULL_USERS * scale))) };
  const rosterSize = pop.warm + 2 * pop.users;
  say(`bot benchmark: ${pop.users} users × ${STEPS} updates per pass (scale ${scale}), roster of ${rosterSize}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'ra-bench-bot-'));
  const ds = await openDatabase({ dataDir });
  const tg = await startTelegramSide(sqliteFile(dataDir));
  try {
    const desk = createTestDesk(ds, dataDir);
    await seedDesk(desk);
    const s0 = performance.now();
    await seedRoster(desk.ports, rosterSize);
    const deskTurn = 1;
    await seedBound(ds, desk.ports, boundUsers(pop, deskTurn));
    say(`  seeded in ${((performance.now() - s0) / 1000).toFixed(1)} s (${dataDir})`);

    const errors: { name: string }[] = [];
    const { bot: deskBot } = createBotFor(ds, desk.ports, createKeyRing(desk.masterKey), { token: tg.token, apiRoot: tg.apiRoot, onError: (e) => errors.push(e) });
    const checks = deskChecks(ds);

    const load = [loadavg()[0] ?? 0];
    const before = await runTurn(tg, bareBot(tg), 'baseline', 0, pop, 'fixed', o.thinkMs);
    await checks.start();
    const profileFile = o.cpuProf ? join(ctx.resultsDir, 'bot-ra-desk.cpuprofile') : undefined;
    const desked = await runTurn(tg, deskBot, 'ra-desk', deskTurn, pop, 'outbox', o.thinkMs, (phase) => checks.after(phase, countOf(pop, phase)), profileFile);
    if (profileFile) say(`  CPU profiles of the ra-desk passes: ${profileFile.replace('.cpuprofile', '-*.cpuprofile')} (profiling slows them: figures not comparable)`);
    const after = await runTurn(tg, bareBot(tg), 'baseline', 2, pop, 'fixed', o.thinkMs);
    load.push(loadavg()[0] ?? 0);

    const flat = (t: Turn): PassResult => t.passes[1]!;
    const paced = (t: Turn): PassResult => t.passes[2]!;
    const desk1 = pool([flat(desked)]);
    const deskPaced = pool([paced(desked)]);
    const better = (a: Pooled, b: Pooled, key: 'perSecond' | 'p99'): Pooled => (key === 'perSecond' ? (a.perSecond >= b.perSecond ? a : b) : (a.p99 <= b.p99 ? a : b));
    const base1 = better(pool([flat(before)]), pool([flat(after)]), 'perSecond');
    const basePaced = better(pool([paced(before)]), pool([paced(after)]), 'p99');
    const overhead = deskPaced.p99 - basePaced.p99;
    const problems = [
      ...[before, desked, after].flatMap((t) => t.passes.flatMap((p) => p.problems)),
      ...(errors.length > 0 ? [`ra-desk reported ${errors.length} handler errors, e.g. ${errors[0]!.name}`] : []),
    ];
    const rateOk = desk1.perSecond >= TARGET_PER_SECOND;
    const overheadOk = overhead < TARGET_OVERHEAD_P99_MS;

    const result = {
      bench: 'bot',
      at: new Date().toISOString(),
      scale,
      machine: machineFacts(load),
      figures: {
        updatesPerSecond: { value: round(desk1.perSecond, 1), unit: 'updates/s', target: `>= ${TARGET_PER_SECOND}`, pass: rateOk },
        baselineUpdatesPerSecond: { value: round(base1.perSecond, 1), unit: 'updates/s' },
        handlerP50Ms: { value: round(deskPaced.p50, 2), unit: 'ms' },
        handlerP99Ms: { value: round(deskPaced.p99, 2), unit: 'ms' },
        baselineHandlerP50Ms: { value: round(basePaced.p50, 2), unit: 'ms' },
        baselineHandlerP99Ms: { value: round(basePaced.p99, 2), unit: 'ms' },
        p99OverheadMs: { value: round(overhead, 2), unit: 'ms', target: `< ${TARGET_OVERHEAD_P99_MS}`, pass: overheadOk },
        pacedUpdatesPerSecond: { value: round(deskPaced.perSecond, 1), unit: 'updates/s' },
        flatOutHandlerP50Ms: { value: round(desk1.p50, 1), unit: 'ms' },
        flatOutHandlerP99Ms: { value: round(desk1.p99, 1), unit: 'ms' },
        baselineFlatOutHandlerP50Ms: { value: round(base1.p50, 1), unit: 'ms' },
        baselineFlatOutHandlerP99Ms: { value: round(base1.p99, 1), unit: 'ms' },
        botThreadBusyMsPerUpdate: { value: round(desk1.busyMsPerUpdate, 3), unit: 'ms' },
        baselineBotThreadBusyMsPerUpdate: { value: round(base1.busyMsPerUpdate, 3), unit: 'ms' },
        processCpuMsPerUpdate: { value: round(desk1.cpuMsPerUpdate, 3), unit: 'ms' },
        baselineProcessCpuMsPerUpdate: { value: round(base1.cpuMsPerUpdate, 3), unit: 'ms' },
      },
      details: {
        users: pop.users, warmUpUsers: pop.warm, updatesPerUser: STEPS, rosterPeople: rosterSize, thinkMs: o.thinkMs,
        passes: [before, desked, after].flatMap((t, turn) => t.passes.map((p, phase) => ({
          turn, bot: t.bot, phase: PHASES[phase], updates: p.updates, seconds: round(p.seconds, 3), updatesPerSecond: round(p.perSecond, 1),
          p50Ms: round(percentile(p.latencies, 0.5), 2), p99Ms: round(percentile(p.latencies, 0.99), 2), maxMs: round(p.latencies.at(-1) ?? Number.NaN, 2),
          botThreadBusyMsPerUpdate: round(p.busyMsPerUpdate, 3), processCpuMsPerUpdate: round(p.cpuMsPerUpdate, 3),
        }))),
      },
      /** ra-desk's handler latency by step (`mix label`), slowest p99 first: where the tail comes from. */
      raDeskSteps: Object.fromEntries(['flat out', 'paced'].map((name, k) => [name, stepFigures(desked.passes[k + 1]!)])),
      valid: problems.length === 0,
      problems,
    };
    writeFileSync(join(ctx.resultsDir, 'bot.json'), `${JSON.stringify(result, null, 2)}\n`);

    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    say('');
    say(table([
      ['figure', 'ra-desk', 'bare grammY', 'target', ''],
      ['updates/s, flat out', desk1.perSecond.toFixed(0), base1.perSecond.toFixed(0), `>= ${TARGET_PER_SECOND}`, verdict(rateOk)],
      [`handler p50, paced (~${deskPaced.perSecond.toFixed(0)} updates/s)`, ms(deskPaced.p50), ms(basePaced.p50), '', ''],
      [`handler p99, paced`, ms(deskPaced.p99), ms(basePaced.p99), '', ''],
      ['p99 overhead over the bare bot', ms(overhead), '', `< ${TARGET_OVERHEAD_P99_MS} ms`, verdict(overheadOk)],
      ['handler p50 / p99, flat out (queueing)', `${ms(desk1.p50)} / ${ms(desk1.p99)}`, `${ms(base1.p50)} / ${ms(base1.p99)}`, '', ''],
      ['bot thread busy per update, flat out', `${desk1.busyMsPerUpdate.toFixed(2)} ms`, `${base1.busyMsPerUpdate.toFixed(2)} ms`, '', ''],
      ['process CPU per update, flat out (both threads)', `${desk1.cpuMsPerUpdate.toFixed(2)} ms`, `${base1.cpuMsPerUpdate.toFixed(2)} ms`, '', ''],
    ]));
    const slowest = stepFigures(paced(desked)).slice(0, 4).map((f) => `${f.step} ${ms(f.p99Ms)}`).join(', ');
    say(`  ra-desk's slowest steps by p99, paced: ${slowest}`);
    say(`  load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} cores`);
    for (const p of problems) say(`  WARNING: ${p}: the figures above do not measure what they claim`);
    say(`  written to ${join(ctx.resultsDir, 'bot.json')}`);
  } finally {
    await tg.close();
    await ds.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
