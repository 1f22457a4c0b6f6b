import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplates } from '../../templates/catalog.ts';
import type { Refusal } from '../../domain/shared/result.ts';
import { parseNik, NIK_CODES } from '../../domain/identity/nik.ts';
import { parseNip, NIP_CODES } from '../../domain/identity/nip.ts';
import { matchNikNip, IDENTITY_CODES } from '../../domain/identity/identity-match.ts';
import { parseOfficialEmail, EMAIL_CODES } from '../../domain/shared/email.ts';
import { validateRosterEntry, ROSTER_CODES, type RawRosterRow } from '../../domain/roster/roster-entry.ts';

const CITY = ['pontianak.go.id'];
const ALL_CODES = [...NIK_CODES, ...NIP_CODES, ...IDENTITY_CODES, ...EMAIL_CODES, ...ROSTER_CODES];

const refusal = (r: { ok: boolean }): Refusal => {
  if (r.ok) throw new Error('expected a refusal');
  return r as Refusal;
};
const get = <T>(r: { ok: true; value: T } | { ok: false }): T => {
  if (!r.ok) throw new Error('expected a value');
  return r.value;
};
const asn: RawRosterRow = {
  nip: '198503122010011002',
  nik: '6171011203850003',
  name: 'Budi Santoso',
  email: 'budi@pontianak.go.id',
  agency: 'Diskominfo',
  position: 'Pranata Komputer',
  superior_nip: '',
};
const roster = (patch: Partial<RawRosterRow>) => refusal(validateRosterEntry({ ...asn, ...patch }, CITY));

/** One real refusal per code, produced by the domain itself, so the params are exactly what callers get. */
const REFUSALS: Record<(typeof ALL_CODES)[number], () => Refusal> = {
  'NIK.NOT_DIGITS': () => refusal(parseNik('6171O11203850003')),
  'NIK.BAD_LENGTH': () => refusal(parseNik('617101120385')),
  'NIK.BAD_REGION': () => refusal(parseNik('9971011203850003')),
  'NIK.BAD_BIRTH_DATE': () => refusal(parseNik('6171013002850003')),
  'NIK.BAD_SERIAL': () => refusal(parseNik('6171011203850000')),
  'NIP.NOT_DIGITS': () => refusal(parseNip('19850312-201001-1-002')),
  'NIP.BAD_LENGTH': () => refusal(parseNip('1985031220100110')),
  'NIP.BAD_BIRTH_DATE': () => refusal(parseNip('198502302010011002')),
  'NIP.BAD_APPOINTMENT': () => refusal(parseNip('198503122010131002')),
  'NIP.BAD_GENDER': () => refusal(parseNip('198503122010013002')),
  'NIP.BAD_SERIAL': () => refusal(parseNip('198503122010011000')),
  'IDENTITY.BIRTH_DATE_MISMATCH': () => refusal(matchNikNip(get(parseNik('6171011303850003')), get(parseNip(asn.nip)))),
  'IDENTITY.GENDER_MISMATCH': () => refusal(matchNikNip(get(parseNik('6171015203850003')), get(parseNip(asn.nip)))),
  'EMAIL.MALFORMED': () => refusal(parseOfficialEmail('budi@@pontianak.go.id', CITY)),
  'EMAIL.NOT_OFFICIAL': () => refusal(parseOfficialEmail('budi@gmail.com', CITY)),
  'ROSTER.BAD_CATEGORY': () => roster({ category: 'kontrak' }),
  'ROSTER.OFFICIAL_WITH_NIP': () => roster({ category: 'official' }),
  'ROSTER.NAME_MISSING': () => roster({ name: ' ' }),
  'ROSTER.NAME_TOO_LONG': () => roster({ name: 'a'.repeat(250) }),
  'ROSTER.AGENCY_MISSING': () => roster({ agency: '' }),
  'ROSTER.POSITION_MISSING': () => roster({ position: '' }),
  'ROSTER.BAD_SUPERIOR_NIP': () => roster({ superior_nip: '123' }),
  'ROSTER.SELF_SUPERIOR': () => roster({ superior_nip: asn.nip }),
};

describe('identity messages (templates/id/messages/identity.json)', () => {
  const t = createTemplates();

  it.each(ALL_CODES)('renders %s from the params the domain gives', (code) => {
    const r = REFUSALS[code]();
    expect(r.code).toBe(code);
    expect(t.has(code)).toBe(true);
    const text = t.message(code, r.params);
    expect(text.length).toBeGreaterThan(30);
    expect(text).not.toMatch(/undefined|null|NaN|\{\{|\}\}/);
    // Every message says what to do next (Pasal 15(5): reasons the applicant can act on).
    expect(text).toMatch(/\b(Periksa|Pastikan|Perbaiki|Isi|Kosongkan|Gunakan|Tulis|Ketik|Salin)\b/);
  });

  it('defines exactly the codes the identity, e-mail and roster modules export', () => {
    const file = fileURLToPath(new URL('../../templates/id/messages/identity.json', import.meta.url));
    const keys = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
    expect(keys.sort()).toEqual([...ALL_CODES].sort());
  });

  it('puts the numbers from the params into the sentence', () => {
    expect(t.message('NIK.BAD_LENGTH', { length: 15 })).toContain('15 digit');
    expect(t.message('EMAIL.NOT_OFFICIAL', { domains: 'pontianak.go.id' })).toContain('pontianak.go.id');
  });
});
