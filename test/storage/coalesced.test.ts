import { describe, it, expect } from 'vitest';
import { coalesced } from '../../storage/coalesced.ts';

/** A run the test finishes by hand; records when each run started. */
function manualRuns() {
  const runs: { startedAt: number; finish: () => void; fail: (e: Error) => void }[] = [];
  let clock = 0;
  const work = () => new Promise<void>((resolve, reject) => { runs.push({ startedAt: clock, finish: resolve, fail: reject }); });
  return { runs, work, tick: () => ++clock, now: () => clock };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('coalesced fsyncs', () => {
  it('never lets a caller ride a run that started before it called, and shares the next run among everyone waiting', async () => {
    const m = manualRuns();
    const c = coalesced(m.work);
    const done: string[] = [];
    const first = c.run().then(() => done.push('first'));
    expect(m.runs).toHaveLength(1);
    m.tick();
    // Three callers arrive while the first run is in flight: none may use it.
    const waiting = ['a', 'b', 'c'].map((name) => c.run().then(() => done.push(name)));
    expect(m.runs).toHaveLength(1);
    m.runs[0]!.finish();
    await settled();
    expect(done).toEqual(['first']);
    // The second run starts only now, after all three called, and serves all three.
    expect(m.runs).toHaveLength(2);
    expect(m.runs[1]!.startedAt).toBe(1);
    m.runs[1]!.finish();
    await Promise.all([first, ...waiting]);
    expect(done).toEqual(['first', 'a', 'b', 'c']);
    expect(c.started).toBe(2);
  });

  it('passes a failed run to its callers and still runs again for those who came after', async () => {
    const m = manualRuns();
    const c = coalesced(m.work);
    const failing = c.run();
    const later = c.run();
    m.runs[0]!.fail(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    await settled();
    expect(m.runs).toHaveLength(2);
    m.runs[1]!.finish();
    await expect(later).resolves.toBeUndefined();
  });

  it('starts a run at once when none is in flight', async () => {
    const m = manualRuns();
    const c = coalesced(m.work);
    const p = c.run();
    expect(m.runs).toHaveLength(1);
    m.runs[0]!.finish();
    await p;
    const q = c.run();
    expect(m.runs).toHaveLength(2);
    m.runs[1]!.finish();
    await q;
  });
});
