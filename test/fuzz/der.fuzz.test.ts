import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSR_CODES, checkCsr } from '../../domain/certificates/csr-rules.ts';
import { CERT_FILE_CODES, describeCertificate, verifyChain } from '../../storage/ca/certificate-file.ts';
import { parseCsr } from '../../storage/ca/csr-file.ts';
import * as x509 from '../../storage/ca/x509.ts';
import { createTestBsreCa, p7bOf, type TestBsreCa } from '../support/bsre-ca.ts';
import { applicantCsr } from '../support/csr.ts';
import { PEOPLE } from '../support/people.ts';
import { fuzzBudget, mutatedBytes, withinHangGuard } from './fuzz-support.ts';

/** DER's moving parts: tags of SEQUENCE, SET, OID, strings, long and indefinite lengths. */
const DER_SNIPPETS = [
  [0x30, 0x80], [0x30, 0x84, 0xff, 0xff, 0xff, 0xff], [0x31, 0x00], [0x06, 0x03, 0x55, 0x1d, 0x11], [0x04, 0x00], [0x0c, 0x01, 0xff],
  [0x02, 0x81, 0x00], [0x05, 0x00], [0xa0, 0x82, 0x7f, 0xff], [0x00, 0x00], [0x1e, 0x03, 0xd8, 0x00, 0x41], [0x17, 0x0d],
].map((b) => Uint8Array.from(b));

const pemOf = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;

describe('fuzz: CSRs and certificates (mutated DER)', () => {
  let csrDer: Buffer;
  let ca: TestBsreCa;
  let leafDer: Buffer;
  let p7b: Buffer;
  beforeAll(async () => {
    const pem = await applicantCsr(PEOPLE.andi.email);
    csrDer = Buffer.from(x509.PemConverter.decodeFirst(pem));
    ca = await createTestBsreCa(new Date());
    const leaf = await ca.issue({ email: PEOPLE.andi.email, nik: PEOPLE.andi.nik });
    leafDer = Buffer.from(leaf.rawData);
    p7b = p7bOf([leaf, ca.issuing]);
  }, 60_000);

  it('parseCsr + checkCsr: a request or CSR.* refusal, within 5 s', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(csrDer, DER_SNIPPETS), fc.boolean(), async (der, newLabel) => {
        const parsed = await withinHangGuard(() => parseCsr(pemOf(newLabel ? 'NEW CERTIFICATE REQUEST' : 'CERTIFICATE REQUEST', der)));
        if (!parsed.ok) return void expect(parsed.code).toBe('CSR.MALFORMED');
        const checked = checkCsr(parsed.value.info, { applicantEmail: PEOPLE.andi.email, certificateType: 'individual', officialDomains: ['pontianak.go.id'] });
        if (!checked.ok) expect(CSR_CODES).toContain(checked.code);
      }),
      fuzzBudget(400),
    );
  });

  it('describeCertificate + verifyChain over DER, PEM and PKCS#7: a description or CERTFILE.* refusal, within 5 s', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('der', 'pem', 'p7b', 'p7b-pem').chain((form) =>
          mutatedBytes(form.startsWith('p7b') ? p7b : leafDer, DER_SNIPPETS).map((der) =>
            form === 'pem' ? Buffer.from(pemOf('CERTIFICATE', der)) : form === 'p7b-pem' ? Buffer.from(pemOf('PKCS7', der)) : der)),
        async (bytes) => {
          const described = await withinHangGuard(() => describeCertificate(bytes));
          if (!described.ok) return void expect(CERT_FILE_CODES).toContain(described.code);
          const leaf = new x509.X509Certificate(described.value.leaf.pem);
          const outcome = await withinHangGuard(() => verifyChain(leaf, { roots: [ca.root], intermediates: [ca.issuing] }));
          expect(typeof outcome.trusted).toBe('boolean');
        },
      ),
      fuzzBudget(400),
    );
  });

  it('arbitrary bytes as a CSR or a certificate file: refused, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        const csr = await withinHangGuard(() => parseCsr(Buffer.from(bytes).toString('latin1')));
        if (!csr.ok) expect(csr.code).toBe('CSR.MALFORMED');
        const cert = await withinHangGuard(() => describeCertificate(bytes));
        if (!cert.ok) expect(CERT_FILE_CODES).toContain(cert.code);
      }),
      fuzzBudget(300),
    );
  });
});

/** Every input the fuzzers above found, kept as a file, with the answer it must get. */
describe('fuzz regressions (test/fixtures/fuzz)', () => {
  const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/fuzz/${name}`, import.meta.url));

  it('refuses a certificate whose subjectAltName value is empty, instead of throwing (and of reading it as having no extensions)', () => {
    const bytes = fixture('cert-san-empty-octet-string.der');
    expect(describeCertificate(bytes)).toMatchObject({ ok: false, code: 'CERTFILE.MALFORMED' });
    expect(describeCertificate(Buffer.from(pemOf('CERTIFICATE', bytes)))).toMatchObject({ ok: false, code: 'CERTFILE.MALFORMED' });
  });

  it('refuses a certificate whose issuer name cannot be encoded again (a UTCTime as CN), instead of throwing while building its chain', () => {
    expect(describeCertificate(fixture('cert-issuer-cn-utctime.der'))).toMatchObject({ ok: false, code: 'CERTFILE.MALFORMED' });
  });
});
