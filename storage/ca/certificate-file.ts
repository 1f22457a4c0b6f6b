import { createHash } from 'node:crypto';
import { ok, refuse, type Result } from '../../domain/shared/result.ts';
import * as x509 from './x509.ts';

/**
 * Reading certificates people hand in (`ra-desk cert status FILE`, a certificate BSrE sends back for
 * `bsre-manual`): PEM (one or more blocks), DER, or a PKCS#7 certificate bag (`.p7b`/`.p7c`, PEM or DER).
 *
 * Parsing is done with @peculiar/x509 rather than node-forge: forge cannot read certificates with EC
 * keys (P-256 is common for signing certificates), and @peculiar verifies through WebCrypto.
 */

export const CERT_FILE_CODES = ['CERTFILE.MALFORMED', 'CERTFILE.EMPTY'] as const;
export type CertFileCode = (typeof CERT_FILE_CODES)[number];

/** A certificate file is a few kilobytes; anything this large is not one. */
export const CERT_FILE_MAX_BYTES = 1024 * 1024;

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export interface CertificateDescription {
  /** Lower-case hex without leading zeros (see {@link normaliseSerial}). */
  readonly serial: string;
  readonly issuer: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  readonly fingerprint: string;
  /** rfc822Name SANs and subject emailAddress attributes, lower-cased, without repeats. */
  readonly emails: readonly string[];
  readonly dnsNames: readonly string[];
  readonly isCa: boolean;
  readonly pem: string;
}

/** Serial numbers compare as numbers: lower-case hex, no separators, no leading zeros. */
export function normaliseSerial(serial: string): string {
  const hex = serial.replace(/[\s:]/g, '').toLowerCase().replace(/^0+(?=.)/, '');
  return hex;
}

const textOf = (bytes: Uint8Array): string | null => {
  const text = Buffer.from(bytes).toString('latin1');
  return text.includes('-----BEGIN ') ? text : null;
};

const bufferOf = (data: ArrayBuffer): Uint8Array => new Uint8Array(data);

function fromDer(der: Uint8Array): x509.X509Certificate[] {
  try {
    return [new x509.X509Certificate(der)];
  } catch {
    return [...new x509.X509Certificates(der)];
  }
}

/**
 * Reads every lazily decoded part now, inside the caller's try. @peculiar/x509 decodes extensions on first
 * use and, when one is broken (an empty subjectAltName value), throws once and then answers "no
 * extensions" on every later read: a CA certificate would pass for an end-entity one. Such a file is
 * refused as a whole instead, as is one whose names cannot be written back (both found by
 * test/fuzz/der.fuzz.test.ts; the inputs are in test/fixtures/fuzz/).
 */
function decodedFully(cert: x509.X509Certificate): x509.X509Certificate {
  void cert.extensions;
  // Names are compared as DER when chains are built; an attribute the library reads but cannot write
  // back (a UTCTime where a string belongs) would throw there, deep in an import.
  void cert.subjectName.toArrayBuffer();
  void cert.issuerName.toArrayBuffer();
  void cert.serialNumber;
  void cert.notBefore;
  void cert.notAfter;
  return cert;
}

/**
 * Every certificate in the file, in file order. PEM blocks of other kinds (a private key pasted by
 * mistake, a CRL) are skipped, never echoed.
 */
export function parseCertificates(bytes: Uint8Array): Result<x509.X509Certificate[], CertFileCode> {
  if (bytes.length === 0) return refuse('CERTFILE.EMPTY');
  if (bytes.length > CERT_FILE_MAX_BYTES) return refuse('CERTFILE.MALFORMED');
  try {
    const text = textOf(bytes);
    const certs: x509.X509Certificate[] = [];
    if (text === null) {
      certs.push(...fromDer(bytes));
    } else {
      for (const block of x509.PemConverter.decodeWithHeaders(text)) {
        if (CERT_LABELS.has(block.type)) certs.push(new x509.X509Certificate(bufferOf(block.rawData)));
        else if (PKCS7_LABELS.has(block.type)) certs.push(...new x509.X509Certificates(bufferOf(block.rawData)));
      }
    }
    return certs.length > 0 ? ok(certs.map(decodedFully)) : refuse('CERTFILE.EMPTY');
  } catch {
    return refuse('CERTFILE.MALFORMED');
  }
}

const sameName = (a: x509.Name, b: x509.Name): boolean => {
  try {
    return Buffer.from(a.toArrayBuffer()).equals(Buffer.from(b.toArrayBuffer()));
  } catch {
    return false; // a name that cannot be encoded matches nothing (parseCertificates refuses such files)
  }
};

export function isCaCertificate(cert: x509.X509Certificate): boolean {
  const bc = cert.getExtension<x509.BasicConstraintsExtension>(OID_BASIC_CONSTRAINTS);
  return bc instanceof x509.BasicConstraintsExtension && bc.ca;
}

