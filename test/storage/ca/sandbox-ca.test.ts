import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, webcrypto, X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateUse } from '../../../domain/certificates/certificate.ts';
import {
  CERTIFICATE_CHECK_CODES,
  CERTIFICATE_STATUSES,
  REVOCATION_REASON_CODES,
  type CertificateAuthority,
  type IssueCertificateRequest,
  type IssuedCertificate,
} from '../../../domain/ports/certificate-authority.ts';
import { isRaError } from '../../../domain/shared/ra-error.ts';
import type { Result } from '../../../domain/shared/result.ts';
import { describeCertificate, verifyChain } from '../../../storage/ca/certificate-file.ts';
import { createSandboxCa, initSandboxCa, sandboxCaPaths } from '../../../storage/ca/sandbox-ca.ts';
import * as x509 from '../../../storage/ca/x509.ts';
import { createTemplates } from '../../../templates/catalog.ts';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.ts';

const NOW = new Date('2026-03-02T03:04:05.000Z');
const CITY = ['pontianak.go.id'];
const BUDI = 'budi.santoso@pontianak.go.id';
const DAY = 24 * 60 * 60 * 1000;

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

type Keys = webcrypto.CryptoKeyPair;

/** Applicant keys made with Node's native keygen (milliseconds), imported for @peculiar's CSR generator. */
async function rsaKeys(bits: number): Promise<{ keys: Keys; privateKey: KeyObject }> {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']),
  };
  return { keys, privateKey: pair.privateKey };
}

