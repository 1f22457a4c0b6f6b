import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The machine a benchmark ran on, as every `bench/results/*.json` records it beside its figures. */
export function machineFacts(loadAverage: readonly number[]) {
  return {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 1024 ** 3, 1), node: process.version,
    loadAverage: loadAverage.map((l) => round(l, 2)),
  };
}

/**
 * How fast the disk under `dir` takes durable writes right now, in MiB/s: `mebibytes` written to a new
 * file in 4 MiB pieces, fsynced, timed, removed. A pass that archives durably (the mail sync's vault)
 * depends on it and a baseline that writes nothing does not, so it is printed beside their figures: on
 * a shared VM it moved between ~200 and ~560 MiB/s within an hour (dd conv=fdatasync agreed).
 */
export function durableWriteSpeed(dir: string, mebibytes = 256): number {
  const file = join(dir, `ra-bench-disk-${process.pid}.bin`);
  // Not zeros: some storage layers skip them.
  const piece = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < piece.length; i += 4) piece.writeUInt32LE((i * 2654435761) >>> 0, i);
  const started = performance.now();
  const fd = openSync(file, 'w', 0o600);
  try {
    for (let written = 0; written < mebibytes; written += 4) writeSync(fd, piece);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return round(mebibytes / ((performance.now() - started) / 1000), 0);
}

/** Runs `work` under the V8 sampling profiler and writes the profile to `file` (open it in Chrome DevTools). */
export async function profiled<T>(file: string, work: () => Promise<T>): Promise<{ value: T; profile: unknown }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return { value, profile };
  } finally {
    session.disconnect();
  }
}

/** Machine-wide busy and total CPU time in seconds, from /proc/stat (Linux); null elsewhere. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / 100, total: total / 100 }; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Where a timed pass's CPU went: this process (all its threads) and the whole machine (Dovecot, neighbours). */
export interface CpuSpent {
  /** This process in user mode (JavaScript, parsing, crypto), seconds. */
  readonly userSeconds: number;
  /** This process in the kernel (file and socket I/O), seconds. */
  readonly systemSeconds: number;
  /** Every process on the machine, in core-seconds; null off Linux. */
  readonly machineBusySeconds: number | null;
  /** Core-seconds the machine had in the same time (cores × wall time); null off Linux. */
  readonly machineAvailableSeconds: number | null;
}

/** Runs `work` and reports the CPU time spent meanwhile, so a figure says whether the cores were saturated. */
export async function cpuDuring<T>(work: () => Promise<T>): Promise<{ value: T; cpu: CpuSpent }> {
  const process0 = process.cpuUsage();
  const machine0 = machineCpu();
  const value = await work();
  const used = process.cpuUsage(process0);
  const machine1 = machineCpu();
  return {
    value,
    cpu: {
      userSeconds: round(used.user / 1e6, 2),
      systemSeconds: round(used.system / 1e6, 2),
      machineBusySeconds: machine0 && machine1 ? round(machine1.busy - machine0.busy, 2) : null,
      machineAvailableSeconds: machine0 && machine1 ? round(machine1.total - machine0.total, 2) : null,
    },
  };
}
