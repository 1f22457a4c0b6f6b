import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../bench/bot.ts';

let resultsDir: string | undefined;
afterEach(() => { if (resultsDir) rmSync(resultsDir, { recursive: true, force: true }); });

// The benchmark itself at a tiny scale: it must drive every mix to its end and write its figures with
// their targets. Timings are never asserted (STYLE: tests do not measure speed); `valid` says the
// workload did what it claims (one answer per update, the bindings and tickets the mixes create).
describe('npm run bench -- bot', () => {
  it('runs ten users per pass and writes bot.json with a target beside each targeted figure', async () => {
    resultsDir = mkdtempSync(join(tmpdir(), 'ra-bench-bot-test-'));
    await run({ args: ['--scale', '0.01', '--think-ms', '10'], resultsDir });
    const result = JSON.parse(readFileSync(join(resultsDir, 'bot.json'), 'utf8')) as {
      bench: string; valid: boolean; problems: string[];
      figures: Record<string, { value: number; unit?: string; target?: string; pass?: boolean }>;
      details: { users: number; passes: { bot: string; phase: string; updates: number }[] };
    };
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.bench).toBe('bot');
    expect(result.details.users).toBe(10);
    expect(result.details.passes.map((p) => `${p.bot} ${p.phase} ${p.updates}`)).toEqual([
      'baseline warm-up 100', 'baseline flat out 100', 'baseline paced 100',
      'ra-desk warm-up 100', 'ra-desk flat out 100', 'ra-desk paced 100',
      'baseline warm-up 100', 'baseline flat out 100', 'baseline paced 100',
    ]);
    expect(result.figures['updatesPerSecond']).toMatchObject({ unit: 'updates/s', target: '>= 1000', pass: expect.any(Boolean) });
    expect(result.figures['p99OverheadMs']).toMatchObject({ unit: 'ms', target: '< 25', pass: expect.any(Boolean) });
    for (const key of ['baselineUpdatesPerSecond', 'handlerP50Ms', 'handlerP99Ms', 'baselineHandlerP50Ms', 'baselineHandlerP99Ms']) {
      expect(Number.isFinite(result.figures[key]?.value), key).toBe(true);
    }
  });
});