/** The end-entity certificate of a bundle: the one that issued no other certificate in it. */
export function leafOf(certs: readonly x509.X509Certificate[]): x509.X509Certificate | undefined {
  return certs.find((c) => !certs.some((other) => other !== c && sameName(other.issuerName, c.subjectName) && !sameName(other.subjectName, c.subjectName)))
    ?? certs[0];
}

function sanNames(cert: x509.X509Certificate): x509.JsonGeneralNames {
  const san = cert.getExtension<x509.SubjectAlternativeNameExtension>(OID_SAN);
  if (!(san instanceof x509.SubjectAlternativeNameExtension)) return [];
  try {
    return san.names.toJSON();
  } catch {
    return []; // otherName kinds the library cannot render; they carry neither e-mail nor host names
  }
}

export const fingerprintOf = (cert: x509.X509Certificate): string =>
  createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex');

export function certificateDescription(cert: x509.X509Certificate): CertificateDescription {
  const names = sanNames(cert);
  const emails = [...names.filter((n) => n.type === 'email').map((n) => n.value), ...cert.subjectName.getField(OID_EMAIL)]
    .map((e) => e.trim().toLowerCase());
  return {
    serial: normaliseSerial(cert.serialNumber),
    issuer: cert.issuer,
    subject: cert.subject,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint: fingerprintOf(cert),
    emails: [...new Set(emails)],
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    isCa: isCaCertificate(cert),
    pem: cert.toString('pem'),
  };
}

export interface CertificateFile {
  /** The end-entity certificate (see {@link leafOf}). */
  readonly leaf: CertificateDescription;
  /** The other certificates of the file (a chain sent along), in file order. */
  readonly others: readonly CertificateDescription[];
}

/**
 * Describes the certificate in a file (PEM, DER or PKCS#7).
 *
 * @example
 * const r = describeCertificate(readFileSync('budi.p7b'));
 * if (r.ok) console.log(r.value.leaf.serial, r.value.leaf.notAfter);
 */
export function describeCertificate(bytes: Uint8Array): Result<CertificateFile, CertFileCode> {
  const parsed = parseCertificates(bytes);
  if (!parsed.ok) return parsed;
  const leaf = leafOf(parsed.value);
  if (!leaf) return refuse('CERTFILE.EMPTY');
  return ok({ leaf: certificateDescription(leaf), others: parsed.value.filter((c) => c !== leaf).map(certificateDescription) });
}

export type ChainOutcome =
  | { readonly trusted: true; readonly path: readonly x509.X509Certificate[] }
  | { readonly trusted: false; readonly reason: 'issuer_unknown' | 'signature_invalid' | 'too_long' };

/** Longer paths than root → intermediate → intermediate → leaf do not occur in BSrE's hierarchy. */
const MAX_PATH = 4;

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false; // a key of another algorithm than the signature: WebCrypto throws instead of answering
  }
}

/**
 * Whether `cert` chains to one of `roots` through `intermediates`, by names and signatures only. Dates
 * and revocation are the caller's business, because a status report wants each reason separately.
 * Intermediates must be CA certificates (basicConstraints CA:TRUE). A certificate that is itself one of
 * the roots is trusted.
 *
 * @example
 * const r = await verifyChain(cert, { roots: bsreRoots, intermediates: bundle });
 * if (!r.trusted) console.log(r.reason); // 'issuer_unknown'
 */
export async function verifyChain(
  cert: x509.X509Certificate,
  anchors: { readonly roots: readonly x509.X509Certificate[]; readonly intermediates?: readonly x509.X509Certificate[] },
): Promise<ChainOutcome> {
  const isRoot = (c: x509.X509Certificate): boolean => anchors.roots.some((r) => Buffer.from(r.rawData).equals(Buffer.from(c.rawData)));
  const candidates = [...anchors.roots, ...(anchors.intermediates ?? []).filter(isCaCertificate)];
  const path: x509.X509Certificate[] = [cert];
  let current = cert;
  for (let depth = 0; depth < MAX_PATH; depth += 1) {
    if (isRoot(current)) return { trusted: true, path };
    const named = candidates.filter((c) => sameName(c.subjectName, current.issuerName) && !path.includes(c));
    let next: x509.X509Certificate | undefined;
    for (const candidate of named) {
      if (await signedBy(current, candidate)) {
        next = candidate;
        break;
      }
    }
    if (!next) return { trusted: false, reason: named.length > 0 ? 'signature_invalid' : 'issuer_unknown' };
    path.push(next);
    current = next;
  }
  return isRoot(current) ? { trusted: true, path } : { trusted: false, reason: 'too_long' };
}
