import { ok, refuse, type Result } from '../shared/result.ts';
import type { Gender } from './nik.ts';

/**
 * NIP (Nomor Induk Pegawai), the 18-digit number of a civil servant (Peraturan Kepala BKN 22/2007),
 * checked for form only: ASN membership is part of identity verification (Pasal 9(2)a) and the
 * Walikota and Wakil Walikota are the only users without one (Pasal 13(1)a).
 *
 * Layout: `YYYYMMDD YYYYMM G SSS` — birth date, appointment as CPNS (TMT CPNS), gender, serial.
 */
export const NIP_CODES = [
  'NIP.NOT_DIGITS',
  'NIP.BAD_LENGTH',
  'NIP.BAD_BIRTH_DATE',
  'NIP.BAD_APPOINTMENT',
  'NIP.BAD_GENDER',
  'NIP.BAD_SERIAL',
] as const;
export type NipCode = (typeof NIP_CODES)[number];

export interface Nip {
  /** The 18 digits, whitespace removed. */
  readonly value: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** `YYYY-MM`: the TMT CPNS. */
  readonly appointment: string;
  readonly gender: Gender;
  /** Digits 16–18, e.g. `002`. */
  readonly serial: string;
}

/**
 * Plausible birth years of an ASN (the range the RA chose). Anyone born before 1940 had retired (at
 * 65 at the latest) before the 18-digit NIP was introduced in 2008; anyone born after 2015 cannot be
 * appointed for years to come. Both are wide on purpose: the roster is the real check.
 */
export const NIP_BIRTH_YEAR_MIN = 1940;
export const NIP_BIRTH_YEAR_MAX = 2015;
/**
 * Age at appointment, compared by year only. 17 is the floor the RA asked for (CPNS recruitment
 * starts at 18); 60 only catches a mistyped year such as `2100`, since nobody becomes CPNS at 60.
 */
export const NIP_APPOINTMENT_AGE_MIN = 17;
export const NIP_APPOINTMENT_AGE_MAX = 60;

/**
 * Parses a NIP as typed by a person: whitespace between the groups (`19850312 201001 1 002`) is
 * ignored, anything else that is not an ASCII digit is refused.
 *
 * @example
 * const r = parseNip('19850312 201001 1 002');
 * if (r.ok) r.value.appointment; // '2010-01'
 */
export function parseNip(input: string): Result<Nip, NipCode> {
  const trimmed = input.trim();
  const bad = trimmed.search(/[^0-9\s]/);
  if (bad >= 0) return refuse('NIP.NOT_DIGITS', { position: bad + 1 });
  const value = trimmed.replace(/\s+/g, '');
  if (value.length !== 18) return refuse('NIP.BAD_LENGTH', { length: value.length });

  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  if (year < NIP_BIRTH_YEAR_MIN || year > NIP_BIRTH_YEAR_MAX || !isRealDate(year, month, day)) {
    return refuse('NIP.BAD_BIRTH_DATE', { minYear: NIP_BIRTH_YEAR_MIN, maxYear: NIP_BIRTH_YEAR_MAX });
  }

  const appointedYear = Number(value.slice(8, 12));
  const appointedMonth = Number(value.slice(12, 14));
  const age = appointedYear - year;
  if (appointedMonth < 1 || appointedMonth > 12 || age < NIP_APPOINTMENT_AGE_MIN || age > NIP_APPOINTMENT_AGE_MAX) {
    return refuse('NIP.BAD_APPOINTMENT', { minAge: NIP_APPOINTMENT_AGE_MIN, maxAge: NIP_APPOINTMENT_AGE_MAX });
  }

  const genderDigit = value.charAt(14);
  if (genderDigit !== '1' && genderDigit !== '2') return refuse('NIP.BAD_GENDER');

  const serial = value.slice(15);
  if (serial === '000') return refuse('NIP.BAD_SERIAL');

  return ok({
    value,
    birthDate: `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`,
    appointment: `${value.slice(8, 12)}-${value.slice(12, 14)}`,
    gender: genderDigit === '1' ? 'male' : 'female',
    serial,
  });
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
