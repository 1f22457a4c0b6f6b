import { describe, it, expect } from 'vitest';
import { normaliseEmail, parseEmail, isOfficialEmail, parseOfficialEmail, EMAIL_CODES } from '../../../domain/shared/email.ts';

const CITY = ['pontianak.go.id'] as const;

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Budi.Santoso@Pontianak.GO.ID \n')).toBe('budi.santoso@pontianak.go.id');
  });
});

describe('parseEmail', () => {
  it.each([
    ['a plain address', 'budi@pontianak.go.id'],
    ['a subdomain', 'budi.santoso@diskominfo.pontianak.go.id'],
    ['a plus tag', 'budi+tte@pontianak.go.id'],
    ['digits and hyphens', 'asn-2010@dinas-kesehatan.pontianak.go.id'],
  ])('accepts %s', (_label, input) => {
    expect(parseEmail(input)).toEqual({ ok: true, value: input });
  });

  it('returns the normalised address', () => {
    expect(parseEmail(' Budi@Pontianak.go.id ')).toEqual({ ok: true, value: 'budi@pontianak.go.id' });
  });

  it.each([
    ['empty', ''],
    ['no @', 'budi.pontianak.go.id'],
    ['two @', 'budi@kantor@pontianak.go.id'],
    ['an empty local part', '@pontianak.go.id'],
    ['an empty domain', 'budi@'],
    ['a domain without a dot', 'budi@localhost'],
    ['a space inside', 'budi santoso@pontianak.go.id'],
    ['a space in the domain', 'budi@pontianak .go.id'],
    ['a leading dot in the local part', '.budi@pontianak.go.id'],
    ['two dots in the local part', 'budi..s@pontianak.go.id'],
    ['two dots in the domain', 'budi@pontianak..go.id'],
    ['a trailing dot in the domain', 'budi@pontianak.go.id.'],
    ['a domain label starting with a hyphen', 'budi@-pontianak.go.id'],
    ['an IP literal', 'budi@[10.0.0.1]'],
    ['a display name', 'Budi <budi@pontianak.go.id>'],
    ['a quoted local part', '"budi"@pontianak.go.id'],
    ['a non-ASCII look-alike domain (Cyrillic о)', 'budi@pоntianak.go.id'],
    ['more than 254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.go.id`],
  ])('refuses an address with %s', (_label, input) => {
    expect(parseEmail(input)).toEqual({ ok: false, code: 'EMAIL.MALFORMED', params: {} });
  });
});

describe('isOfficialEmail (Pasal 15(2)c)', () => {
  it.each([
    ['the city domain', 'budi@pontianak.go.id'],
    ['an agency subdomain', 'budi@diskominfo.pontianak.go.id'],
    ['a deeper subdomain', 'budi@mail.diskominfo.pontianak.go.id'],
    ['upper case', 'Budi@PONTIANAK.GO.ID'],
  ])('accepts %s', (_label, email) => {
    expect(isOfficialEmail(email, CITY)).toBe(true);
  });

  it.each([
    ['a domain that merely ends with the city name', 'budi@evilpontianak.go.id'],
    ['the city domain as a prefix of a foreign domain', 'budi@pontianak.go.id.evil.com'],
    ['the province domain', 'budi@kalbarprov.go.id'],
    ['a free mail provider', 'budi.pontianak@gmail.com'],
    ['the city domain in the local part', 'pontianak.go.id@gmail.com'],
    ['a look-alike with a hyphen', 'budi@pontianak-go.id'],
    ['a look-alike with a digit', 'budi@p0ntianak.go.id'],
    ['a parent domain only', 'budi@go.id'],
    ['no @ at all', 'pontianak.go.id'],
  ])('refuses %s', (_label, email) => {
    expect(isOfficialEmail(email, CITY)).toBe(false);
  });

  it('accepts any of several official domains', () => {
    expect(isOfficialEmail('guru@sekolah.id', ['pontianak.go.id', 'sekolah.id'])).toBe(true);
  });

  it.each([
    ['an empty list', []],
    ['an empty domain', ['']],
    ['a domain that is only a dot', ['.']],
  ])('accepts nothing when configured with %s', (_label, domains) => {
    expect(isOfficialEmail('budi@pontianak.go.id', domains)).toBe(false);
  });

  it('tolerates a configured domain written with @, a leading dot or upper case', () => {
    expect(isOfficialEmail('budi@pontianak.go.id', ['@Pontianak.go.id'])).toBe(true);
    expect(isOfficialEmail('budi@dinkes.pontianak.go.id', ['.pontianak.go.id'])).toBe(true);
  });
});

describe('parseOfficialEmail', () => {
  it('returns the normalised official address', () => {
    expect(parseOfficialEmail('Budi@Pontianak.go.id', CITY)).toEqual({ ok: true, value: 'budi@pontianak.go.id' });
  });

  it('refuses a malformed address before looking at the domain', () => {
    expect(parseOfficialEmail('budi@@gmail.com', CITY)).toEqual({ ok: false, code: 'EMAIL.MALFORMED', params: {} });
  });

  it('refuses a foreign address, naming the accepted domains but not the address', () => {
    expect(parseOfficialEmail('budi@gmail.com', ['pontianak.go.id', 'sekolah.id'])).toEqual({
      ok: false,
      code: 'EMAIL.NOT_OFFICIAL',
      params: { domains: 'pontianak.go.id, sekolah.id' },
    });
  });

  it('exports every code it can return', () => {
    expect(EMAIL_CODES).toEqual(['EMAIL.MALFORMED', 'EMAIL.NOT_OFFICIAL']);
  });
});
