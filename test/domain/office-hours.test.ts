import { describe, it, expect } from 'vitest';
import { addOfficeHours, parseHolidays, parseOfficeHours, DEFAULT_OFFICE_HOURS } from '../../domain/help/office-hours.ts';
import { pdpDeadline, pdpReminderDue } from '../../domain/incident/pdp-deadline.ts';

/** WIB (UTC+7) wall time → the instant. */
const wib = (local: string): Date => new Date(`${local}+07:00`);
const add = (local: string, hours: number) => addOfficeHours(wib(local), hours).toISOString();

describe('office hours (help-ticket SLA, Pasal 22): Monday–Friday 08:00–16:00 WIB', () => {
  it('counts only office time within a day', () => {
    expect(add('2026-11-23T09:00:00', 4)).toBe(wib('2026-11-23T13:00:00').toISOString());
    expect(add('2026-11-23T08:00:00', 8)).toBe(wib('2026-11-23T16:00:00').toISOString());
  });

  it('starts the clock at opening time when a ticket arrives before it', () => {
    expect(add('2026-11-23T06:30:00', 1)).toBe(wib('2026-11-23T09:00:00').toISOString());
  });

  it('skips the night and the weekend: Friday 15:00 + 4 h is Monday 11:00', () => {
    expect(add('2026-11-27T15:00:00', 4)).toBe(wib('2026-11-30T11:00:00').toISOString());
    expect(add('2026-11-26T15:30:00', 1)).toBe(wib('2026-11-27T08:30:00').toISOString());
  });

  it('starts a weekend ticket on Monday morning', () => {
    expect(add('2026-11-28T10:00:00', 4)).toBe(wib('2026-11-30T12:00:00').toISOString());
    expect(add('2026-11-29T23:59:00', 0.5)).toBe(wib('2026-11-30T08:30:00').toISOString());
  });

  it('spreads 24 office hours over three working days and a bit', () => {
    // Thursday 09:00: 7 h Thursday, 8 h Friday, 8 h Monday, 1 h Tuesday.
    expect(add('2026-11-26T09:00:00', 24)).toBe(wib('2026-12-01T09:00:00').toISOString());
  });

  it('stands still on listed holidays: Friday 15:00 + 4 h is Tuesday 11:00 when Monday is closed, and a holiday ticket starts the next working morning', () => {
    const closed = { ...DEFAULT_OFFICE_HOURS, holidays: ['2026-11-30', '2026-12-25'] };
    expect(addOfficeHours(wib('2026-11-27T15:00:00'), 4, closed).toISOString()).toBe(wib('2026-12-01T11:00:00').toISOString());
    // Thursday 24 December 15:00: 1 h that day, Christmas Friday closed, then the weekend: Monday 28th.
    expect(addOfficeHours(wib('2026-12-24T15:00:00'), 4, closed).toISOString()).toBe(wib('2026-12-28T11:00:00').toISOString());
    expect(addOfficeHours(wib('2026-11-30T10:00:00'), 1, closed).toISOString()).toBe(wib('2026-12-01T09:00:00').toISOString());
    // The date is the desk's own: 2026-11-29T20:00Z is already Monday 30 November 03:00 WIB, closed.
    expect(addOfficeHours(new Date('2026-11-29T20:00:00Z'), 1, closed).toISOString()).toBe(wib('2026-12-01T09:00:00').toISOString());
  });

  it('reads a list of closed dates, and refuses what is not a calendar date', () => {
    expect(parseHolidays('')).toEqual([]);
    expect(parseHolidays(' 2027-01-01, 2026-12-25 2026-12-25,')).toEqual(['2026-12-25', '2027-01-01']);
    for (const bad of ['2026-02-30', '25-12-2026', '2026-12-25;2027-01-01', 'Natal', '2026-13-01']) expect(parseHolidays(bad)).toBeNull();
  });

  it('honours other days and hours, and refuses nonsense', () => {
    const saturdays = { ...DEFAULT_OFFICE_HOURS, days: [1, 2, 3, 4, 5, 6] };
    expect(addOfficeHours(wib('2026-11-27T15:00:00'), 4, saturdays).toISOString()).toBe(wib('2026-11-28T11:00:00').toISOString());
    expect(() => addOfficeHours(wib('2026-11-27T15:00:00'), -1)).toThrow(RangeError);
    expect(() => addOfficeHours(wib('2026-11-27T15:00:00'), 1, { ...DEFAULT_OFFICE_HOURS, days: [] })).toThrow(RangeError);
    expect(parseOfficeHours('07:30-15:30')).toEqual({ openMinute: 450, closeMinute: 930 });
    expect(parseOfficeHours('16:00-08:00')).toBeNull();
    expect(parseOfficeHours('8-16')).toBeNull();
  });
});

describe('UU 27/2022 Pasal 46 notice deadline', () => {
  const opened = new Date('2026-11-23T02:00:00.000Z');
  it('is 3 × 24 hours after the incident was recorded, with reminders at 48 h and 66 h before it', () => {
    expect(pdpDeadline(opened).toISOString()).toBe('2026-11-26T02:00:00.000Z');
    const h = (n: number) => new Date(opened.getTime() + n * 3_600_000);
    expect([47, 48, 65, 66, 71.9, 72].map((n) => pdpReminderDue(opened, h(n)))).toEqual([null, 48, 48, 66, 66, 'overdue']);
  });
});
