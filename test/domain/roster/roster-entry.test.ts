import { describe, it, expect } from 'vitest';
import { validateRosterEntry, ROSTER_CODES, type RawRosterRow } from '../../../domain/roster/roster-entry.ts';

const CITY = ['pontianak.go.id'] as const;

const asn: RawRosterRow = {
  nip: '19850312 201001 1 002',
  nik: '6171011203850003',
  name: '  Budi   Santoso ',
  email: 'Budi.Santoso@Diskominfo.Pontianak.go.id',
  agency: 'Dinas Komunikasi dan Informatika',
  position: 'Pranata Komputer Ahli Muda',
  superior_nip: '199007252015032001',
  category: '',
};

const walikota: RawRosterRow = {
  nip: '',
  nik: '6171034507700001',
  name: 'Siti Aminah',
  email: 'walikota@pontianak.go.id',
  agency: 'Pemerintah Kota Pontianak',
  position: 'Walikota',
  superior_nip: '',
  category: 'official',
};

const row = (base: RawRosterRow, patch: Partial<RawRosterRow>): RawRosterRow => ({ ...base, ...patch });

describe('validateRosterEntry (Pasal 9(2)a, 13(1), 15(2)b-c)', () => {
  it('accepts an ASN and normalises NIP, name and e-mail', () => {
    expect(validateRosterEntry(asn, CITY)).toEqual({
      ok: true,
      value: {
        nip: '198503122010011002',
        nik: '6171011203850003',
        name: 'Budi Santoso',
        email: 'budi.santoso@diskominfo.pontianak.go.id',
        agency: 'Dinas Komunikasi dan Informatika',
        position: 'Pranata Komputer Ahli Muda',
        superiorNip: '199007252015032001',
        category: 'asn',
      },
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '  '],
    ['"asn"', 'asn'],
    ['"ASN" in capitals', ' ASN '],
  ])('treats a category that is %s as asn', (_label, category) => {
    const { category: _drop, ...rest } = asn;
    const input: RawRosterRow = category === undefined ? rest : { ...rest, category };
    const r = validateRosterEntry(input, CITY);
    expect(r.ok && r.value.category).toBe('asn');
  });

  it('accepts an official (Walikota, Pasal 13(1)a) without a NIP', () => {
    const r = validateRosterEntry(walikota, CITY);
    expect(r.ok && r.value).toMatchObject({ nip: null, category: 'official', superiorNip: null });
  });

  it('accepts an ASN without a superior', () => {
    const r = validateRosterEntry(row(asn, { superior_nip: '  ' }), CITY);
    expect(r.ok && r.value.superiorNip).toBeNull();
  });

  it.each<[string, Partial<RawRosterRow>, string, Record<string, string | number>]>([
    ['an unknown category', { category: 'pihak_lain' }, 'ROSTER.BAD_CATEGORY', { field: 'category' }],
    ['an ASN without a NIP', { nip: '' }, 'NIP.BAD_LENGTH', { field: 'nip', length: 0 }],
    ['an ASN with a NIP containing a letter', { nip: '1985O3122010011002' }, 'NIP.NOT_DIGITS', { field: 'nip', position: 5 }],
    ['an ASN with a NIP born on 30 February', { nip: '198502302010011002' }, 'NIP.BAD_BIRTH_DATE', { field: 'nip', minYear: 1940, maxYear: 2015 }],
    ['an ASN appointed before birth', { nip: '198503121980011002' }, 'NIP.BAD_APPOINTMENT', { field: 'nip', minAge: 17, maxAge: 60 }],
    ['an ASN with NIP gender digit 3', { nip: '198503122010013002' }, 'NIP.BAD_GENDER', { field: 'nip' }],
    ['an ASN with NIP serial 000', { nip: '198503122010011000' }, 'NIP.BAD_SERIAL', { field: 'nip' }],
    ['a NIK of 15 digits', { nik: '617101120385000' }, 'NIK.BAD_LENGTH', { field: 'nik', length: 15 }],
    ['a NIK with a letter', { nik: '6171011203850OO3' }, 'NIK.NOT_DIGITS', { field: 'nik', position: 14 }],
    ['a NIK with an unknown province', { nik: '9971011203850003' }, 'NIK.BAD_REGION', { field: 'nik', digits: '1-2' }],
    ['a NIK born on day 32', { nik: '6171013203850003' }, 'NIK.BAD_BIRTH_DATE', { field: 'nik' }],
    ['a NIK with serial 0000', { nik: '6171011203850000' }, 'NIK.BAD_SERIAL', { field: 'nik' }],
    ['a NIK and NIP with different birth dates', { nik: '6171011303850003' }, 'IDENTITY.BIRTH_DATE_MISMATCH', { field: 'nik' }],
    ['a female NIK with a male NIP', { nik: '6171015203850003' }, 'IDENTITY.GENDER_MISMATCH', { field: 'nik' }],
    ['an empty name', { name: '' }, 'ROSTER.NAME_MISSING', { field: 'name' }],
    ['a name of only whitespace', { name: ' \t\n ' }, 'ROSTER.NAME_MISSING', { field: 'name' }],
    ['a name of 201 characters', { name: 'a'.repeat(201) }, 'ROSTER.NAME_TOO_LONG', { field: 'name', length: 201, max: 200 }],
    ['a malformed e-mail', { email: 'budi@pontianak' }, 'EMAIL.MALFORMED', { field: 'email' }],
    ['an empty e-mail', { email: '' }, 'EMAIL.MALFORMED', { field: 'email' }],
    ['a Gmail address', { email: 'budi@gmail.com' }, 'EMAIL.NOT_OFFICIAL', { field: 'email', domains: 'pontianak.go.id' }],
    ['a look-alike domain', { email: 'budi@evilpontianak.go.id' }, 'EMAIL.NOT_OFFICIAL', { field: 'email', domains: 'pontianak.go.id' }],
    ['the city domain inside a foreign one', { email: 'budi@pontianak.go.id.evil.com' }, 'EMAIL.NOT_OFFICIAL', { field: 'email', domains: 'pontianak.go.id' }],
    ['an empty agency', { agency: '  ' }, 'ROSTER.AGENCY_MISSING', { field: 'agency' }],
    ['an empty position', { position: '' }, 'ROSTER.POSITION_MISSING', { field: 'position' }],
    ['a superior NIP of 17 digits', { superior_nip: '19900725201503200' }, 'ROSTER.BAD_SUPERIOR_NIP', { field: 'superior_nip', cause: 'NIP.BAD_LENGTH' }],
    ['a superior NIP with serial 000', { superior_nip: '199007252015032000' }, 'ROSTER.BAD_SUPERIOR_NIP', { field: 'superior_nip', cause: 'NIP.BAD_SERIAL' }],
    ['the own NIP as superior', { superior_nip: '198503122010011002' }, 'ROSTER.SELF_SUPERIOR', { field: 'superior_nip' }],
    ['the own NIP as superior, written with spaces', { superior_nip: '19850312 201001 1 002' }, 'ROSTER.SELF_SUPERIOR', { field: 'superior_nip' }],
  ])('refuses a row with %s', (_label, patch, code, params) => {
    expect(validateRosterEntry(row(asn, patch), CITY)).toEqual({ ok: false, code, params });
  });

  it.each<[string, Partial<RawRosterRow>, string]>([
    ['a NIP', { nip: '197001012000011001' }, 'ROSTER.OFFICIAL_WITH_NIP'],
    ['a malformed NIP', { nip: 'x' }, 'ROSTER.OFFICIAL_WITH_NIP'],
    ['a bad NIK', { nik: '6171030007700001' }, 'NIK.BAD_BIRTH_DATE'],
    ['a personal e-mail', { email: 'walikota.pontianak@yahoo.co.id' }, 'EMAIL.NOT_OFFICIAL'],
  ])('refuses an official with %s', (_label, patch, code) => {
    const r = validateRosterEntry(row(walikota, patch), CITY);
    expect(r.ok ? undefined : r.code).toBe(code);
  });

  it('does not compare an official\'s NIK with a NIP they do not have', () => {
    expect(validateRosterEntry(row(walikota, { category: 'Official' }), CITY).ok).toBe(true);
  });

  it('never puts a value from the row in refusal params', () => {
    const secrets = [asn.nik, '198503122010011002', 'Budi', 'budi', 'Diskominfo', 'gmail'];
    const patches: Partial<RawRosterRow>[] = [
      { nik: '6171011303850003' },
      { email: 'budi@gmail.com' },
      { superior_nip: '198503122010011002' },
      { superior_nip: '1985031220100110' },
      { name: 'Budi '.repeat(50) },
    ];
    for (const patch of patches) {
      const r = validateRosterEntry(row(asn, patch), CITY);
      expect(r.ok).toBe(false);
      if (!r.ok) for (const s of secrets) expect(JSON.stringify(r.params)).not.toContain(s);
    }
  });

  it('exports its own codes', () => {
    expect(ROSTER_CODES).toHaveLength(8);
  });
});
