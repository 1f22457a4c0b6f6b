import { isCalendarDate } from '../shared/calendar-date.ts';

/**
 * Office hours of the desk (help-ticket SLA, Pasal 22): which weekdays and which hours of the day count,
 * in the desk's time zone, and which dates the office is closed (national holidays and cuti bersama,
 * set each year by joint ministerial decree, so the operator lists them: RA_HOLIDAYS).
 */
export interface OfficeHours {
  readonly timeZone: string;
  /** Minutes after local midnight when the office opens (08:00 → 480) and closes (16:00 → 960). */
  readonly openMinute: number;
  readonly closeMinute: number;
  /** ISO weekdays the office works: 1 = Monday … 7 = Sunday. */
  readonly days: readonly number[];
  /** Dates (YYYY-MM-DD, in `timeZone`) the office is closed although they fall on such a weekday. */
  readonly holidays?: readonly string[];
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { timeZone: 'Asia/Pontianak', openMinute: 8 * 60, closeMinute: 16 * 60, days: [1, 2, 3, 4, 5] };

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAY: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Offset of `timeZone` from UTC at `at`, in ms (Asia/Pontianak: +7 h). */
function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

const weekdayOf = (wallMs: number): number => WEEKDAY[new Date(wallMs).toUTCString().slice(0, 3)] ?? 0;

/**
 * The moment `hours` office hours after `start`: time outside office hours does not count, so a ticket
 * opened on Friday at 15:00 with a 4-hour first-response time is due on Monday at 11:00.
 *
 * @example
 * addOfficeHours(new Date('2026-11-27T08:00:00Z'), 4); // Fri 15:00 WIB → Mon 30 Nov 11:00 WIB (04:00Z)
 */
export function addOfficeHours(start: Date, hours: number, office: OfficeHours = DEFAULT_OFFICE_HOURS): Date {
  if (!(hours >= 0) || !Number.isFinite(start.getTime())) throw new RangeError('addOfficeHours needs a valid start and hours >= 0');
  if (office.closeMinute <= office.openMinute || office.days.length === 0) throw new RangeError('Office hours must open before they close, on at least one day');
  const closed = new Set(office.holidays ?? []);
  let left = Math.round(hours * 60) * MINUTE;
  // Work in the zone's wall-clock time, converting back at the end (Asia/Pontianak has no DST).
  const offset = offsetMs(start, office.timeZone);
  let wall = start.getTime() + offset;
  for (let guard = 0; guard < 3660; guard++) {
    const midnight = Math.floor(wall / DAY) * DAY;
    const open = midnight + office.openMinute * MINUTE;
    const close = midnight + office.closeMinute * MINUTE;
    // Wall-clock time is kept as if it were UTC, so the ISO date of `midnight` is the local date.
    const working = office.days.includes(weekdayOf(midnight)) && !closed.has(new Date(midnight).toISOString().slice(0, 10));
    if (working && wall < close) {
      const from = Math.max(wall, open);
      if (left <= close - from) {
        const end = from + left;
        return new Date(end - offsetMs(new Date(end - offset), office.timeZone));
      }
      left -= close - from;
    }
    wall = midnight + DAY;
  }
  throw new RangeError('addOfficeHours ran past ten years');
}

/**
 * Parses "08:00-16:00" into minutes; null when malformed or when it closes before it opens.
 */
export function parseOfficeHours(text: string): { openMinute: number; closeMinute: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const openMinute = Number(m[1]) * 60 + Number(m[2]);
  const closeMinute = Number(m[3]) * 60 + Number(m[4]);
  return closeMinute > openMinute && closeMinute <= 24 * 60 ? { openMinute, closeMinute } : null;
}

/**
 * Parses a list of closed dates, "2026-12-25, 2027-01-01" (commas or spaces between), into sorted unique
 * YYYY-MM-DD strings; an empty text is no dates. Null when any entry is not a real calendar date.
 */
export function parseHolidays(text: string): string[] | null {
  const entries = text.split(/[\s,]+/).filter((e) => e !== '');
  const dates: string[] = [];
  for (const e of entries) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(e);
    if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
    dates.push(e);
  }
  return [...new Set(dates)].sort();
}
