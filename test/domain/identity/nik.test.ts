import { describe, it, expect } from 'vitest';
import { parseNik, maskNik, NIK_CODES } from '../../../domain/identity/nik.ts';

const MALE = '6171011203850003'; // Pontianak Selatan, 12 March 1985
const FEMALE = '6171026507900002'; // Pontianak Timur, 25 July 1990

describe('parseNik (Pasal 9(2)a, 15(2)d)', () => {
  it('reads region, birth date and gender of a man', () => {
    expect(parseNik(MALE)).toEqual({
      ok: true,
      value: { value: MALE, regionCode: '617101', birthDay: 12, birthMonth: 3, birthYearTwoDigits: 85, gender: 'male' },
    });
  });

  it('takes 40 off the birth day of a woman', () => {
    const r = parseNik(FEMALE);
    expect(r.ok && r.value).toMatchObject({ birthDay: 25, birthMonth: 7, birthYearTwoDigits: 90, gender: 'female' });
  });

  it.each([
    ['surrounding spaces', `  ${MALE} `],
    ['groups of four', '6171 0112 0385 0003'],
    ['a tab and a newline', `\t${MALE}\n`],
  ])('ignores whitespace: %s', (_label, input) => {
    const r = parseNik(input);
    expect(r.ok && r.value.value).toBe(MALE);
  });

  it.each([
    ['a letter', '6171O11203850003', 5],
    ['a dash', '6171-011203850003', 5],
    ['a dot', '61.71011203850003', 3],
    ['a leading plus', '+6171011203850003', 1],
    ['Arabic-Indic digits', '٦١٧١011203850003', 1],
    ['full-width digits', '６１７１011203850003', 1],
  ])('refuses a NIK with %s', (_label, input, position) => {
    expect(parseNik(input)).toEqual({ ok: false, code: 'NIK.NOT_DIGITS', params: { position } });
  });

  it.each([
    ['empty', '', 0],
    ['only spaces', '   ', 0],
    ['15 digits', '617101120385000', 15],
    ['17 digits', '61710112038500031', 17],
    ['an 18-digit NIP instead', '198503122010011002', 18],
  ])('refuses a NIK of the wrong length: %s', (_label, input, length) => {
    expect(parseNik(input)).toEqual({ ok: false, code: 'NIK.BAD_LENGTH', params: { length } });
  });

  it.each([
    ['province 00', '0071011203850003', '1-2'],
    ['province 10', '1071011203850003', '1-2'],
    ['province 20', '2071011203850003', '1-2'],
    ['province 37', '3771011203850003', '1-2'],
    ['province 54', '5471011203850003', '1-2'],
    ['province 66', '6671011203850003', '1-2'],
    ['province 77', '7771011203850003', '1-2'],
    ['province 83', '8371011203850003', '1-2'],
    ['province 98', '9871011203850003', '1-2'],
    ['regency 00', '6100011203850003', '3-4'],
    ['district 00', '6171001203850003', '5-6'],
  ])('refuses a NIK whose region code has %s', (_label, input, digits) => {
    expect(parseNik(input)).toEqual({ ok: false, code: 'NIK.BAD_REGION', params: { digits } });
  });

  it.each(['11', '19', '21', '31', '36', '51', '53', '61', '65', '71', '76', '81', '82', '91', '93', '96', '97'])(
    'accepts province code %s',
    (province) => {
      expect(parseNik(`${province}71011203850003`).ok).toBe(true);
    },
  );

  it.each([
    ['birth day is 00', '6171010003850003'],
    ['birth day is 32', '6171013203850003'],
    ['birth day is 40 (a woman born on day 0)', '6171014003850003'],
    ['birth day is 72 (a woman born on day 32)', '6171017203850003'],
    ['birth day is 99', '6171019903850003'],
    ['birth month is 00', '6171011200850003'],
    ['birth month is 13', '6171011213850003'],
    ['date is 30 February', '6171013002850003'],
    ['date is 31 April', '6171013104850003'],
    ['date is 29 February of a non-leap year', '6171012902850003'],
    ['date is 29 February of a non-leap year, for a woman', '6171016902010003'],
    ['date is 31 June, for a woman', '6171017106900003'],
  ])('refuses a NIK whose %s', (_label, input) => {
    expect(parseNik(input)).toEqual({ ok: false, code: 'NIK.BAD_BIRTH_DATE', params: {} });
  });

  it.each([
    ['29 February 1984', '6171012902840003', 29],
    ['29 February 2000 (year 00)', '6171012902000003', 29],
    ['29 February 1996, a woman', '6171016902960003', 29],
    ['31 December, a woman (day 71)', '6171017112990003', 31],
    ['1 January, a woman (day 41)', '6171014101000003', 1],
  ])('accepts a real birth date: %s', (_label, input, day) => {
    const r = parseNik(input);
    expect(r.ok && r.value.birthDay).toBe(day);
  });

  it('refuses a NIK whose serial is 0000', () => {
    expect(parseNik('6171011203850000')).toEqual({ ok: false, code: 'NIK.BAD_SERIAL', params: {} });
  });

  it('never puts the NIK or any part of it in refusal params', () => {
    const inputs = ['6171O11203850003', '617101120385000', '9871011203850003', '6171013002850003', '6171011203850000'];
    for (const input of inputs) {
      const r = parseNik(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(JSON.stringify(r.params)).not.toMatch(/\d{3,}/);
    }
  });

  it('exports every code it can return', () => {
    expect(NIK_CODES).toEqual(['NIK.NOT_DIGITS', 'NIK.BAD_LENGTH', 'NIK.BAD_REGION', 'NIK.BAD_BIRTH_DATE', 'NIK.BAD_SERIAL']);
  });
});

describe('maskNik', () => {
  it('shows only the first and last four digits of a parsed NIK', () => {
    const r = parseNik(MALE);
    expect(r.ok && maskNik(r.value)).toBe('6171********0003');
  });

  it.each([
    ['a raw 16-digit string', MALE, '6171********0003'],
    ['a short string', '12345678', '********'],
    ['an empty string', '', ''],
    ['a 9-character string', '123456789', '1234*6789'],
  ])('masks %s', (_label, input, expected) => {
    expect(maskNik(input)).toBe(expected);
  });
});
