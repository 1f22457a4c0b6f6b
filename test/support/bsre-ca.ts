import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import * as x509 from '../../storage/ca/x509.ts';

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_SUBJECT_SERIAL = '2.5.4.5';

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']),
  };
}

const serial = (): string => `4${randomBytes(15).toString('hex')}`;

export interface LeafOptions {
  /** rfc822Name SAN (and none when null). */
  readonly email?: string | null;
  /** Subject emailAddress attribute. */
  readonly subjectEmail?: string;
  /** Subject serialNumber (OID 2.5.4.5), as BSrE is assumed to carry a NIK. */
  readonly nik?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Make a CA certificate instead of an end-entity one. */
  readonly ca?: boolean;
}

export interface TestBsreCa {
  readonly root: x509.X509Certificate;
  readonly issuing: x509.X509Certificate;
  /** PEM of root + issuing, as an RA_CA_ROOTS file would hold. */
  readonly rootsPem: string;
  /** Writes the roots file (root only, or root + issuing) under `dir` and returns its path. */
  writeRoots(dir: string, options?: { rootOnly?: boolean }): string;
  /** An end-entity certificate signed by the issuing CA; its key pair is thrown away, as it never reaches the desk. */
  issue(o: LeafOptions): Promise<x509.X509Certificate>;
}

/**
 * A stand-in for BSrE in tests: a root and an issuing CA made with @peculiar/x509, issuing end-entity
 * certificates with the applicant's address in the SAN and/or a NIK in the subject serialNumber.
 */
export async function createTestBsreCa(now: Date, name = 'Test BSrE'): Promise<TestBsreCa> {
  const rootKeys = await keyPair();
  const issuingKeys = await keyPair();
  const caExtensions = (): x509.Extension[] => [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: `CN=${name} Root CA, O=Badan Siber dan Sandi Negara (test), C=ID`, keys: rootKeys, signingAlgorithm: RSA_SHA256,
    notBefore: new Date(now.getTime() - 365 * DAY), notAfter: new Date(now.getTime() + 20 * 365 * DAY), extensions: caExtensions(),
  });
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: `CN=${name} Issuing CA, O=Badan Siber dan Sandi Negara (test), C=ID`, issuer: root.subject,
    publicKey: issuingKeys.publicKey, signingKey: rootKeys.privateKey, signingAlgorithm: RSA_SHA256,
    notBefore: new Date(now.getTime() - 365 * DAY), notAfter: new Date(now.getTime() + 10 * 365 * DAY), extensions: caExtensions(),
  });
  const rootsPem = `${root.toString('pem')}\n${issuing.toString('pem')}\n`;
  return {
    root, issuing, rootsPem,
    writeRoots(dir, options = {}) {
      const path = join(dir, options.rootOnly ? 'bsre-root.pem' : 'bsre-roots.pem');
      writeFileSync(path, options.rootOnly ? root.toString('pem') : rootsPem);
      return path;
    },
    async issue(o) {
      const keys = await keyPair();
      const subject = new x509.Name([
        { '2.5.4.6': ['ID'] },
        { '2.5.4.10': ['Pemerintah Kota Pontianak'] },
        { '2.5.4.3': ['Pemilik Sertifikat'] },
        ...(o.nik ? [{ [OID_SUBJECT_SERIAL]: [o.nik] }] : []),
        ...(o.subjectEmail ? [{ [OID_EMAIL]: [o.subjectEmail] }] : []),
      ]);
      const extensions: x509.Extension[] = o.ca
        ? [new x509.BasicConstraintsExtension(true, 0, true)]
        : [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)];
      if (o.email) extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'email', value: o.email }]));
      return x509.X509CertificateGenerator.create({
        serialNumber: serial(), subject, issuer: issuing.subject, publicKey: keys.publicKey, signingKey: issuingKeys.privateKey, signingAlgorithm: RSA_SHA256,
        notBefore: o.notBefore ?? new Date(now.getTime() - DAY), notAfter: o.notAfter ?? new Date(now.getTime() + 2 * 365 * DAY), extensions,
      });
    },
  };
}

/** A PKCS#7 certificate bag (.p7b, DER) holding `certs`, as BSrE may hand a certificate with its chain. */
export function p7bOf(certs: readonly x509.X509Certificate[]): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  for (const c of certs) p7.addCertificate(forge.pki.certificateFromPem(c.toString('pem')));
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}
