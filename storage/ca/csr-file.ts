import { createPublicKey } from 'node:crypto';
import type { CsrInfo } from '../../domain/certificates/csr-rules.ts';
import { ok, refuse, type Result } from '../../domain/shared/result.ts';
import * as x509 from './x509.ts';

/**
 * Reads a PKCS#10 request into the {@link CsrInfo} the domain's `checkCsr` judges. @peculiar/x509 parses
 * and verifies (WebCrypto handles RSA and EC alike; node-forge cannot read EC keys); Node's KeyObject
 * reports the key's size and curve.
 */

/** A CSR is about a kilobyte; a megabyte-sized one is an attack on the parser, not a request. */
export const CSR_MAX_CHARS = 64 * 1024;

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_CN = '2.5.4.3';
const OID_SAN = '2.5.29.17';

const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export interface ParsedCsr {
  readonly csr: x509.Pkcs10CertificateRequest;
  readonly info: CsrInfo;
}

function keyFacts(csr: x509.Pkcs10CertificateRequest): Pick<CsrInfo, 'keyAlgorithm' | 'rsaBits' | 'ecCurve' | 'otherKeyType'> {
  const key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return details.modulusLength === undefined ? { keyAlgorithm: 'rsa' } : { keyAlgorithm: 'rsa', rsaBits: details.modulusLength };
    case 'ec': {
      const curve = details.namedCurve;
      return curve === undefined ? { keyAlgorithm: 'ec' } : { keyAlgorithm: 'ec', ecCurve: CURVES[curve] ?? curve };
    }
    default:
      return { keyAlgorithm: 'other', otherKeyType: key.asymmetricKeyType ?? 'unknown' };
  }
}

async function signatureValid(csr: x509.Pkcs10CertificateRequest): Promise<boolean> {
  try {
    return await csr.verify();
  } catch {
    return false; // WebCrypto throws on a signature algorithm that does not fit the key
  }
}

function sanOf(csr: x509.Pkcs10CertificateRequest): Pick<CsrInfo, 'sanEmails' | 'sanDns' | 'sanOther'> {
  const all = csr.getExtensions(OID_SAN);
  if (all.length > 1) throw new Error('more than one subjectAltName extension');
  const ext = all[0];
  if (!ext) return { sanEmails: [], sanDns: [] };
  let names: x509.JsonGeneralNames;
  try {
    names = new x509.SubjectAlternativeNameExtension(ext.rawData).names.toJSON();
  } catch {
    return { sanEmails: [], sanDns: [], sanOther: ['otherName'] }; // kinds the library cannot render
  }
  return {
    sanEmails: names.filter((n) => n.type === 'email').map((n) => n.value),
    sanDns: names.filter((n) => n.type === 'dns').map((n) => n.value),
    sanOther: names.filter((n) => n.type !== 'email' && n.type !== 'dns').map((n) => n.type),
  };
}

/**
 * Parses one PEM CSR (`CERTIFICATE REQUEST`, or `NEW CERTIFICATE REQUEST` as older tools write it) and
 * verifies its signature. `CSR.MALFORMED` for anything that is not exactly one readable request.
 *
 * @example
 * const parsed = await parseCsr(pem);
 * if (parsed.ok) checkCsr(parsed.value.info, expectation);
 */
export async function parseCsr(pem: string): Promise<Result<ParsedCsr, 'CSR.MALFORMED'>> {
  if (pem.length > CSR_MAX_CHARS) return refuse('CSR.MALFORMED');
  let csr: x509.Pkcs10CertificateRequest;
  let info: Omit<CsrInfo, 'signatureValid'>;
  try {
    const blocks = x509.PemConverter.decodeWithHeaders(pem).filter((b) => CSR_LABELS.has(b.type));
    const block = blocks[0];
    if (!block || blocks.length > 1) return refuse('CSR.MALFORMED');
    csr = new x509.Pkcs10CertificateRequest(new Uint8Array(block.rawData));
    const cns = csr.subjectName.getField(OID_CN);
    if (cns.length > 1) return refuse('CSR.MALFORMED');
    const cn = cns[0];
    info = {
      ...keyFacts(csr),
      subjectEmails: csr.subjectName.getField(OID_EMAIL),
      ...sanOf(csr),
      ...(cn === undefined ? {} : { subjectCn: cn }),
    };
  } catch {
    return refuse('CSR.MALFORMED');
  }
  return ok({ csr, info: { ...info, signatureValid: await signatureValid(csr) } });
}
