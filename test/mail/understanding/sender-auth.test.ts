import { describe, expect, it } from 'vitest';
import {
  domainsAligned, evaluateSenderAuth, parseAuthenticationResults, type SenderAuthInput,
} from '../../../mail/understanding/sender-auth.ts';

const OUR_ID = 'mx.pontianak.go.id';
const CITY = ['pontianak.go.id'] as const;

const input = (from: string, authResultsHeaders: string[], authservId: string | null = OUR_ID): SenderAuthInput => ({
  from, authResultsHeaders, authservId, officialDomains: CITY,
});

/** What OpenDKIM/OpenDMARC on our MX write for a genuine city mail. */
const REAL_PASS = [
  `${OUR_ID};`,
  '\tdkim=pass (2048-bit key; unprotected) header.d=pontianak.go.id header.i=@pontianak.go.id header.b=Ab12Cd34;',
  '\tspf=pass (mx.pontianak.go.id: domain of budi@pontianak.go.id designates 103.10.1.5 as permitted sender) smtp.mailfrom=budi@pontianak.go.id;',
  '\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=pontianak.go.id',
].join('\r\n');

describe('evaluateSenderAuth: official senders', () => {
  it.each([
    ['dmarc=pass', REAL_PASS, 'dmarc_pass'],
    ['dmarc=pass without header.from', `${OUR_ID}; dmarc=pass`, 'dmarc_pass'],
    ['dkim=pass with header.d equal to the From domain', `${OUR_ID}; dkim=pass header.d=pontianak.go.id; spf=fail smtp.mailfrom=x@else.id`, 'dkim_aligned'],
    ['dkim=pass with header.i only', `${OUR_ID}; dkim=pass header.i=@pontianak.go.id`, 'dkim_aligned'],
    ['spf=pass with an aligned smtp.mailfrom', `${OUR_ID}; dkim=none; spf=pass smtp.mailfrom=bounce@pontianak.go.id`, 'spf_aligned'],
    ['spf=pass with a bare domain as smtp.mailfrom', `${OUR_ID}; spf=pass smtp.mailfrom=pontianak.go.id`, 'spf_aligned'],
    ['spaces around "=" and a version number', `${OUR_ID} 1; dkim = pass header.d = pontianak.go.id`, 'dkim_aligned'],
    ['the header name still attached', `Authentication-Results: ${OUR_ID}; dmarc=pass header.from=pontianak.go.id`, 'dmarc_pass'],
    ['a quoted property value', `${OUR_ID}; dmarc=pass header.from="pontianak.go.id"`, 'dmarc_pass'],
    ['an authserv-id in other case', `MX.Pontianak.GO.ID; dmarc=PASS header.from=Pontianak.go.id`, 'dmarc_pass'],
  ])('accepts %s', (_case, header, reason) => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [header]))).toEqual({ verdict: 'official', reason, fromDomain: 'pontianak.go.id' });
  });

  it('accepts a sender on an agency subdomain signed by the city domain', () => {
    expect(evaluateSenderAuth(input('siti@dinkes.pontianak.go.id', [`${OUR_ID}; dkim=pass header.d=pontianak.go.id`]))).toEqual({
      verdict: 'official', reason: 'dkim_aligned', fromDomain: 'dinkes.pontianak.go.id',
    });
  });

  it('reads a From with a display name', () => {
    expect(evaluateSenderAuth(input('"Budi Santoso, S.Kom." <Budi@Pontianak.go.id>', [REAL_PASS])).verdict).toBe('official');
  });
});

