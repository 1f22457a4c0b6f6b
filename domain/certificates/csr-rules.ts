import { isOfficialEmail, normaliseEmail } from '../shared/email.ts';
import { ok, refuse, type Result } from '../shared/result.ts';
import type { CertificateType, CertificateUse } from './certificate.ts';

/**
 * Rules a PKCS#10 certificate signing request (CSR) must meet before the CA signs it. The applicant makes
 * the key pair and the CSR on their own device, so the private key and passphrase never reach ra-desk
 * (Pasal 19-20: they are the owner's alone); the desk only checks what the CSR asserts.
 *
 * These rules are pure: an adapter parses the CSR and hands over a {@link CsrInfo}.
 */
export const CSR_CODES = [
  'CSR.MALFORMED',
  'CSR.BAD_SIGNATURE',
  'CSR.WEAK_KEY',
  'CSR.UNSUPPORTED_KEY',
  'CSR.EMAIL_MISMATCH',
  'CSR.EMAIL_REQUIRED',
  'CSR.DNS_NOT_OFFICIAL',
  'CSR.DNS_REQUIRED',
  'CSR.DNS_NOT_ALLOWED',
  'CSR.DNS_WILDCARD',
  'CSR.SAN_UNSUPPORTED',
] as const;
export type CsrCode = (typeof CSR_CODES)[number];

/** Smallest RSA modulus accepted (BSSN/NIST: 2048 bits until at least 2030). */
export const MIN_RSA_BITS = 2048;
/** Largest RSA modulus accepted: bigger keys buy nothing and make every verification slow. */
export const MAX_RSA_BITS = 8192;
/** NIST curves every PDF reader, mail client and TLS stack the city uses supports. */
export const EC_CURVES = ['P-256', 'P-384'] as const;

/** What an adapter read from the CSR. Values come from the applicant and are not trusted. */
export interface CsrInfo {
  /** The CSR's self-signature verifies with the public key it carries (proof of possession). */
  readonly signatureValid: boolean;
  readonly keyAlgorithm: 'rsa' | 'ec' | 'other';
  readonly rsaBits?: number;
  /** WebCrypto curve name (`P-256`) where known, else the name the parser gave (`secp256k1`). */
  readonly ecCurve?: string;
  /** For `other` keys: what the key is (`ed25519`, `rsa-pss`), shown to the applicant. */
  readonly otherKeyType?: string;
  /** `emailAddress` attributes of the subject (deprecated in favour of the SAN, still common). */
  readonly subjectEmails: readonly string[];
  readonly sanEmails: readonly string[];
  readonly sanDns: readonly string[];
  /** Subject alternative names of any other kind (IP address, URI, UPN …), by kind. */
  readonly sanOther?: readonly string[];
  readonly subjectCn?: string;
}

