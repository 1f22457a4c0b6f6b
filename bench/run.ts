import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTypeormWithoutSourceMaps } from '../storage/typeorm-without-source-maps.ts';

/**
 * `npm run bench -- NAME [options]`: runs one benchmark. Benchmarks talk to 127.0.0.1 only, stop by
 * themselves, print a table and write their figures to `bench/results/NAME.json` (git-ignored).
 * A missed target is printed as MISSED but still exits 0; only a crash exits non-zero.
 */

/** What the dispatcher hands a benchmark. */
export interface BenchContext {
  /** The arguments after the benchmark's name, e.g. `['--scale', '0.1']`. */
  readonly args: readonly string[];
  /** `bench/results/`, created before the benchmark starts. */
  readonly resultsDir: string;
}

export interface BenchModule {
  run(ctx: BenchContext): Promise<void>;
}

interface BenchEntry {
  readonly summary: string;
  readonly load: () => Promise<BenchModule>;
}

/** One line per benchmark; the module exports `run(ctx: BenchContext)`. */
const BENCHES: Readonly<Record<string, BenchEntry>> = {
  bot: { summary: '1,000 Telegram users × 10 updates through the bot via the emulator: updates/s and p50/p99 handler latency vs a bare grammY bot (--scale 0.1)', load: () => import('./bot.ts') },
  mail: { summary: '2,000 application mails through Dovecot: messages/s vs imapflow+mailparser, peak RSS of a 25 MB message (--scale 0.1, --cpu-prof)', load: () => import('./mail.ts') },
  report: { summary: '100,000 certificates, 10,000 ASN, 20,000 tickets in SQLite: the annual report (Pasal 23) < 2 s, with the coverage query plan (--scale 0.1)', load: () => import('./report.ts') },
  reminders: { summary: '100,000 certificates in SQLite: one expiry-reminder sweep < 500 ms, with its query plan (--scale 0.1)', load: () => import('./reminders.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(BENCHES).map((n) => n.length));
  return ['usage: npm run bench -- NAME [options]', '', 'benchmarks:',
    ...Object.entries(BENCHES).map(([name, b]) => `  ${name.padEnd(width)}  ${b.summary}`)].join('\n');
}

// Ctrl-C: exit through 'exit' so helpers that clean up there (the throwaway Dovecot) still run.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code));

const [name, ...args] = process.argv.slice(2);
const entry = name === undefined ? undefined : BENCHES[name];
if (!entry) {
  if (name !== undefined && name !== '--help' && name !== '-h') console.error(`unknown benchmark: ${name}\n`);
  console.error(usage());
  process.exit(2);
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(resultsDir, { recursive: true });
try {
  await loadTypeormWithoutSourceMaps(); // as bin/ra-desk.mjs does
  const bench = await entry.load();
  await bench.run({ args, resultsDir });
  // Client libraries may keep timers or sockets alive; a benchmark ends when its work is done.
  process.exit(0);
} catch (e) {
  console.error(`benchmark ${name} failed:`, e);
  process.exit(1);
}