async function makeCsr(keys: Keys, opts: { name?: string; emails?: string[]; dns?: string[]; ec?: boolean } = {}): Promise<string> {
  const names: x509.JsonGeneralNames = [
    ...(opts.emails ?? [BUDI]).map((value) => ({ type: 'email' as const, value })),
    ...(opts.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: opts.name ?? 'CN=Budi Santoso, O=Pemerintah Kota Pontianak, C=ID',
    keys,
    signingAlgorithm: opts.ec ? ECDSA_SHA256 : RSA_SHA256,
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return csr.toString('pem');
}

const request = (csrPem: string, patch: Partial<IssueCertificateRequest> = {}): IssueCertificateRequest => ({
  requestId: 'OP-2026-000001', csrPem, applicantEmail: BUDI, certificateType: 'individual',
  uses: ['signature', 'email', 'document'], officialDomains: CITY, ...patch,
});

function issued(r: Result<IssuedCertificate, string>): IssuedCertificate {
  if (!r.ok) throw new Error(`expected a certificate, got ${r.code}`);
  return r.value;
}

let dataDir: string;
let foreignDir: string;
let ca: CertificateAuthority;
let rsa2048: { keys: Keys; privateKey: KeyObject };
let rsa1024: Keys;
let ecP256: Keys;
let root: x509.X509Certificate;
let issuing: x509.X509Certificate;

beforeAll(async () => {
  dataDir = makeTempDir('sandbox-ca');
  foreignDir = makeTempDir('foreign-ca');
  await initSandboxCa(dataDir, { now: NOW });
  ca = createSandboxCa({ dataDir, now: () => NOW });
  rsa2048 = await rsaKeys(2048);
  rsa1024 = (await rsaKeys(1024)).keys;
  ecP256 = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const paths = sandboxCaPaths(dataDir);
  root = new x509.X509Certificate(readFileSync(paths.rootCert, 'utf8'));
  issuing = new x509.X509Certificate(readFileSync(paths.issuingCert, 'utf8'));
});

afterAll(() => {
  removeTempDir(dataDir);
  removeTempDir(foreignDir);
});

describe('initSandboxCa', () => {
  it('creates a root and an issuing CA marked NOT FOR LEGAL USE, keys readable by the owner only', () => {
    const paths = sandboxCaPaths(dataDir);
    for (const key of [paths.rootKey, paths.issuingKey]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(root.subject).toContain('NOT FOR LEGAL USE');
    expect(issuing.subject).toContain('NOT FOR LEGAL USE');
    expect(issuing.issuer).toBe(root.subject);
    expect(new NodeX509(Buffer.from(issuing.rawData)).checkIssued(new NodeX509(Buffer.from(root.rawData)))).toBe(true);
    expect(new NodeX509(Buffer.from(issuing.rawData)).ca).toBe(true);
  });

  it('leaves an existing CA alone', async () => {
    const before = readFileSync(sandboxCaPaths(dataDir).rootKey);
    expect((await initSandboxCa(dataDir)).created).toBe(false);
    expect(readFileSync(sandboxCaPaths(dataDir).rootKey).equals(before)).toBe(true);
  });

  it('refuses to complete a half-made CA rather than replace its keys', async () => {
    const dir = makeTempDir('half-ca');
    try {
      await initSandboxCa(dir);
      rmSync(sandboxCaPaths(dir).issuingKey);
      await expect(initSandboxCa(dir)).rejects.toSatisfy((e) => isRaError(e, 'CA.INCOMPLETE'));
    } finally {
      removeTempDir(dir);
    }
  });

  it('tells the operator to run init when the CA is missing', async () => {
    const dir = makeTempDir('no-ca');
    try {
      await expect(createSandboxCa({ dataDir: dir }).crlPem()).rejects.toSatisfy((e) => isRaError(e, 'CA.NOT_INITIALISED'));
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('sandbox issuance', () => {
  it('issues an individual certificate that chains to the sandbox root, with key usages from the uses', async () => {
    const cert = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    const parsed = new x509.X509Certificate(cert.pem);

    expect(cert.serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(cert.issuer).toBe(issuing.subject);
    expect(cert.subject).toBe('CN=Budi Santoso, O=Pemerintah Kota Pontianak, C=ID');
    expect(cert.fingerprint).toBe(createHash('sha256').update(Buffer.from(parsed.rawData)).digest('hex'));
    expect(cert.notBefore).toBe(NOW.toISOString());
    expect(cert.notAfter).toBe('2028-03-02T03:04:05.000Z');
    expect(cert.chainPem).toContain(issuing.toString('base64').slice(0, 64));

    expect(await parsed.verify({ publicKey: issuing.publicKey, signatureOnly: true })).toBe(true);
    const chain = await verifyChain(parsed, { roots: [root], intermediates: [issuing] });
    expect(chain.trusted).toBe(true);

    // An independent reading (Node's OpenSSL binding) of the same certificate.
    const node = new NodeX509(cert.pem);
    expect(node.checkIssued(new NodeX509(issuing.toString('pem')))).toBe(true);
    expect(node.verify(new NodeX509(issuing.toString('pem')).publicKey)).toBe(true);
    expect(node.ca).toBe(false);
    expect(node.subjectAltName).toBe(`email:${BUDI}`);
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.4']); // Node names the extendedKeyUsage "keyUsage"

    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment);
    expect(parsed.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId)
      .toBe(issuing.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(existsSync(join(sandboxCaPaths(dataDir).issuedDir, `${cert.serial}.pem`))).toBe(true);
  });

  it.each<[CertificateUse[], number, string[] | null]>([
    [['signature'], x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, null],
    [['ssl_client'], x509.KeyUsageFlags.digitalSignature, [x509.ExtendedKeyUsage.clientAuth]],
  ])('gives uses %j exactly their key usages', async (uses, flags, eku) => {
    const parsed = new x509.X509Certificate(issued(await ca.issue(request(await makeCsr(rsa2048.keys), { uses }))).pem);
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(flags);
    const ext = parsed.getExtension(x509.ExtendedKeyUsageExtension);
    expect(ext ? ext.usages : null).toEqual(eku);
  });

  it('accepts an EC P-256 CSR and gives it key agreement instead of key encipherment', async () => {
    const cert = new x509.X509Certificate(issued(await ca.issue(request(await makeCsr(ecP256, { ec: true }), { uses: ['email'] }))).pem);
    expect(cert.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
  });

  it('accepts a CSR made by node-forge with the address only in the subject, and puts it in the SAN', async () => {
    // Node made the key (forge's pure-JS keygen takes seconds); forge builds and signs the CSR.
    const privateKey = forge.pki.privateKeyFromPem(rsa2048.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.rsa.setPublicKey(privateKey.n, privateKey.e);
    csr.setSubject([{ name: 'commonName', value: 'Budi Santoso' }, { name: 'emailAddress', value: BUDI }]);
    csr.sign(privateKey, forge.md.sha256.create());
    const cert = issued(await ca.issue(request(forge.pki.certificationRequestToPem(csr))));
    expect(new NodeX509(cert.pem).subjectAltName).toBe(`email:${BUDI}`);
  });

  it('issues a system certificate for a city host with serverAuth', async () => {
    const pem = await makeCsr(rsa2048.keys, { name: 'CN=sikda.pontianak.go.id', emails: [], dns: ['sikda.pontianak.go.id', 'www.sikda.pontianak.go.id'] });
    const cert = issued(await ca.issue(request(pem, { certificateType: 'system', uses: ['ssl_server'] })));
    const node = new NodeX509(cert.pem);
    expect(node.subjectAltName).toBe('DNS:sikda.pontianak.go.id, DNS:www.sikda.pontianak.go.id');
    expect(node.keyUsage).toEqual([x509.ExtendedKeyUsage.serverAuth]);
  });
});

describe('sandbox issuance refuses a bad CSR', () => {
  it('with a tampered signature', async () => {
    const der = new Uint8Array(new x509.Pkcs10CertificateRequest(await makeCsr(rsa2048.keys)).rawData);
    der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0x01; // inside the signature BIT STRING
    const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    expect(await ca.issue(request(tampered))).toEqual({ ok: false, code: 'CSR.BAD_SIGNATURE', params: {} });
  });

  it('with a 1024-bit RSA key', async () => {
    expect(await ca.issue(request(await makeCsr(rsa1024)))).toEqual({ ok: false, code: 'CSR.WEAK_KEY', params: { bits: 1024, minBits: 2048 } });
  });

  it('with somebody else\'s address', async () => {
    const r = await ca.issue(request(await makeCsr(rsa2048.keys, { emails: ['siti.rahma@pontianak.go.id'] })));
    expect(r).toEqual({ ok: false, code: 'CSR.EMAIL_MISMATCH', params: {} });
  });

  it('with a foreign DNS name in a system certificate', async () => {
    const pem = await makeCsr(rsa2048.keys, { name: 'CN=sikda.pontianak.go.id', emails: [], dns: ['sikda.pontianak.go.id', 'sikda.example.com'] });
    const r = await ca.issue(request(pem, { certificateType: 'system', uses: ['ssl_server'] }));
    expect(r).toEqual({ ok: false, code: 'CSR.DNS_NOT_OFFICIAL', params: { dnsName: 'sikda.example.com', domains: 'pontianak.go.id' } });
  });

  it.each([
    ['garbage', 'hello'],
    ['a certificate instead of a CSR', '__ROOT__'],
    ['two CSRs at once', '__TWO__'],
    ['a truncated CSR', '__TRUNCATED__'],
  ])('that is %s', async (_label, input) => {
    const one = await makeCsr(rsa2048.keys);
    const pem = input === '__ROOT__' ? root.toString('pem')
      : input === '__TWO__' ? `${one}\n${one}`
        : input === '__TRUNCATED__' ? x509.PemConverter.encode(new Uint8Array(new x509.Pkcs10CertificateRequest(one).rawData).slice(0, 200), 'CERTIFICATE REQUEST')
          : input;
    expect(await ca.issue(request(pem))).toEqual({ ok: false, code: 'CSR.MALFORMED', params: {} });
  });
});

describe('revocation and CRL', () => {
  it('lists a revoked serial in a CRL signed by the issuing CA', async () => {
    const cert = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    await ca.revoke(cert.serial, 'keyCompromise', new Date(NOW.getTime() + DAY));
    await ca.revoke(cert.serial, 'superseded', new Date(NOW.getTime() + 2 * DAY)); // the first record stands

    const pem = await ca.crlPem();
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\r?\n/);
    const crl = new x509.X509Crl(pem);
    expect(await crl.verify({ publicKey: issuing })).toBe(true);
    expect(await crl.verify({ publicKey: root.publicKey }).catch(() => false)).toBe(false);
    expect(crl.issuer).toBe(issuing.subject);
    expect(crl.thisUpdate.toISOString()).toBe(NOW.toISOString());
    expect(crl.nextUpdate?.getTime()).toBe(NOW.getTime() + 7 * DAY);
    const entry = crl.findRevoked(cert.serial);
    expect(entry?.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(entry?.revocationDate.toISOString()).toBe(new Date(NOW.getTime() + DAY).toISOString());
    expect(crl.getExtension('2.5.29.20')).not.toBeNull(); // cRLNumber
  });

  it('refuses to revoke a serial it never issued', async () => {
    await expect(ca.revoke('7f00000000000000000000000000beef', 'unspecified', NOW)).rejects.toSatisfy((e) => isRaError(e, 'CA.UNKNOWN_SERIAL'));
    await expect(ca.revoke('../../etc/passwd', 'unspecified', NOW)).rejects.toSatisfy((e) => isRaError(e, 'CA.BAD_SERIAL'));
  });

  it('keeps revocations in revoked.json, owner-only', async () => {
    const cert = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    await ca.revoke(cert.serial.toUpperCase(), 'affiliationChanged', NOW);
    const path = sandboxCaPaths(dataDir).revocations;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { entries: { serial: string; reason: string }[] };
    expect(file.entries).toContainEqual({ serial: cert.serial, at: NOW.toISOString(), reason: 'affiliationChanged' });
  });
});

describe('status (Pasal 14(2))', () => {
  let cert: IssuedCertificate;
  let revoked: IssuedCertificate;
  const revokedAt = new Date(NOW.getTime() + 30 * DAY);

  beforeAll(async () => {
    cert = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    revoked = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    await ca.revoke(revoked.serial, 'keyCompromise', revokedAt);
  });

  const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

  it('reports a current certificate as valid', async () => {
    const report = await ca.status(bytes(cert.pem), new Date(NOW.getTime() + DAY));
    expect(report).toEqual({
      status: 'valid', reasons: ['CERTCHECK.CHAIN_OK', 'CERTCHECK.NOT_REVOKED', 'CERTCHECK.WITHIN_VALIDITY'],
      serial: cert.serial, issuer: issuing.subject, notBefore: cert.notBefore, notAfter: cert.notAfter,
    });
  });

  it('reads DER as well as PEM, and a PKCS#7 bag', async () => {
    const der = new Uint8Array(new x509.X509Certificate(cert.pem).rawData);
    expect((await ca.status(der, NOW)).status).toBe('valid');
    const p7 = forge.pkcs7.createSignedData();
    p7.addCertificate(forge.pki.certificateFromPem(cert.pem));
    p7.addCertificate(forge.pki.certificateFromPem(issuing.toString('pem')));
    const p7b = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
    expect((await ca.status(p7b, NOW)).serial).toBe(cert.serial);
  });

  it('reports a certificate past its notAfter as expired', async () => {
    const report = await ca.status(bytes(cert.pem), new Date(Date.parse(cert.notAfter) + 1000));
    expect(report.status).toBe('expired');
    expect(report.reasons).toEqual(['CERTCHECK.CHAIN_OK', 'CERTCHECK.NOT_REVOKED', 'CERTCHECK.EXPIRED']);
  });

  it('reports a certificate before its notBefore as not yet valid', async () => {
    expect((await ca.status(bytes(cert.pem), new Date(NOW.getTime() - DAY))).status).toBe('not_yet_valid');
  });

  it('reports a revoked certificate as revoked, with when and why', async () => {
    const report = await ca.status(bytes(revoked.pem), new Date(revokedAt.getTime() + DAY));
    expect(report).toMatchObject({ status: 'revoked', revokedAt: revokedAt.toISOString(), revocationReason: 'keyCompromise' });
    expect(report.reasons).toEqual(['CERTCHECK.CHAIN_OK', 'CERTCHECK.REVOKED', 'CERTCHECK.WITHIN_VALIDITY']);
  });

  it('reports a certificate as valid at an instant before its revocation', async () => {
    expect((await ca.status(bytes(revoked.pem), new Date(revokedAt.getTime() - DAY))).status).toBe('valid');
  });

  it('reports a certificate from another CA as unknown issuer', async () => {
    const keys = await rsaKeys(2048);
    const stranger = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: 'CN=Some Other CA, C=ID', keys: keys.keys, signingAlgorithm: RSA_SHA256, notBefore: NOW, notAfter: new Date(NOW.getTime() + 365 * DAY),
    });
    const report = await ca.status(bytes(stranger.toString('pem')), NOW);
    expect(report).toMatchObject({ status: 'unknown_issuer', reasons: ['CERTCHECK.ISSUER_UNKNOWN'], issuer: 'CN=Some Other CA, C=ID' });
  });

  it('reports a certificate from a look-alike sandbox CA (same names, other keys) as a bad signature', async () => {
    await initSandboxCa(foreignDir, { now: NOW });
    const impostor = createSandboxCa({ dataDir: foreignDir, now: () => NOW });
    const forged = issued(await impostor.issue(request(await makeCsr(rsa2048.keys))));
    expect(forged.issuer).toBe(issuing.subject);
    const report = await ca.status(bytes(forged.pem), NOW);
    expect(report).toMatchObject({ status: 'unknown_issuer', reasons: ['CERTCHECK.SIGNATURE_INVALID'] });
  });

  it.each<[string, () => Uint8Array]>([
    ['empty bytes', () => new Uint8Array()],
    ['random bytes', () => new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef])],
    ['a private key', () => Buffer.from(rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())],
    ['a CSR', () => Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n')],
  ])('reports %s as malformed', async (_label, input) => {
    expect(await ca.status(input(), NOW)).toEqual({ status: 'malformed', reasons: ['CERTCHECK.NOT_A_CERTIFICATE'] });
  });
});

describe('describeCertificate', () => {
  it('describes the leaf of a PEM bundle with its chain', async () => {
    const cert = issued(await ca.issue(request(await makeCsr(rsa2048.keys))));
    const r = describeCertificate(Buffer.from(`${cert.chainPem}${cert.pem}`));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.leaf).toMatchObject({
      serial: cert.serial, issuer: cert.issuer, subject: cert.subject, fingerprint: cert.fingerprint,
      notBefore: cert.notBefore, notAfter: cert.notAfter, emails: [BUDI], dnsNames: [], isCa: false,
    });
    expect(r.value.others.map((o) => o.subject)).toEqual([issuing.subject, root.subject]);
  });

  it('reads a DER file and tells a broken one apart', () => {
    const r = describeCertificate(new Uint8Array(root.rawData));
    expect(r.ok && r.value.leaf.isCa).toBe(true);
    expect(describeCertificate(new Uint8Array(root.rawData).slice(0, 100))).toMatchObject({ ok: false, code: 'CERTFILE.MALFORMED' });
    expect(describeCertificate(Buffer.from('no certificate here'))).toMatchObject({ ok: false, code: 'CERTFILE.MALFORMED' });
  });
});

describe('messages for status reports (templates/id/messages/ca.json)', () => {
  const t = createTemplates();
  const report = {
    serial: '4a1b2c3d4e5f60718293a4b5c6d7e8f9', issuer: 'CN=BSrE Sandbox', notBefore: '2026-03-02T03:04:05.000Z',
    notAfter: '2028-03-02T03:04:05.000Z', revokedAt: '2026-04-01T00:00:00.000Z',
  };
  it.each([
    ...CERTIFICATE_STATUSES.map((s) => `CERTSTATUS.${s}`), ...CERTIFICATE_CHECK_CODES, ...REVOCATION_REASON_CODES.map((r) => `CRLREASON.${r}`),
    'CERTFILE.MALFORMED', 'CERTFILE.EMPTY',
  ])('has an Indonesian message for %s', (code) => {
    const text = t.message(code, code === 'CERTSTATUS.malformed' ? {} : report);
    expect(text.trim().length).toBeGreaterThan(5);
    expect(text).not.toMatch(/undefined|\{\{/);
  });

  it('renders the malformed status without any report field', () => {
    expect(() => t.message('CERTSTATUS.malformed', {})).not.toThrow();
    expect(() => t.message('CERTCHECK.NOT_A_CERTIFICATE', {})).not.toThrow();
  });
});

const hasOpenssl = ((): boolean => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('with OpenSSL, as applicants and relying parties use it', () => {
  it('signs a CSR made by openssl req, and openssl verifies the chain and sees the revocation in the CRL', async () => {
    const dir = makeTempDir('openssl');
    try {
      const key = join(dir, 'key.pem');
      const csrFile = join(dir, 'req.csr');
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', key, '-out', csrFile,
        '-subj', '/CN=Budi Santoso/O=Pemerintah Kota Pontianak/C=ID', '-addext', `subjectAltName=email:${BUDI}`], { stdio: 'ignore' });
      const cert = issued(await ca.issue(request(readFileSync(csrFile, 'utf8'))));
      const paths = sandboxCaPaths(dataDir);
      writeFileSync(join(dir, 'cert.pem'), cert.pem);
      const verify = (extra: string[]): string => {
        try {
          return execFileSync('openssl', ['verify', '-CAfile', paths.rootCert, '-untrusted', paths.issuingCert, '-attime', String(NOW.getTime() / 1000 + 60),
            ...extra, join(dir, 'cert.pem')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (e) {
          return String((e as { stdout?: string }).stdout) + String((e as { stderr?: string }).stderr);
        }
      };
      expect(verify(['-purpose', 'smimesign'])).toMatch(/: OK/);

      await ca.revoke(cert.serial, 'keyCompromise', NOW);
      writeFileSync(join(dir, 'crl.pem'), await ca.crlPem());
      expect(verify(['-crl_check', '-CRLfile', join(dir, 'crl.pem')])).toMatch(/certificate revoked/);
    } finally {
      removeTempDir(dir);
    }
  });
});