describe('evaluateSenderAuth: only our server\'s topmost header counts', () => {
  const forgedOther = 'mx.google.com; dmarc=pass header.from=pontianak.go.id; dkim=pass header.d=pontianak.go.id';
  const realFail = `${OUR_ID}; dkim=fail header.d=pontianak.go.id; spf=softfail smtp.mailfrom=budi@pontianak.go.id; dmarc=fail header.from=pontianak.go.id`;

  it('ignores a forged pass from another id above the real failure', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [forgedOther, realFail]))).toMatchObject({ verdict: 'unauthenticated', reason: 'dmarc_fail' });
  });

  it('ignores a forged pass from another id below the real failure', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [realFail, forgedOther]))).toMatchObject({ verdict: 'unauthenticated', reason: 'dmarc_fail' });
  });

  it('ignores a forged pass claiming our id below the real header', () => {
    const forgedOurs = `${OUR_ID}; dmarc=pass header.from=pontianak.go.id`;
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [realFail, forgedOurs])).verdict).toBe('unauthenticated');
  });

  it('does not let a failure from another id spoil our pass', () => {
    const otherFail = 'relay.example.net; dmarc=fail header.from=pontianak.go.id';
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [otherFail, REAL_PASS, otherFail])).verdict).toBe('official');
  });

  it('treats a missing header as unauthenticated when an id is configured', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', []))).toEqual({ verdict: 'unauthenticated', reason: 'no_auth_results', fromDomain: 'pontianak.go.id' });
  });

  it('treats headers from other ids only as no header', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [forgedOther])).reason).toBe('no_auth_results');
  });

  it('does not match an id that merely contains ours', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [`evil${OUR_ID}; dmarc=pass`])).reason).toBe('no_auth_results');
  });
});

describe('evaluateSenderAuth: failures', () => {
  it.each([
    ['dmarc=fail', `${OUR_ID}; dmarc=fail (p=reject) header.from=pontianak.go.id`, 'dmarc_fail'],
    ['dmarc=fail despite an aligned dkim=pass', `${OUR_ID}; dkim=pass header.d=pontianak.go.id; dmarc=fail header.from=pontianak.go.id`, 'dmarc_fail'],
    ['dkim=pass unaligned', `${OUR_ID}; dkim=pass header.d=mailer.example.com; spf=none`, 'not_authenticated'],
    ['dkim=pass under a public suffix', `${OUR_ID}; dkim=pass header.d=go.id`, 'not_authenticated'],
    ['spf=pass unaligned', `${OUR_ID}; spf=pass smtp.mailfrom=bounces@sendgrid.net`, 'not_authenticated'],
    ['spf=softfail aligned', `${OUR_ID}; spf=softfail smtp.mailfrom=budi@pontianak.go.id`, 'not_authenticated'],
    ['dkim=fail aligned', `${OUR_ID}; dkim=fail header.d=pontianak.go.id`, 'not_authenticated'],
    ['a result only in a comment', `${OUR_ID}; dkim=none (dkim=pass header.d=pontianak.go.id)`, 'not_authenticated'],
    ['"none"', `${OUR_ID}; none`, 'not_authenticated'],
    ['dmarc=pass for another From domain', `${OUR_ID}; dmarc=pass header.from=evil.example`, 'dmarc_other_domain'],
  ])('refuses %s', (_case, header, reason) => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [header]))).toEqual({ verdict: 'unauthenticated', reason, fromDomain: 'pontianak.go.id' });
  });

  it.each([
    ['missing', '', 'from_missing'],
    ['blank', '   ', 'from_missing'],
    ['not an address', 'Budi Santoso', 'from_malformed'],
    ['two addresses', 'a@pontianak.go.id, b@evil.example', 'from_malformed'],
    ['two bracketed addresses', '<a@pontianak.go.id>, <b@evil.example>', 'from_malformed'],
    ['an unclosed bracket', 'Budi <budi@pontianak.go.id', 'from_malformed'],
    ['an unclosed quote', '"Budi <budi@pontianak.go.id>', 'from_malformed'],
  ])('refuses a %s From', (_case, from, reason) => {
    expect(evaluateSenderAuth(input(from, [REAL_PASS]))).toEqual({ verdict: 'unauthenticated', reason, fromDomain: null });
  });

  it('reads the address, not an official-looking display name', () => {
    const r = evaluateSenderAuth(input('"budi@pontianak.go.id" <x@evil.example>', [`${OUR_ID}; dmarc=pass header.from=evil.example`]));
    expect(r).toEqual({ verdict: 'foreign_authenticated', reason: 'dmarc_pass', fromDomain: 'evil.example' });
  });
});