export interface CsrExpectation {
  /** The applicant's dinas address, already verified against the roster (Pasal 15(2)c). */
  readonly applicantEmail: string;
  readonly certificateType: CertificateType;
  /** The city's domains (`pontianak.go.id`): e-mail and host names must sit under one of them. */
  readonly officialDomains: readonly string[];
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Longer names are cut in refusal params: they are shown to a person, not stored. */
const SHOWN_MAX = 80;
const shown = (s: string): string => (s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX)}…` : s);

const looksLikeEmail = (s: string): boolean => /^[^\s@]+@[^\s@]+$/.test(s.trim());
/** A host name in a CN: at least two labels and no spaces (`sikda.pontianak.go.id`). */
const looksLikeHost = (s: string): boolean => /^(?:\*\.)?(?:[a-z0-9-]+\.)+[a-z]{2,63}$/i.test(s.trim());

function isOfficialHost(name: string, officialDomains: readonly string[]): boolean {
  const labels = name.split('.');
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) return false;
  return officialDomains
    .map((d) => normaliseEmail(d).replace(/^[@.]+|\.+$/g, ''))
    .some((d) => d !== '' && (name === d || name.endsWith(`.${d}`)));
}

function checkKey(info: CsrInfo): Result<void, CsrCode> {
  switch (info.keyAlgorithm) {
    case 'rsa': {
      if (info.rsaBits === undefined || !Number.isInteger(info.rsaBits) || info.rsaBits <= 0) return refuse('CSR.MALFORMED');
      if (info.rsaBits > MAX_RSA_BITS) return refuse('CSR.UNSUPPORTED_KEY', { algorithm: `RSA ${info.rsaBits} bit` });
      return ok(undefined);
    }
    case 'ec': {
      if (!info.ecCurve) return refuse('CSR.MALFORMED');
      return (EC_CURVES as readonly string[]).includes(info.ecCurve)
        ? ok(undefined)
        : refuse('CSR.UNSUPPORTED_KEY', { algorithm: `EC ${shown(info.ecCurve)}` });
    }
    default:
      return refuse('CSR.UNSUPPORTED_KEY', { algorithm: shown(info.otherKeyType ?? 'tidak dikenal') });
  }
}

/**
 * Checks a parsed CSR against what the desk knows of the applicant. The first failing rule wins, in this
 * order: key type, signature, key strength, unsupported SAN kinds, then names.
 *
 * - The key must be RSA (2048-8192 bits) or EC P-256/P-384. An unsupported key is reported before the
 *   signature, since a signature made with it cannot be judged.
 * - The CSR's signature must verify: it proves the applicant holds the private key and that nothing
 *   changed the CSR on its way.
 * - Only e-mail and DNS subject alternative names are certified; anything else (IP, URI, UPN) is refused
 *   rather than silently dropped, so the applicant knows what their certificate will say.
 * - `individual` and `position` (Pasal 12): every e-mail address in the CSR (SAN, subject emailAddress,
 *   or a CN that is an address) must be the applicant's dinas address, which must appear at least once;
 *   no host names, because a person's certificate must not vouch for a server.
 * - `system`: at least one DNS SAN; every host name (SANs, and a CN that looks like one) must be under
 *   an official domain; no wildcards (each host is named, so the officer sees what is certified); any
 *   e-mail address must be the applicant's.
 *
 * @example
 * checkCsr(info, { applicantEmail: 'budi@pontianak.go.id', certificateType: 'individual', officialDomains: ['pontianak.go.id'] });
 */
export function checkCsr(info: CsrInfo, expect: CsrExpectation): Result<void, CsrCode> {
  const key = checkKey(info);
  if (!key.ok) return key;
  if (!info.signatureValid) return refuse('CSR.BAD_SIGNATURE');
  if (info.keyAlgorithm === 'rsa' && info.rsaBits !== undefined && info.rsaBits < MIN_RSA_BITS) {
    return refuse('CSR.WEAK_KEY', { bits: info.rsaBits, minBits: MIN_RSA_BITS });
  }
  const other = info.sanOther?.[0];
  if (other !== undefined) return refuse('CSR.SAN_UNSUPPORTED', { nameType: shown(other) });

  const cn = info.subjectCn?.trim();
  const emails = [...info.sanEmails, ...info.subjectEmails, ...(cn && looksLikeEmail(cn) ? [cn] : [])].map(normaliseEmail);
  const applicant = normaliseEmail(expect.applicantEmail);
  if (emails.some((e) => e !== applicant)) return refuse('CSR.EMAIL_MISMATCH');

  const domains = expect.officialDomains.join(', ');
  if (expect.certificateType === 'system') {
    if (info.sanDns.length === 0) return refuse('CSR.DNS_REQUIRED', { domains });
    const hosts = [...info.sanDns, ...(cn && looksLikeHost(cn) ? [cn] : [])].map((h) => h.trim().toLowerCase());
    for (const host of hosts) {
      if (host.includes('*')) return refuse('CSR.DNS_WILDCARD', { dnsName: shown(host) });
      if (!isOfficialHost(host, expect.officialDomains)) return refuse('CSR.DNS_NOT_OFFICIAL', { dnsName: shown(host), domains });
    }
    return ok(undefined);
  }

  const firstDns = info.sanDns[0];
  if (firstDns !== undefined) return refuse('CSR.DNS_NOT_ALLOWED', { dnsName: shown(firstDns) });
  if (!emails.includes(applicant) || !isOfficialEmail(applicant, expect.officialDomains)) return refuse('CSR.EMAIL_REQUIRED');
  return ok(undefined);
}

/** RFC 5280 keyUsage bits ra-desk asks for in end-entity certificates. */
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyAgreement';
/** RFC 5280 extended key usages (id-kp-*) ra-desk asks for. */
export type ExtKeyUsageName = 'serverAuth' | 'clientAuth' | 'emailProtection';

export interface KeyUsages {
  readonly keyUsage: readonly KeyUsageName[];
  /** Empty means "no extendedKeyUsage extension": the certificate is then not restricted to purposes. */
  readonly extKeyUsage: readonly ExtKeyUsageName[];
}

const KEY_USAGE_ORDER: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement'];
const EXT_KEY_USAGE_ORDER: readonly ExtKeyUsageName[] = ['serverAuth', 'clientAuth', 'emailProtection'];

/**
 * Key usages for the uses of Pasal 13(5):
 *
 * | use          | keyUsage                                  | extKeyUsage     |
 * | ------------ | ----------------------------------------- | --------------- |
 * | `signature`  | digitalSignature, nonRepudiation          | –               |
 * | `email`      | digitalSignature, keyEncipherment         | emailProtection |
 * | `document`   | digitalSignature, nonRepudiation          | –               |
 * | `ssl_server` | digitalSignature, keyEncipherment         | serverAuth      |
 * | `ssl_client` | digitalSignature                          | clientAuth      |
 *
 * RFC 5480 §3 forbids keyEncipherment with an EC key: for `email` it becomes `keyAgreement` (S/MIME
 * encrypts to EC keys by ECDH), for `ssl_server` it is left out (TLS servers with EC keys only sign).
 *
 * `document` deliberately adds no extended key usage. RFC 9336's id-kp-documentSigning
 * (1.3.6.1.5.5.7.3.36) exists, but once a certificate carries an extendedKeyUsage extension, readers
 * reject purposes not listed in it, and PDF readers do not all accept that OID yet: a signature-only
 * certificate without the extension works in every reader.
 *
 * @example
 * keyUsagesFor(['signature', 'email']);
 * // { keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment'], extKeyUsage: ['emailProtection'] }
 */
export function keyUsagesFor(uses: readonly CertificateUse[], keyAlgorithm: 'rsa' | 'ec' = 'rsa'): KeyUsages {
  const keyUsage = new Set<KeyUsageName>();
  const extKeyUsage = new Set<ExtKeyUsageName>();
  const encipher: KeyUsageName = keyAlgorithm === 'ec' ? 'keyAgreement' : 'keyEncipherment';
  for (const use of uses) {
    keyUsage.add('digitalSignature');
    switch (use) {
      case 'signature':
      case 'document':
        keyUsage.add('nonRepudiation');
        break;
      case 'email':
        keyUsage.add(encipher);
        extKeyUsage.add('emailProtection');
        break;
      case 'ssl_server':
        // TLS with an EC key signs its key exchange (ECDHE_ECDSA): no key agreement on the certificate.
        if (keyAlgorithm === 'rsa') keyUsage.add('keyEncipherment');
        extKeyUsage.add('serverAuth');
        break;
      case 'ssl_client':
        extKeyUsage.add('clientAuth');
        break;
    }
  }
  return {
    keyUsage: KEY_USAGE_ORDER.filter((u) => keyUsage.has(u)),
    extKeyUsage: EXT_KEY_USAGE_ORDER.filter((u) => extKeyUsage.has(u)),
  };
}
