import { describe, it, expect } from 'vitest';
import { verifyIssuance, allPass, type IssuanceFacts } from '../../domain/issuance/verification.ts';
import { RULE_CODES, type RuleCode } from '../../domain/issuance/verification-rules.ts';
import type { RosterPerson } from '../../domain/roster/roster-person.ts';
import { fakeNikLookup } from '../support/fake-ports.ts';

const CITY = ['pontianak.go.id'];

const MALE = { nip: '198503122010011002', nik: '6171011203850003', email: 'andi.pratama@pontianak.go.id' };
const FEMALE = { nip: '199007252015032001', nik: '6171026507900002', email: 'siti.aminah@pontianak.go.id' };

const andiOnRoster: RosterPerson = {
  personId: '3f0c6f1e-8a47-4b1e-9d52-1c2b3a4d5e6f', nip: MALE.nip, name: 'Andi Pratama', email: MALE.email,
  agency: 'Dinas Komunikasi dan Informatika', position: 'Pranata Komputer', superiorNip: FEMALE.nip,
  category: 'asn', active: true, nikLookup: fakeNikLookup(MALE.nik),
};

const walikota: RosterPerson = {
  personId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nip: null, name: 'Walikota Pontianak', email: 'walikota@pontianak.go.id',
  agency: 'Pemerintah Kota Pontianak', position: 'Walikota', superiorNip: null, category: 'official', active: true,
  nikLookup: fakeNikLookup('6171034507700001'),
};

const ALL_DOCUMENTS: IssuanceFacts['documents'] = [
  { kind: 'cover_letter', mediaType: 'application/pdf' },
  { kind: 'recommendation', mediaType: 'application/pdf' },
  { kind: 'ktp_scan', mediaType: 'image/jpeg' },
];

/** A complete application by Andi, as the use case gathers it; each case changes what it is about. */
const facts = (patch: Partial<IssuanceFacts> = {}): IssuanceFacts => ({
  email: MALE.email, nik: MALE.nik, nip: MALE.nip, documents: ALL_DOCUMENTS, rosterEntry: andiOnRoster,
  nikLookup: fakeNikLookup(MALE.nik), outsiderPermitted: false, officialDomains: CITY, ...patch,
});

const without = (kind: string): IssuanceFacts['documents'] => ALL_DOCUMENTS.filter((d) => d.kind !== kind);

/** The six outcomes in rule order: every rule passes except those named. */
const expected = (failures: Partial<Record<RuleCode, string>> = {}): [RuleCode, boolean, string][] =>
  RULE_CODES.map((rule) => {
    const code = failures[rule];
    return code === undefined ? [rule, true, 'VERIFY.OK'] : [rule, false, code];
  });