describe('evaluateSenderAuth: foreign senders', () => {
  it('marks an authenticated sender elsewhere as foreign', () => {
    const header = `${OUR_ID}; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=budi@gmail.com; dmarc=pass header.from=gmail.com`;
    expect(evaluateSenderAuth(input('budi.santoso@gmail.com', [header]))).toEqual({
      verdict: 'foreign_authenticated', reason: 'dmarc_pass', fromDomain: 'gmail.com',
    });
  });

  it.each([['evilpontianak.go.id'], ['pontianak.go.id.evil.example'], ['kalbarprov.go.id']])('does not take %s for the city', (domain) => {
    const header = `${OUR_ID}; dmarc=pass header.from=${domain}`;
    expect(evaluateSenderAuth(input(`a@${domain}`, [header])).verdict).toBe('foreign_authenticated');
  });
});

describe('evaluateSenderAuth without an authserv-id (tests and development only)', () => {
  it('lets the domain alone decide', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [], null))).toEqual({ verdict: 'official', reason: 'auth_not_checked', fromDomain: 'pontianak.go.id' });
    expect(evaluateSenderAuth(input('budi@gmail.com', [], null))).toEqual({ verdict: 'foreign_authenticated', reason: 'auth_not_checked', fromDomain: 'gmail.com' });
  });

  it('ignores even a failing header', () => {
    expect(evaluateSenderAuth(input('budi@pontianak.go.id', [`${OUR_ID}; dmarc=fail`], null)).verdict).toBe('official');
  });

  it('still refuses a malformed From', () => {
    expect(evaluateSenderAuth(input('not-an-address', [], null)).verdict).toBe('unauthenticated');
  });
});

describe('parseAuthenticationResults', () => {
  it('reads the authserv-id, methods, results and properties, dropping comments', () => {
    const parsed = parseAuthenticationResults(REAL_PASS);
    expect(parsed?.authservId).toBe(OUR_ID);
    expect(parsed?.results.map((r) => [r.method, r.result])).toEqual([['dkim', 'pass'], ['spf', 'pass'], ['dmarc', 'pass']]);
    expect(parsed?.results[1]?.props.get('smtp.mailfrom')).toBe('budi@pontianak.go.id');
  });

  it('handles nested comments and escapes', () => {
    const parsed = parseAuthenticationResults(`${OUR_ID}; dkim=pass (good (really) \\) signature) header.d=pontianak.go.id`);
    expect(parsed?.results[0]?.props.get('header.d')).toBe('pontianak.go.id');
  });

  it('strips a method version', () => {
    expect(parseAuthenticationResults(`${OUR_ID}; dkim/1=pass header.d=a.id`)?.results[0]?.method).toBe('dkim');
  });

  it.each([[''], ['   '], ['; dkim=pass'], ['(only a comment)']])('returns null without an authserv-id: %j', (header) => {
    expect(parseAuthenticationResults(header)).toBeNull();
  });

  it('reads a long hostile header in one pass', () => {
    expect(parseAuthenticationResults(`${OUR_ID}; ${' '.repeat(300_000)}=${'('.repeat(300_000)}`)?.authservId).toBe(OUR_ID);
  });
});

describe('domainsAligned', () => {
  it.each([
    ['pontianak.go.id', 'pontianak.go.id', true],
    ['Pontianak.go.id.', 'pontianak.go.id', true],
    ['dinkes.pontianak.go.id', 'pontianak.go.id', true],
    ['pontianak.go.id', 'mail.pontianak.go.id', true],
    ['a.pontianak.go.id', 'b.pontianak.go.id', false],
    ['pontianak.go.id', 'go.id', false],
    ['evilpontianak.go.id', 'pontianak.go.id', false],
    ['pontianak.go.id', 'id', false],
    ['', 'pontianak.go.id', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(domainsAligned(a, b)).toBe(expected);
  });
});
