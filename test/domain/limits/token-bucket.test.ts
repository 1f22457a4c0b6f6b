import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMIT_KINDS, noticeWindow, retryMinutes, takeToken, type Bucket } from '../../../domain/limits/token-bucket.ts';
import { createTemplates } from '../../../templates/catalog.ts';

const T0 = new Date('2026-11-25T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

/** Takes tokens at the given minutes; returns what each attempt got. */
function run(perHour: number, minutes: readonly number[]): ReturnType<typeof takeToken>[] {
  let bucket: Bucket | null = null;
  return minutes.map((m) => {
    const t = takeToken(bucket, { perHour }, at(m));
    if (t.allowed) bucket = t.bucket;
    return t;
  });
}

describe('token bucket (abuse limits)', () => {
  it('allows a burst of perHour, then refuses with the time until the next token', () => {
    const takes = run(3, [0, 0, 0, 0]);
    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, false]);
    const refused = takes[3]!;
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(retryMinutes(refused.retryAfterMs)).toBe(20); // 3 an hour: one every 20 minutes
  });

  it('refills evenly: a token every 60/perHour minutes, never above perHour', () => {
    expect(run(3, [0, 0, 0, 19]).map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(run(3, [0, 0, 0, 20]).map((t) => t.allowed)).toEqual([true, true, true, true]);
    // A day of silence gives back the burst, not 72 tokens.
    expect(run(3, [0, 24 * 60, 24 * 60, 24 * 60, 24 * 60]).map((t) => t.allowed)).toEqual([true, true, true, true, false]);
  });

  it('a refused attempt changes nothing: a flood does not push the retry time further out', () => {
    const takes = run(2, [0, 0, 1, 2, 3, 4, 5, 30]);
    expect(takes.map((t) => t.allowed)).toEqual([true, true, false, false, false, false, false, true]);
    const last = takes[6]!;
    if (!last.allowed) expect(retryMinutes(last.retryAfterMs)).toBe(25); // next token at minute 30
  });

  it('perHour 0 turns the limit off', () => {
    expect(run(0, Array.from({ length: 1000 }, () => 0)).every((t) => t.allowed)).toBe(true);
  });

  it('never tells a person to wait 0 minutes, nor longer than one refill interval', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.nat(180), { maxLength: 50 }), (perHour, gaps) => {
      let minute = 0;
      const times = gaps.map((g) => (minute += g / 10));
      for (const t of run(perHour, times)) {
        if (!t.allowed) {
          expect(retryMinutes(t.retryAfterMs)).toBeGreaterThanOrEqual(1);
          expect(t.retryAfterMs).toBeLessThanOrEqual(Math.ceil(3_600_000 / perHour));
        }
      }
    }));
  });

  it('one notice window per refill interval (at least a minute)', () => {
    expect(noticeWindow({ perHour: 3 }, at(0))).toBe(noticeWindow({ perHour: 3 }, at(19)));
    expect(noticeWindow({ perHour: 3 }, at(0))).not.toBe(noticeWindow({ perHour: 3 }, at(20)));
    expect(noticeWindow({ perHour: 100_000 }, at(0))).toBe(noticeWindow({ perHour: 100_000 }, new Date(at(0).getTime() + 59_000)));
  });

  it.each(LIMIT_KINDS)('says in Indonesian when to retry (LIMIT.%s)', (kind) => {
    const text = createTemplates().message(`LIMIT.${kind}`, { minutes: 12 });
    expect(text).toContain('coba lagi dalam 12 menit'.replace('coba', kind === 'upload' ? 'kirim' : 'coba'));
  });
});