const CASES: [string, IssuanceFacts, Partial<Record<RuleCode, string>>][] = [
  ['every item holds (male ASN)', facts(), {}],
  ['every item holds (female ASN)', facts({
    email: FEMALE.email, nik: FEMALE.nik, nip: FEMALE.nip, nikLookup: fakeNikLookup(FEMALE.nik),
    rosterEntry: { ...andiOnRoster, nip: FEMALE.nip, email: FEMALE.email, nikLookup: fakeNikLookup(FEMALE.nik) },
  }), {}],
  ['a PNG or PDF e-KTP scan is as good as a JPEG', facts({
    documents: [...without('ktp_scan'), { kind: 'ktp_scan', mediaType: 'image/png' }, { kind: 'ktp_scan', mediaType: 'application/pdf' }],
  }), {}],
  ['the dinas address in another case and with spaces', facts({ email: '  Andi.Pratama@Pontianak.GO.ID ' }), {}],
  ['an address on a subdomain of the city', facts({
    email: 'andi.pratama@diskominfo.pontianak.go.id', rosterEntry: { ...andiOnRoster, email: 'andi.pratama@diskominfo.pontianak.go.id' },
  }), {}],

  // Pasal 15(2)a-b, d: the documents.
  ['the cover letter is missing (Pasal 15(2)a)', facts({ documents: without('cover_letter') }), { cover_letter: 'VERIFY.COVER_LETTER_MISSING' }],
  ['the recommendation is missing (Pasal 15(2)b)', facts({ documents: without('recommendation') }), { recommendation: 'VERIFY.RECOMMENDATION_MISSING' }],
  ['the e-KTP scan is missing (Pasal 15(2)d)', facts({ documents: without('ktp_scan') }), { ktp_scan: 'VERIFY.KTP_SCAN_MISSING' }],
  ['no document at all', facts({ documents: [] }), {
    cover_letter: 'VERIFY.COVER_LETTER_MISSING', recommendation: 'VERIFY.RECOMMENDATION_MISSING', ktp_scan: 'VERIFY.KTP_SCAN_MISSING',
  }],
  ['the e-KTP scan is a GIF', facts({ documents: [...without('ktp_scan'), { kind: 'ktp_scan', mediaType: 'image/gif' }] }), {
    ktp_scan: 'VERIFY.KTP_SCAN_MISSING',
  }],
  ['the e-KTP scan is a ZIP', facts({ documents: [...without('ktp_scan'), { kind: 'ktp_scan', mediaType: 'application/zip' }] }), {
    ktp_scan: 'VERIFY.KTP_SCAN_MISSING',
  }],
  ['an e-KTP image filed as another kind', facts({ documents: [...without('ktp_scan'), { kind: 'other', mediaType: 'image/jpeg' }] }), {
    ktp_scan: 'VERIFY.KTP_SCAN_MISSING',
  }],

  // Pasal 15(2)c: the dinas e-mail. The roster holds the dinas address, so it disagrees as well (16(4)).
  ['a foreign e-mail domain', facts({ email: 'andi.pratama@gmail.com' }), {
    official_email: 'VERIFY.EMAIL_NOT_OFFICIAL', roster: 'VERIFY.ROSTER_EMAIL_MISMATCH',
  }],
  ['a look-alike domain ending in the city domain', facts({ email: 'andi.pratama@evilpontianak.go.id' }), {
    official_email: 'VERIFY.EMAIL_NOT_OFFICIAL', roster: 'VERIFY.ROSTER_EMAIL_MISMATCH',
  }],
  ['a look-alike domain starting with the city domain', facts({ email: 'andi.pratama@pontianak.go.id.evil.com' }), {
    official_email: 'VERIFY.EMAIL_NOT_OFFICIAL', roster: 'VERIFY.ROSTER_EMAIL_MISMATCH',
  }],
  ['a malformed e-mail', facts({ email: 'andi.pratama@@pontianak.go.id' }), {
    official_email: 'EMAIL.MALFORMED', roster: 'VERIFY.ROSTER_EMAIL_MISMATCH',
  }],

  // Pasal 9(2)a: identity. Without a well-formed NIK the use case has no lookup hash either.
  ['the NIK is missing', facts({ nik: null, nikLookup: null }), { identity: 'VERIFY.NIK_MISSING', roster: 'VERIFY.ROSTER_NIK_MISMATCH' }],
  ['the NIK is too short', facts({ nik: '617101120385', nikLookup: null }), { identity: 'NIK.BAD_LENGTH', roster: 'VERIFY.ROSTER_NIK_MISMATCH' }],
  ['the NIK has a letter', facts({ nik: '6171O11203850003', nikLookup: null }), { identity: 'NIK.NOT_DIGITS', roster: 'VERIFY.ROSTER_NIK_MISMATCH' }],
  // A malformed NIP finds nobody on the roster.
  ['the NIP is too short', facts({ nip: '19850312201001100', rosterEntry: null }), { identity: 'NIP.BAD_LENGTH', roster: 'VERIFY.NOT_ON_ROSTER' }],
  ['the NIP has a bad gender digit', facts({ nip: '198503122010013002', rosterEntry: null }), { identity: 'NIP.BAD_GENDER', roster: 'VERIFY.NOT_ON_ROSTER' }],
  ['the NIK and NIP disagree on the birth date', facts({ nik: FEMALE.nik, nikLookup: fakeNikLookup(FEMALE.nik) }), {
    identity: 'IDENTITY.BIRTH_DATE_MISMATCH', roster: 'VERIFY.ROSTER_NIK_MISMATCH',
  }],
  ['the NIK and NIP disagree on the gender', facts({ nik: '6171015203850003', nikLookup: fakeNikLookup('6171015203850003') }), {
    identity: 'IDENTITY.GENDER_MISMATCH', roster: 'VERIFY.ROSTER_NIK_MISMATCH',
  }],
  ['an ASN gives no NIP (found on the roster by e-mail)', facts({ nip: null }), { identity: 'VERIFY.NIP_MISSING' }],
  ['an official (Walikota, Pasal 13(1)a) has no NIP', facts({
    email: walikota.email, nik: '6171034507700001', nip: null, rosterEntry: walikota, nikLookup: fakeNikLookup('6171034507700001'),
  }), {}],

  // Pasal 9(2)a, 13(1): the roster.
  ['the applicant is not on the roster', facts({ rosterEntry: null }), { roster: 'VERIFY.NOT_ON_ROSTER' }],
  ['a "pihak lain" the Pengelola allowed (Pasal 13(1)c)', facts({ rosterEntry: null, outsiderPermitted: true }), {}],
  ['a permitted "pihak lain" without NIP', facts({ rosterEntry: null, nip: null, outsiderPermitted: true }), {}],
  ['the roster entry is inactive', facts({ rosterEntry: { ...andiOnRoster, active: false } }), { roster: 'VERIFY.ROSTER_INACTIVE' }],
  ['the NIK given is not the roster NIK for that NIP', facts({ rosterEntry: { ...andiOnRoster, nikLookup: fakeNikLookup('6171011203850004') } }), {
    roster: 'VERIFY.ROSTER_NIK_MISMATCH',
  }],
  ['another dinas address asks for this NIP (Pasal 16(4))', facts({ email: 'budi.santoso@pontianak.go.id' }), {
    roster: 'VERIFY.ROSTER_EMAIL_MISMATCH',
  }],
];

