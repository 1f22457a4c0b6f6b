import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, totalmem } from 'node:os';

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The machine a benchmark ran on, as every `bench/results/*.json` records it beside its figures. */
export function machineFacts(loadAverage: readonly number[]) {
  return {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 1024 ** 3, 1), node: process.version,
    loadAverage: loadAverage.map((l) => round(l, 2)),
  };
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
