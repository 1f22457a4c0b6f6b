import { ok, refuse, type Result } from '../shared/result.ts';

/**
 * NIK (Nomor Induk Kependudukan), the 16-digit number on the e-KTP, checked for form only: the RA
 * verifies identity "berdasarkan identitas resmi" (Pasal 9(2)a) and the e-KTP is that document
 * (Pasal 15(2)d). A well-formed NIK is not yet a genuine one; the roster match does that.
 *
 * Layout: `PP KK CC DDMMYY SSSS` — province, regency/city, district, birth date (women: day + 40),
 * serial.
 */
export const NIK_CODES = ['NIK.NOT_DIGITS', 'NIK.BAD_LENGTH', 'NIK.BAD_REGION', 'NIK.BAD_BIRTH_DATE', 'NIK.BAD_SERIAL'] as const;
export type NikCode = (typeof NIK_CODES)[number];

export type Gender = 'male' | 'female';

export interface Nik {
  /** The 16 digits, whitespace removed. Personal data: never log it, never put it in refusal params. */
  readonly value: string;
  /** Digits 1–6: province, regency/city, district (e.g. `617101`, Pontianak Selatan). */
  readonly regionCode: string;
  /** 1–31: the real day, with the +40 for women already taken off. */
  readonly birthDay: number;
  readonly birthMonth: number;
  /** 0–99: the NIK does not say the century. */
  readonly birthYearTwoDigits: number;
  readonly gender: Gender;
}

/**
 * Province codes of Kemendagri (Permendagri on kode wilayah, 38 provinces). The Papua range is taken
 * whole (91–97): Kemendagri numbers the 2022 provinces 93–96, BPS uses 94–97, and NIKs issued before
 * the split keep their old code. Refusing a genuine e-KTP costs more than accepting a typo here,
 * because the roster match catches a wrong NIK anyway.
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15', '16', '17', '18', '19', '21'], // Sumatra, Kepulauan Riau
  ...['31', '32', '33', '34', '35', '36'], // Java
  ...['51', '52', '53'], // Bali, Nusa Tenggara
  ...['61', '62', '63', '64', '65'], // Kalimantan (61 = Kalimantan Barat)
  ...['71', '72', '73', '74', '75', '76'], // Sulawesi
  ...['81', '82'], // Maluku
  ...['91', '92', '93', '94', '95', '96', '97'], // Papua
]);

/** Women's NIK carries the birth day plus 40 (41–71). */
const FEMALE_DAY_OFFSET = 40;

/**
 * Parses a NIK as typed by a person: surrounding and inner whitespace is ignored (people copy
 * `6171 0112 0385 0003` from forms), anything else that is not an ASCII digit is refused.
 *
 * The two-digit year is accepted when the date exists in 19YY or in 20YY; only 29 February depends on
 * it, so `290200` is valid (2000 was a leap year) while `290201` is not.
 *
 * @example
 * const r = parseNik('6171011203850003');
 * if (r.ok) r.value.gender; // 'male'
 */
export function parseNik(input: string): Result<Nik, NikCode> {
  const trimmed = input.trim();
  const bad = trimmed.search(/[^0-9\s]/);
  if (bad >= 0) return refuse('NIK.NOT_DIGITS', { position: bad + 1 });
  const value = trimmed.replace(/\s+/g, '');
  if (value.length !== 16) return refuse('NIK.BAD_LENGTH', { length: value.length });

  if (!PROVINCE_CODES.has(value.slice(0, 2))) return refuse('NIK.BAD_REGION', { digits: '1-2' });
  if (value.slice(2, 4) === '00') return refuse('NIK.BAD_REGION', { digits: '3-4' });
  if (value.slice(4, 6) === '00') return refuse('NIK.BAD_REGION', { digits: '5-6' });

  const rawDay = Number(value.slice(6, 8));
  const birthMonth = Number(value.slice(8, 10));
  const birthYearTwoDigits = Number(value.slice(10, 12));
  const gender: Gender = rawDay > FEMALE_DAY_OFFSET ? 'female' : 'male';
  const birthDay = gender === 'female' ? rawDay - FEMALE_DAY_OFFSET : rawDay;
  const realInSomeCentury =
    isRealDate(1900 + birthYearTwoDigits, birthMonth, birthDay) || isRealDate(2000 + birthYearTwoDigits, birthMonth, birthDay);
  if (!realInSomeCentury) return refuse('NIK.BAD_BIRTH_DATE');

  if (value.slice(12) === '0000') return refuse('NIK.BAD_SERIAL');

  return ok({ value, regionCode: value.slice(0, 6), birthDay, birthMonth, birthYearTwoDigits, gender });
}

/**
 * The NIK as it may be echoed back to a person or shown to an officer: first 4 and last 4 digits
 * visible (`6171********0003`). Anything shorter than 9 characters is masked whole.
 */
export function maskNik(nik: Nik | string): string {
  const value = typeof nik === 'string' ? nik : nik.value;
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
