import { ok, refuse, type Result } from '../shared/result.ts';
import type { Nik } from './nik.ts';
import type { Nip } from './nip.ts';

/**
 * Both numbers carry the birth date and the gender; when they disagree, at least one of them is not
 * the applicant's (Pasal 9(2)a: identity from the official ID and ASN membership). The NIK only
 * knows the last two digits of the year, so that is all that is compared.
 */
export const IDENTITY_CODES = ['IDENTITY.BIRTH_DATE_MISMATCH', 'IDENTITY.GENDER_MISMATCH'] as const;
export type IdentityCode = (typeof IDENTITY_CODES)[number];

/**
 * @example
 * const r = matchNikNip(nik, nip);
 * if (!r.ok) return reply(t.message(r.code, r.params));
 */
export function matchNikNip(nik: Nik, nip: Nip): Result<void, IdentityCode> {
  const [year = '', month = '', day = ''] = nip.birthDate.split('-');
  const sameDate =
    Number(day) === nik.birthDay && Number(month) === nik.birthMonth && Number(year) % 100 === nik.birthYearTwoDigits;
  if (!sameDate) return refuse('IDENTITY.BIRTH_DATE_MISMATCH');
  if (nik.gender !== nip.gender) return refuse('IDENTITY.GENDER_MISMATCH');
  return ok(undefined);
}
