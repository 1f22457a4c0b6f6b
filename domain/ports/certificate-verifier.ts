import type { Result } from '../shared/result.ts';

/** Why a received certificate does not chain to a configured BSrE root. */
export type ChainVerdict = 'trusted' | 'no_roots' | 'issuer_unknown' | 'signature_invalid';

/**
 * A certificate file an officer received from BSrE (PEM, DER or a PKCS#7 bag), as read by the adapter.
 * `nikCandidates` are personal data (Pasal 16(4) matching only): never log, audit or show them.
 */
export interface ReceivedCertificate {
  /** Lower-case hex, no leading zeros. */
  readonly serial: string;
  readonly issuer: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  readonly fingerprint: string;
  /** ISO 8601 instants. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** rfc822Name SANs and subject emailAddress values, lower-cased. */
  readonly emails: readonly string[];
  /** 16-digit values of the subject's serialNumber attribute (OID 2.5.4.5), where a NIK is carried. */
  readonly nikCandidates: readonly string[];
  /** basicConstraints CA:TRUE. */
  readonly isCa: boolean;
  /** Whether the certificate chains (names and signatures) to a configured root, through the file's other certificates. */
  readonly chain: ChainVerdict;
  /** The end-entity certificate followed by the other certificates of the file, PEM. */
  readonly pem: string;
}

export type ReadCertificateCode = 'CERTFILE.MALFORMED' | 'CERTFILE.EMPTY';

/**
 * Reads and checks a certificate file against the configured BSrE roots (`RA_CA_ROOTS`). Dates and
 * identity are the caller's rules; the port answers facts only, so the domain stays free of X.509.
 *
 * @example
 * const r = await verifier.inspect(bytes);
 * if (r.ok && r.value.chain !== 'trusted') return refuse('CERTIMPORT.ISSUER_UNKNOWN', { … });
 */
export interface CertificateVerifier {
  inspect(bytes: Uint8Array): Promise<Result<ReceivedCertificate, ReadCertificateCode>>;
}
