import { ok, refuse, type Params, type Refusal, type Result } from '../shared/result.ts';
import { parseNik, type NikCode } from '../identity/nik.ts';
import { parseNip, type NipCode } from '../identity/nip.ts';
import { matchNikNip, type IdentityCode } from '../identity/identity-match.ts';
import { parseOfficialEmail, type EmailCode } from '../shared/email.ts';

/**
 * Who may hold a city certificate without the Pengelola's permission (Pasal 13(1)a-b): `asn`, every
 * civil servant of the city, and `official`, the Walikota and Wakil Walikota, who have no NIP.
 * "Pihak lain" (13(1)c) are not on the roster.
 */
export type PersonCategory = 'asn' | 'official';
export const PERSON_CATEGORIES: readonly PersonCategory[] = ['asn', 'official'];

/**
 * One validated row of the ASN roster: the reference for identity and ASN membership (Pasal 9(2)a),
 * for the superior who recommends (15(2)b) and for the dinas e-mail (15(2)c).
 */
export interface RosterEntry {
  /** 18 digits; `null` exactly when `category` is `official`. */
  readonly nip: string | null;
  readonly nik: string;
  /** Whitespace collapsed. */
  readonly name: string;
  /** Lower-case, on an official domain. */
  readonly email: string;
  readonly agency: string;
  readonly position: string;
  readonly superiorNip: string | null;
  readonly category: PersonCategory;
}

/** A roster row as it comes from the roster file (CSV columns), before any check. */
export interface RawRosterRow {
  readonly nip: string;
  readonly nik: string;
  readonly name: string;
  readonly email: string;
  readonly agency: string;
  readonly position: string;
  readonly superior_nip: string;
  /** Empty or absent means `asn`. */
  readonly category?: string;
}

export const ROSTER_CODES = [
  'ROSTER.BAD_CATEGORY',
  'ROSTER.OFFICIAL_WITH_NIP',
  'ROSTER.NAME_MISSING',
  'ROSTER.NAME_TOO_LONG',
  'ROSTER.AGENCY_MISSING',
  'ROSTER.POSITION_MISSING',
  'ROSTER.BAD_SUPERIOR_NIP',
  'ROSTER.SELF_SUPERIOR',
] as const;
export type RosterCode = (typeof ROSTER_CODES)[number] | NikCode | NipCode | IdentityCode | EmailCode;

export const ROSTER_NAME_MAX_LENGTH = 200;

/**
 * Checks one roster row and returns the first problem. Every refusal carries `field` (the column
 * name) so an import report can point at the cell; no refusal carries a value from the row.
 *
 * @example
 * const r = validateRosterEntry(row, ['pontianak.go.id']);
 * if (!r.ok) report(line, t.message(r.code, r.params));
 */
export function validateRosterEntry(raw: RawRosterRow, officialDomains: readonly string[]): Result<RosterEntry, RosterCode> {
  const categoryText = (raw.category ?? '').trim().toLowerCase() || 'asn';
  const category = PERSON_CATEGORIES.find((c) => c === categoryText);
  if (category === undefined) return refuse('ROSTER.BAD_CATEGORY', { field: 'category' });

  let nip: string | null = null;
  const nipParsed = parseNip(raw.nip);
  if (category === 'official') {
    if (raw.nip.trim() !== '') return refuse('ROSTER.OFFICIAL_WITH_NIP', { field: 'nip' });
  } else if (!nipParsed.ok) {
    return inField(nipParsed, 'nip');
  } else {
    nip = nipParsed.value.value;
  }

  const nik = parseNik(raw.nik);
  if (!nik.ok) return inField(nik, 'nik');
  if (nipParsed.ok && category === 'asn') {
    const match = matchNikNip(nik.value, nipParsed.value);
    if (!match.ok) return inField(match, 'nik');
  }

  const name = collapse(raw.name);
  if (name === '') return refuse('ROSTER.NAME_MISSING', { field: 'name' });
  const nameLength = [...name].length;
  if (nameLength > ROSTER_NAME_MAX_LENGTH) {
    return refuse('ROSTER.NAME_TOO_LONG', { field: 'name', length: nameLength, max: ROSTER_NAME_MAX_LENGTH });
  }

  const email = parseOfficialEmail(raw.email, officialDomains);
  if (!email.ok) return inField(email, 'email');

  const agency = collapse(raw.agency);
  if (agency === '') return refuse('ROSTER.AGENCY_MISSING', { field: 'agency' });
  const position = collapse(raw.position);
  if (position === '') return refuse('ROSTER.POSITION_MISSING', { field: 'position' });

  let superiorNip: string | null = null;
  if (raw.superior_nip.trim() !== '') {
    const superior = parseNip(raw.superior_nip);
    if (!superior.ok) return refuse('ROSTER.BAD_SUPERIOR_NIP', { field: 'superior_nip', cause: superior.code });
    if (superior.value.value === nip) return refuse('ROSTER.SELF_SUPERIOR', { field: 'superior_nip' });
    superiorNip = superior.value.value;
  }

  return ok({ nip, nik: nik.value.value, name, email: email.value, agency, position, superiorNip, category });
}

const collapse = (s: string): string => s.trim().replace(/\s+/g, ' ');

const inField = <C extends RosterCode>(r: Refusal<C>, field: string): Refusal<C> => {
  const params: Params = { ...r.params, field };
  return refuse(r.code, params);
};
