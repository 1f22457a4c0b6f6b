import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * One budget for every fuzz property in the normal suite: a fixed number of runs, and a wall-clock cap
 * so a slow machine shortens the run instead of stretching the suite. `FUZZ_RUNS=5000 npm test -- test/fuzz`
 * digs deeper by hand; a failure prints its seed and path to replay.
 */
export function fuzzBudget(runs: number, timeLimitMs = 20_000): fc.Parameters<unknown> {
  const factor = Number(process.env['FUZZ_RUNS'] ?? '') || 0;
  return { numRuns: factor > 0 ? factor : runs, interruptAfterTimeLimit: factor > 0 ? 10 * 60_000 : timeLimitMs, markInterruptAsFailure: false };
}

/** A parser input that takes longer than this is a hang, not a slow machine. */
export const HANG_MS = 5_000;

/**
 * Runs `fn` and fails when it took longer than {@link HANG_MS}. A synchronous parser that loops forever
 * cannot be interrupted from the same thread; the fast-check time limit and vitest's test timeout are the
 * outer fences, this check names the input that crossed the line.
 */
export async function withinHangGuard<T>(fn: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS); });
    const result = await Promise.race([Promise.resolve().then(fn), hang]);
    expect(performance.now() - started, 'hang guard').toBeLessThan(HANG_MS);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Mutations of a real-looking byte string: flips, inserted and deleted runs, duplicated slices,
 * truncation, and snippets that matter to the format at hand (MIME boundaries, DER tags…).
 */
export function mutatedBytes(seed: Uint8Array, snippets: readonly Uint8Array[]): fc.Arbitrary<Buffer> {
  const at = fc.nat({ max: Math.max(0, seed.length) });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 256 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 512 }), times: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('snippet' as const), at, pick: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 8 }).map((mutations) => {
    let bytes = Buffer.from(seed);
    for (const m of mutations) {
      const i = Math.min(m.at, bytes.length);
      switch (m.kind) {
        case 'flip': if (bytes.length > 0) bytes[Math.min(i, bytes.length - 1)] = m.byte; break;
        case 'insert': bytes = Buffer.concat([bytes.subarray(0, i), m.bytes, bytes.subarray(i)]); break;
        case 'delete': bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + m.length)]); break;
        case 'duplicate': {
          const slice = bytes.subarray(i, i + m.length);
          bytes = Buffer.concat([bytes.subarray(0, i), ...Array.from({ length: m.times + 1 }, () => slice), bytes.subarray(i + m.length)]);
          break;
        }
        case 'truncate': bytes = bytes.subarray(0, i); break;
        case 'snippet': {
          const snippet = snippets.length > 0 ? snippets[m.pick % snippets.length]! : new Uint8Array();
          bytes = Buffer.concat([bytes.subarray(0, i), ...Array.from({ length: m.times }, () => snippet), bytes.subarray(i)]);
          break;
        }
      }
    }
    return bytes;
  });
}
