import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CSR_CODES, checkCsr, keyUsagesFor, type CsrCode, type CsrExpectation, type CsrInfo } from '../../domain/certificates/csr-rules.ts';
import type { CertificateUse } from '../../domain/certificates/certificate.ts';
import type { Refusal } from '../../domain/shared/result.ts';
import { createTemplates } from '../../templates/catalog.ts';

const CITY = ['pontianak.go.id'];
const BUDI = 'budi.santoso@pontianak.go.id';

const person: CsrExpectation = { applicantEmail: BUDI, certificateType: 'individual', officialDomains: CITY };
const system: CsrExpectation = { applicantEmail: BUDI, certificateType: 'system', officialDomains: CITY };

const csr = (patch: Partial<CsrInfo> = {}): CsrInfo => ({
  signatureValid: true, keyAlgorithm: 'rsa', rsaBits: 2048, subjectEmails: [], sanEmails: [BUDI], sanDns: [], subjectCn: 'Budi Santoso', ...patch,
});
/** The info without one field, as a parser gives it when it could not read that field. */
const drop = (info: CsrInfo, key: keyof CsrInfo): CsrInfo => Object.fromEntries(Object.entries(info).filter(([k]) => k !== key)) as unknown as CsrInfo;
const serverCsr = (patch: Partial<CsrInfo> = {}): CsrInfo =>
  csr({ sanEmails: [], sanDns: ['sikda.pontianak.go.id'], subjectCn: 'sikda.pontianak.go.id', ...patch });

describe('checkCsr accepts', () => {
  it.each<[string, CsrInfo, CsrExpectation]>([
    ['an individual RSA 2048 CSR with the dinas address in the SAN', csr(), person],
    ['the address only in the subject emailAddress', csr({ sanEmails: [], subjectEmails: [BUDI] }), person],
    ['the address as the CN', csr({ sanEmails: [], subjectCn: BUDI }), person],
    ['the address in another case', csr({ sanEmails: ['Budi.Santoso@Pontianak.GO.ID'] }), person],
    ['a position certificate', csr(), { ...person, certificateType: 'position' }],
    ['an EC P-256 key', drop(csr({ keyAlgorithm: 'ec', ecCurve: 'P-256' }), 'rsaBits'), person],
    ['an EC P-384 key', csr({ keyAlgorithm: 'ec', ecCurve: 'P-384' }), person],
    ['RSA 4096', csr({ rsaBits: 4096 }), person],
    ['a system certificate for a city host', serverCsr(), system],
    ['a system certificate on an agency subdomain', serverCsr({ sanDns: ['portal.dinkes.pontianak.go.id'], subjectCn: 'Portal Dinkes' }), system],
    ['a system certificate naming the applicant\'s address too', serverCsr({ sanEmails: [BUDI] }), system],
    ['the bare official domain', serverCsr({ sanDns: ['pontianak.go.id'], subjectCn: 'pontianak.go.id' }), system],
  ])('%s', (_label, info, expect_) => {
    expect(checkCsr(info, expect_)).toEqual({ ok: true, value: undefined });
  });
});