describe('verifyIssuance (Pasal 15(2)-(3), 9(2)a, 13(1), 16(4))', () => {
  it.each(CASES)('%s', (_label, input, failures) => {
    const checks = verifyIssuance(input);
    expect(checks.map((c) => [c.rule, c.pass, c.code])).toEqual(expected(failures));
    expect(allPass(checks)).toBe(Object.keys(failures).length === 0);
  });

  it('lists exactly the six rules, in the order an officer reads them', () => {
    expect(verifyIssuance(facts()).map((c) => c.rule)).toEqual([
      'cover_letter', 'recommendation', 'official_email', 'ktp_scan', 'identity', 'roster',
    ]);
    expect(verifyIssuance(facts({ documents: [], email: 'x@gmail.com', nik: null, rosterEntry: null })).map((c) => c.rule)).toEqual([...RULE_CODES]);
  });

  it('tells the applicant which domains are accepted', () => {
    const check = verifyIssuance(facts({ email: 'andi.pratama@gmail.com', officialDomains: ['pontianak.go.id', 'pontianakkota.go.id'] }))
      .find((c) => c.rule === 'official_email');
    expect(check?.params).toEqual({ domains: 'pontianak.go.id, pontianakkota.go.id' });
  });

  it('passes the identity module\'s params through (the NIK length, not the NIK)', () => {
    const check = verifyIssuance(facts({ nik: '617101120385', nikLookup: null })).find((c) => c.rule === 'identity');
    expect(check?.params).toEqual({ length: 12 });
  });

  it('never puts the NIK, the NIP or the e-mail address into a check\'s params', () => {
    for (const [, input] of CASES) {
      const text = JSON.stringify(verifyIssuance(input));
      for (const secret of [input.nik, input.nip, input.email.trim()]) {
        if (secret) expect(text).not.toContain(secret);
      }
      expect(text).not.toContain('@');
    }
  });

  it('gives a failing item a code and an empty-or-plain params object, and a passing item VERIFY.OK', () => {
    for (const [, input] of CASES) {
      for (const c of verifyIssuance(input)) {
        expect(c.code === 'VERIFY.OK').toBe(c.pass);
        for (const v of Object.values(c.params)) expect(['string', 'number']).toContain(typeof v);
      }
    }
  });
});
