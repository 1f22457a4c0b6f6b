import { describe, it, expect } from 'vitest';
import { parseNik, type Nik } from '../../../domain/identity/nik.ts';
import { parseNip, type Nip } from '../../../domain/identity/nip.ts';
import { matchNikNip } from '../../../domain/identity/identity-match.ts';

const nik = (s: string): Nik => {
  const r = parseNik(s);
  if (!r.ok) throw new Error(`test NIK refused: ${r.code}`);
  return r.value;
};
const nip = (s: string): Nip => {
  const r = parseNip(s);
  if (!r.ok) throw new Error(`test NIP refused: ${r.code}`);
  return r.value;
};

describe('matchNikNip (Pasal 9(2)a)', () => {
  it.each([
    ['a man born 12 March 1985', '6171011203850003', '198503122010011002'],
    ['a woman born 25 July 1990 (NIK day + 40)', '6171026507900002', '199007252015032001'],
    ['a woman born 1 January 2000', '6171034101000001', '200001012020012001'],
    ['a man born 29 February 1984', '6171042902840001', '198402292008011001'],
  ])('accepts the NIK and NIP of %s', (_label, n, p) => {
    expect(matchNikNip(nik(n), nip(p))).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['the birth day differs', '6171011303850003', '198503122010011002'],
    ['the birth month differs', '6171011204850003', '198503122010011002'],
    ['the birth year differs', '6171011203860003', '198503122010011002'],
    ['the day and month are swapped', '6171010312850003', '198503122010011002'],
    ['the NIK is a woman born on the 26th, the NIP on the 25th', '6171026607900002', '199007252015032001'],
  ])('refuses when %s', (_label, n, p) => {
    expect(matchNikNip(nik(n), nip(p))).toEqual({ ok: false, code: 'IDENTITY.BIRTH_DATE_MISMATCH', params: {} });
  });

  it.each([
    ['a male NIK with a female NIP', '6171011203850003', '198503122010012002'],
    ['a female NIK with a male NIP', '6171026507900002', '199007252015031001'],
    ["a woman's NIK typed without the +40 (reads as a man)", '6171022507900002', '199007252015032001'],
  ])('refuses %s', (_label, n, p) => {
    expect(matchNikNip(nik(n), nip(p))).toEqual({ ok: false, code: 'IDENTITY.GENDER_MISMATCH', params: {} });
  });
});
