import type { CertificateType, CertificateUse } from '../certificates/certificate.ts';
import type { CsrCode } from '../certificates/csr-rules.ts';
import type { Result } from '../shared/result.ts';

/** Which CA adapter serves the desk (`RA_CA`): a local sandbox for demo and tests, or BSrE by hand. */
export const CA_KINDS = ['sandbox', 'bsre-manual'] as const;
export type CaKind = (typeof CA_KINDS)[number];

/**
 * RFC 5280 §5.3.1 CRLReason codes the desk uses (removeFromCRL and aACompromise are left out: the desk
 * never un-revokes and has no attribute authority). The regulation's grounds (Pasal 18) map onto these
 * elsewhere.
 */
export const REVOCATION_REASON_CODES = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;
export type RevocationReasonCode = (typeof REVOCATION_REASON_CODES)[number];

export const isRevocationReasonCode = (s: string): s is RevocationReasonCode =>
  (REVOCATION_REASON_CODES as readonly string[]).includes(s);

export interface IssueCertificateRequest {
  readonly requestId: string;
  /** The applicant's PKCS#10 request, PEM. The key pair behind it never reaches the desk. */
  readonly csrPem: string;
  /** Dinas address verified against the roster (Pasal 15(2)c). */
  readonly applicantEmail: string;
  readonly certificateType: CertificateType;
  /** Pasal 13(5); decides key usages (see `keyUsagesFor`). Never empty. */
  readonly uses: readonly CertificateUse[];
  readonly officialDomains: readonly string[];
}

export interface IssuedCertificate {
  /** Lower-case hex, no leading zeros, no separators. */
  readonly serial: string;
  /** Issuer distinguished name, RFC 4514-like string (`CN=…, O=…, C=ID`). */
  readonly issuer: string;
  readonly subject: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  readonly fingerprint: string;
  /** ISO 8601 instants, as written in the certificate (whole seconds). */
  readonly notBefore: string;
  readonly notAfter: string;
  /** The certificate, PEM. */
  readonly pem: string;
  /** The CA certificates above it, issuing CA first, PEM. */
  readonly chainPem: string;
}

/** Pasal 14(2): what a certificate's holder or a relying party asks the desk. */
export const CERTIFICATE_STATUSES = ['valid', 'expired', 'not_yet_valid', 'revoked', 'unknown_issuer', 'malformed'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * Why a status was given; a report lists every check made, in order, so a person sees both what holds
 * and what fails. Each code has an Indonesian message (`templates/id/messages/ca.json`).
 */
export const CERTIFICATE_CHECK_CODES = [
  'CERTCHECK.NOT_A_CERTIFICATE',
  'CERTCHECK.ISSUER_UNKNOWN',
  'CERTCHECK.SIGNATURE_INVALID',
  'CERTCHECK.CHAIN_OK',
  'CERTCHECK.REVOKED',
  'CERTCHECK.NOT_REVOKED',
  'CERTCHECK.NOT_REVOKED_AT_RA',
  'CERTCHECK.NOT_YET_VALID',
  'CERTCHECK.EXPIRED',
  'CERTCHECK.WITHIN_VALIDITY',
] as const;
export type CertificateCheckCode = (typeof CERTIFICATE_CHECK_CODES)[number];

export interface CertificateStatusReport {
  readonly status: CertificateStatus;
  readonly reasons: readonly CertificateCheckCode[];
  readonly serial?: string;
  readonly issuer?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly revokedAt?: string;
  readonly revocationReason?: RevocationReasonCode;
}

/**
 * The certification authority (Pasal 11: BSrE, or another recognised CA). The desk forwards approved
 * requests through this port and never sees a private key: the applicant sends a PKCS#10 CSR.
 *
 * @example
 * const r = await ca.issue({ requestId, csrPem, applicantEmail, certificateType: 'individual', uses: ['signature'], officialDomains });
 * if (!r.ok) return reply(t.message(r.code, r.params)); // e.g. CSR.WEAK_KEY
 */
export interface CertificateAuthority {
  readonly kind: CaKind;
  /** Checks the CSR (`checkCsr`) and signs it; a CSR that fails a rule is refused with its code. */
  issue(req: IssueCertificateRequest): Promise<Result<IssuedCertificate, CsrCode>>;
  /** Records a revocation (Pasal 18). Revoking twice keeps the first record; an unknown serial throws. */
  revoke(serial: string, reason: RevocationReasonCode, at: Date): Promise<void>;
  /** A fresh CRL signed by the CA, PEM (`X509 CRL`). */
  crlPem(): Promise<string>;
  /** The status of a certificate (PEM or DER) at `at` (Pasal 14(2)). Never throws on bad input. */
  status(certPemOrDer: Uint8Array, at: Date): Promise<CertificateStatusReport>;
}