describe('checkCsr refuses', () => {
  it.each<[string, CsrInfo, CsrExpectation, CsrCode, Record<string, string | number>]>([
    ['a tampered signature', csr({ signatureValid: false }), person, 'CSR.BAD_SIGNATURE', {}],
    ['a 1024-bit RSA key', csr({ rsaBits: 1024 }), person, 'CSR.WEAK_KEY', { bits: 1024, minBits: 2048 }],
    ['a 2047-bit RSA key', csr({ rsaBits: 2047 }), person, 'CSR.WEAK_KEY', { bits: 2047, minBits: 2048 }],
    ['an RSA key without a size', drop(csr(), 'rsaBits'), person, 'CSR.MALFORMED', {}],
    ['an EC key without a curve', drop(csr({ keyAlgorithm: 'ec' }), 'rsaBits'), person, 'CSR.MALFORMED', {}],
    ['a 16384-bit RSA key', csr({ rsaBits: 16384 }), person, 'CSR.UNSUPPORTED_KEY', { algorithm: 'RSA 16384 bit' }],
    ['EC P-521', csr({ keyAlgorithm: 'ec', ecCurve: 'P-521' }), person, 'CSR.UNSUPPORTED_KEY', { algorithm: 'EC P-521' }],
    ['EC secp256k1', csr({ keyAlgorithm: 'ec', ecCurve: 'secp256k1' }), person, 'CSR.UNSUPPORTED_KEY', { algorithm: 'EC secp256k1' }],
    ['an Ed25519 key, before its signature is judged', csr({ keyAlgorithm: 'other', otherKeyType: 'ed25519', signatureValid: false }), person,
      'CSR.UNSUPPORTED_KEY', { algorithm: 'ed25519' }],
    ['a tampered 1024-bit CSR as a bad signature first', csr({ rsaBits: 1024, signatureValid: false }), person, 'CSR.BAD_SIGNATURE', {}],
    ['an IP address SAN', csr({ sanOther: ['ip'] }), person, 'CSR.SAN_UNSUPPORTED', { nameType: 'ip' }],
    ['somebody else\'s address', csr({ sanEmails: ['siti@pontianak.go.id'] }), person, 'CSR.EMAIL_MISMATCH', {}],
    ['a private address next to the dinas one', csr({ sanEmails: [BUDI, 'budi@gmail.com'] }), person, 'CSR.EMAIL_MISMATCH', {}],
    ['another address in the subject', csr({ subjectEmails: ['budi@gmail.com'] }), person, 'CSR.EMAIL_MISMATCH', {}],
    ['another address as the CN', csr({ sanEmails: [], subjectCn: 'budi@gmail.com' }), person, 'CSR.EMAIL_MISMATCH', {}],
    ['an individual CSR without any address', csr({ sanEmails: [] }), person, 'CSR.EMAIL_REQUIRED', {}],
    ['a host name in a person\'s certificate', csr({ sanDns: ['sikda.pontianak.go.id'] }), person, 'CSR.DNS_NOT_ALLOWED', { dnsName: 'sikda.pontianak.go.id' }],
    ['a system CSR without DNS names', serverCsr({ sanDns: [] }), system, 'CSR.DNS_REQUIRED', { domains: 'pontianak.go.id' }],
    ['a foreign DNS name', serverCsr({ sanDns: ['sikda.pontianak.go.id', 'www.example.com'] }), system, 'CSR.DNS_NOT_OFFICIAL',
      { dnsName: 'www.example.com', domains: 'pontianak.go.id' }],
    ['a look-alike domain', serverCsr({ sanDns: ['evilpontianak.go.id'] }), system, 'CSR.DNS_NOT_OFFICIAL',
      { dnsName: 'evilpontianak.go.id', domains: 'pontianak.go.id' }],
    ['the city domain under a foreign one', serverCsr({ sanDns: ['pontianak.go.id.evil.com'] }), system, 'CSR.DNS_NOT_OFFICIAL',
      { dnsName: 'pontianak.go.id.evil.com', domains: 'pontianak.go.id' }],
    ['a foreign host as the CN', serverCsr({ subjectCn: 'mail.example.org' }), system, 'CSR.DNS_NOT_OFFICIAL',
      { dnsName: 'mail.example.org', domains: 'pontianak.go.id' }],
    ['a malformed host name', serverCsr({ sanDns: ['bad_host.pontianak.go.id'] }), system, 'CSR.DNS_NOT_OFFICIAL',
      { dnsName: 'bad_host.pontianak.go.id', domains: 'pontianak.go.id' }],
    ['a wildcard', serverCsr({ sanDns: ['*.pontianak.go.id'] }), system, 'CSR.DNS_WILDCARD', { dnsName: '*.pontianak.go.id' }],
    ['somebody else\'s address in a system CSR', serverCsr({ sanEmails: ['siti@pontianak.go.id'] }), system, 'CSR.EMAIL_MISMATCH', {}],
  ])('%s', (_label, info, expect_, code, params) => {
    expect(checkCsr(info, expect_)).toEqual({ ok: false, code, params });
  });

  it('never puts an e-mail address into the refusal', () => {
    const r = checkCsr(csr({ sanEmails: ['siti.rahma@pontianak.go.id'] }), person) as Refusal;
    expect(JSON.stringify(r.params)).not.toContain('@');
  });

  it('cuts an overlong host name in the params', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`;
    const r = checkCsr(serverCsr({ sanDns: [long] }), system) as Refusal;
    expect(String(r.params.dnsName).length).toBeLessThanOrEqual(81);
  });
});

describe('keyUsagesFor', () => {
  it.each<[readonly CertificateUse[], 'rsa' | 'ec', string[], string[]]>([
    [['signature'], 'rsa', ['digitalSignature', 'nonRepudiation'], []],
    [['document'], 'rsa', ['digitalSignature', 'nonRepudiation'], []],
    [['email'], 'rsa', ['digitalSignature', 'keyEncipherment'], ['emailProtection']],
    [['email'], 'ec', ['digitalSignature', 'keyAgreement'], ['emailProtection']],
    [['ssl_server'], 'rsa', ['digitalSignature', 'keyEncipherment'], ['serverAuth']],
    [['ssl_server'], 'ec', ['digitalSignature'], ['serverAuth']],
    [['ssl_client'], 'rsa', ['digitalSignature'], ['clientAuth']],
    [['signature', 'email', 'document'], 'rsa', ['digitalSignature', 'nonRepudiation', 'keyEncipherment'], ['emailProtection']],
    [['ssl_client', 'ssl_server'], 'rsa', ['digitalSignature', 'keyEncipherment'], ['serverAuth', 'clientAuth']],
    [[], 'rsa', [], []],
  ])('%j with an %s key', (uses, alg, keyUsage, extKeyUsage) => {
    expect(keyUsagesFor(uses, alg)).toEqual({ keyUsage, extKeyUsage });
  });

  it('never asks for keyEncipherment on an EC key', () => {
    expect(keyUsagesFor(['signature', 'email', 'document', 'ssl_server', 'ssl_client'], 'ec').keyUsage).not.toContain('keyEncipherment');
  });
});

describe('CSR messages (templates/id/messages/ca.json)', () => {
  const t = createTemplates();
  const PRODUCED: Record<CsrCode, () => Refusal> = {
    'CSR.MALFORMED': () => checkCsr(drop(csr(), 'rsaBits'), person) as Refusal,
    'CSR.BAD_SIGNATURE': () => checkCsr(csr({ signatureValid: false }), person) as Refusal,
    'CSR.WEAK_KEY': () => checkCsr(csr({ rsaBits: 1024 }), person) as Refusal,
    'CSR.UNSUPPORTED_KEY': () => checkCsr(csr({ keyAlgorithm: 'other', otherKeyType: 'ed25519' }), person) as Refusal,
    'CSR.EMAIL_MISMATCH': () => checkCsr(csr({ sanEmails: ['x@example.com'] }), person) as Refusal,
    'CSR.EMAIL_REQUIRED': () => checkCsr(csr({ sanEmails: [] }), person) as Refusal,
    'CSR.DNS_NOT_OFFICIAL': () => checkCsr(serverCsr({ sanDns: ['www.example.com'] }), system) as Refusal,
    'CSR.DNS_REQUIRED': () => checkCsr(serverCsr({ sanDns: [] }), system) as Refusal,
    'CSR.DNS_NOT_ALLOWED': () => checkCsr(csr({ sanDns: ['a.pontianak.go.id'] }), person) as Refusal,
    'CSR.DNS_WILDCARD': () => checkCsr(serverCsr({ sanDns: ['*.pontianak.go.id'] }), system) as Refusal,
    'CSR.SAN_UNSUPPORTED': () => checkCsr(csr({ sanOther: ['url'] }), person) as Refusal,
  };

  it.each([...CSR_CODES])('renders %s with the params checkCsr gives', (code) => {
    const r = PRODUCED[code]();
    expect(r.code).toBe(code);
    const text = t.message(code, r.params);
    expect(text.trim().length).toBeGreaterThan(20);
    expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}/);
  });

  it('explains a weak key with its size and what to do instead', () => {
    expect(t.message('CSR.WEAK_KEY', { bits: 1024, minBits: 2048 })).toMatch(/1024.*2048.*P-256/s);
  });

  it('has no stale CSR message', () => {
    const file = fileURLToPath(new URL('../../templates/id/messages/ca.json', import.meta.url));
    const keys = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>).filter((k) => k.startsWith('CSR.'));
    expect(keys.sort()).toEqual([...CSR_CODES].sort());
  });
});
