import { describe, it, expect } from 'vitest';
import { parseNip, NIP_CODES } from '../../../domain/identity/nip.ts';

const MALE = '198503122010011002';
const FEMALE = '199007252015032001';

describe('parseNip (Pasal 9(2)a, 13(1)b)', () => {
  it('reads birth date, appointment, gender and serial of a man', () => {
    expect(parseNip(MALE)).toEqual({
      ok: true,
      value: { value: MALE, birthDate: '1985-03-12', appointment: '2010-01', gender: 'male', serial: '002' },
    });
  });

  it('reads a woman', () => {
    const r = parseNip(FEMALE);
    expect(r.ok && r.value).toMatchObject({ birthDate: '1990-07-25', appointment: '2015-03', gender: 'female', serial: '001' });
  });

  it.each([
    ['spaces between the groups', '19850312 201001 1 002'],
    ['surrounding spaces', `  ${MALE}  `],
    ['double spaces and a tab', '19850312  201001\t1 002'],
  ])('ignores whitespace: %s', (_label, input) => {
    const r = parseNip(input);
    expect(r.ok && r.value.value).toBe(MALE);
  });

  it.each([
    ['a letter O for zero', '1985O3122010011002', 5],
    ['dots between the groups', '19850312.201001.1.002', 9],
    ['dashes between the groups', '19850312-201001-1-002', 9],
    ['a "NIP" prefix', 'NIP 198503122010011002', 1],
    ['full-width digits', '１９8503122010011002', 1],
  ])('refuses a NIP with %s', (_label, input, position) => {
    expect(parseNip(input)).toEqual({ ok: false, code: 'NIP.NOT_DIGITS', params: { position } });
  });

  it.each([
    ['empty', '', 0],
    ['17 digits', '19850312201001100', 17],
    ['19 digits', '1985031220100110021', 19],
    ['a 16-digit NIK instead', '6171011203850003', 16],
    ['the old 9-digit NIP', '140123456', 9],
  ])('refuses a NIP of the wrong length: %s', (_label, input, length) => {
    expect(parseNip(input)).toEqual({ ok: false, code: 'NIP.BAD_LENGTH', params: { length } });
  });

  it.each([
    ['birth day is 00', '198503002010011002'],
    ['birth day is 32', '198503322010011002'],
    ['birth month is 00', '198500122010011002'],
    ['birth month is 13', '198513122010011002'],
    ['birth date is 30 February', '198502302010011002'],
    ['birth date is 31 November', '198511312010011002'],
    ['birth date is 29 February of a non-leap year', '198502292010011002'],
    ['birth date is 29 February 1900', '190002292010011002'],
    ['birth year is before 1940', '193912312010011002'],
    ['birth year is after 2015', '201601012035011002'],
    ['birth year is a female NIK day (day + 40)', '198503522010011002'],
  ])('refuses a NIP whose %s', (_label, input) => {
    expect(parseNip(input)).toEqual({ ok: false, code: 'NIP.BAD_BIRTH_DATE', params: { minYear: 1940, maxYear: 2015 } });
  });

  it.each([
    ['29 February 1984', '198402292010011002'],
    ['1 January 1940', '194001011965011002'],
    ['31 December 2015', '201512312032121002'],
  ])('accepts a birth date on the edge: %s', (_label, input) => {
    expect(parseNip(input).ok).toBe(true);
  });

  it.each([
    ['appointment month is 00', '198503122010001002'],
    ['appointment month is 13', '198503122010131002'],
    ['appointment is before birth', '198503121980011002'],
    ['appointment is at age 16', '198503122001011002'],
    ['appointment year is a typo (2100)', '198503122100011002'],
  ])('refuses a NIP whose %s', (_label, input) => {
    expect(parseNip(input)).toEqual({ ok: false, code: 'NIP.BAD_APPOINTMENT', params: { minAge: 17, maxAge: 60 } });
  });

  it('accepts an appointment in the year of the 17th birthday', () => {
    expect(parseNip('198503122002121002').ok).toBe(true);
  });

  it.each(['0', '3', '9'])('refuses a NIP whose gender digit is %s', (digit) => {
    expect(parseNip(`19850312201001${digit}002`)).toEqual({ ok: false, code: 'NIP.BAD_GENDER', params: {} });
  });

  it('refuses a NIP whose serial is 000', () => {
    expect(parseNip('198503122010011000')).toEqual({ ok: false, code: 'NIP.BAD_SERIAL', params: {} });
  });

  it('exports every code it can return', () => {
    expect(NIP_CODES).toEqual(['NIP.NOT_DIGITS', 'NIP.BAD_LENGTH', 'NIP.BAD_BIRTH_DATE', 'NIP.BAD_APPOINTMENT', 'NIP.BAD_GENDER', 'NIP.BAD_SERIAL']);
  });
});
