import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DAY_MS, REMINDER_DAYS, RENEWAL_IN_PROGRESS, agencyKey, daysLeft, deskDate, displayDate, dueReminder, finalThreshold,
  parseReminderDays, planReminder, stopsReminders,
} from '../../domain/certificates/reminders.ts';
import { REQUEST_STATUSES } from '../../domain/requests/request-status.ts';

const NOT_AFTER = new Date('2026-12-31T17:00:00.000Z');
const before = (days: number, extraMs = 0): Date => new Date(NOT_AFTER.getTime() - days * DAY_MS + extraMs);

describe('expiry reminder thresholds (Pasal 17(2))', () => {
  it('reminds 30, 14, 7 and 1 days before expiry by default', () => {
    expect(REMINDER_DAYS).toEqual([30, 14, 7, 1]);
    expect(finalThreshold()).toBe(1);
  });

  it('sends nothing while more days remain than the largest threshold', () => {
    expect(dueReminder(NOT_AFTER, before(30, -1), [])).toBeNull();
    expect(dueReminder(NOT_AFTER, before(45), [])).toBeNull();
  });

  it.each([30, 14, 7, 1])('sends the %i-day reminder the moment its threshold is crossed', (d) => {
    const sent = REMINDER_DAYS.filter((x) => x > d);
    expect(dueReminder(NOT_AFTER, before(d), sent)).toBe(d);
    expect(dueReminder(NOT_AFTER, before(d, -1), sent)).toBeNull();
  });

  it('sends each reminder at most once', () => {
    expect(dueReminder(NOT_AFTER, before(20), [30])).toBeNull();
    expect(dueReminder(NOT_AFTER, before(3), [30, 14, 7])).toBeNull();
  });

  it('sends nothing once the certificate has expired, not even the reminders it missed', () => {
    expect(dueReminder(NOT_AFTER, NOT_AFTER, [])).toBeNull();
    expect(dueReminder(NOT_AFTER, before(-2), [30])).toBeNull();
  });

  it('sends only the most urgent missed reminder when the job did not run, and records the skipped ones', () => {
    expect(planReminder(NOT_AFTER, before(10), [])).toEqual({ send: 14, record: [30, 14] });
    expect(planReminder(NOT_AFTER, before(5), [30])).toEqual({ send: 7, record: [14, 7] });
    expect(planReminder(NOT_AFTER, before(0.5), [])).toEqual({ send: 1, record: [30, 14, 7, 1] });
  });

  it('follows configured thresholds, whatever their order', () => {
    expect(dueReminder(NOT_AFTER, before(55), [], [3, 60])).toBe(60);
    expect(planReminder(NOT_AFTER, before(2), [], [3, 60])).toEqual({ send: 3, record: [60, 3] });
  });

  it('never sends a threshold twice and never out of order, however often and whenever the job runs', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 40 * 24 }), { minLength: 1, maxLength: 60 }),
      (hoursBefore) => {
        const runs = [...new Set(hoursBefore)].sort((a, b) => b - a).map((h) => new Date(NOT_AFTER.getTime() - h * 3_600_000));
        const recorded: number[] = [];
        const sent: number[] = [];
        for (const now of runs) {
          const plan = planReminder(NOT_AFTER, now, recorded);
          if (!plan) continue;
          sent.push(plan.send);
          recorded.push(...plan.record);
        }
        expect(new Set(recorded).size).toBe(recorded.length);
        expect(sent).toEqual([...sent].sort((a, b) => b - a));
        for (const d of sent) expect(recorded).toContain(d);
      },
    ));
  });

  it('counts the days left as a calendar does, rounding up', () => {
    expect(daysLeft(NOT_AFTER, before(14))).toBe(14);
    expect(daysLeft(NOT_AFTER, before(13.2))).toBe(14);
    expect(daysLeft(NOT_AFTER, before(0.1))).toBe(1);
  });
});

describe('what stops reminders (Pasal 17(2)-(3))', () => {
  it.each(RENEWAL_IN_PROGRESS)('stops them while a renewal is %s', (status) => {
    expect(stopsReminders({ renewalStatuses: [status], newerCertificate: false })).toBe(true);
  });

  it.each(REQUEST_STATUSES.filter((s) => !RENEWAL_IN_PROGRESS.includes(s)))('keeps reminding after a renewal that is %s', (status) => {
    expect(stopsReminders({ renewalStatuses: [status], newerCertificate: false })).toBe(false);
  });

  it('stops them once the owner holds a newer certificate', () => {
    expect(stopsReminders({ renewalStatuses: [], newerCertificate: true })).toBe(true);
    expect(stopsReminders({ renewalStatuses: [], newerCertificate: false })).toBe(false);
  });
});

describe('configured thresholds', () => {
  it('reads a comma-separated list, most distant first, without duplicates', () => {
    expect(parseReminderDays('1, 7,30,14,7')).toEqual({ ok: true, value: [30, 14, 7, 1] });
  });

  it.each(['', '0', '30,,7', '-1', '7.5', 'tiga puluh', '400'])('refuses %j', (text) => {
    expect(parseReminderDays(text)).toMatchObject({ ok: false, code: 'REMINDERS.BAD_DAYS' });
  });
});

describe('dates as the desk in Pontianak reads them (WIB)', () => {
  it('puts 17:00 UTC on the next day in WIB', () => {
    expect(deskDate(new Date('2026-11-25T16:59:59Z'))).toBe('2026-11-25');
    expect(deskDate(new Date('2026-11-25T17:00:00Z'))).toBe('2026-11-26');
  });

  it('writes an expiry date in Indonesian', () => {
    expect(displayDate(new Date('2026-12-31T17:00:00Z'))).toBe('1 Januari 2027');
  });

  it('keys an agency by a short hash that ignores case and spacing at the ends', () => {
    expect(agencyKey(' Dinas Kesehatan ')).toBe(agencyKey('dinas kesehatan'));
    expect(agencyKey('Dinas Kesehatan')).toMatch(/^[0-9a-f]{16}$/);
    expect(agencyKey('Dinas Kesehatan')).not.toBe(agencyKey('Dinas Pendidikan'));
  });
});
