import { readFileSync } from 'node:fs';
import type { CertificateVerifier, ReceivedCertificate } from '../../domain/ports/certificate-verifier.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { ok } from '../../domain/shared/result.ts';
import { certificateDescription, isCaCertificate, leafOf, parseCertificates, verifyChain } from './certificate-file.ts';
import type * as x509 from './x509.ts';

/**
 * The subject attribute a NIK travels in: serialNumber (OID 2.5.4.5), the "serial number of the
 * subject" X.520 defines for a national identity number (ETSI EN 319 412-1 uses it the same way).
 * BSrE's exact encoding is not published to us: a bare 16-digit value and one with a `NIK` or ETSI
 * `IDCID-`-style prefix are both read.
 */
const OID_SUBJECT_SERIAL = '2.5.4.5';
const NIK_VALUE = /^(?:NIK[-: ]?|IDC[A-Z]{2}-)?(\d{16})$/i;

export function nikCandidatesOf(cert: x509.X509Certificate): string[] {
  return cert.subjectName.getField(OID_SUBJECT_SERIAL)
    .map((v) => NIK_VALUE.exec(v.trim())?.[1])
    .filter((v): v is string => v !== undefined);
}

/**
 * Reads the BSrE roots file (`RA_CA_ROOTS`): one or more PEM certificates, roots or intermediates, each
 * a trust anchor. A configured path that cannot be read, or holds no CA certificate, stops the program:
 * silently trusting nothing would make every import fail with a misleading reason.
 */
export function loadTrustAnchors(path: string): x509.X509Certificate[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new RaError('CA_ROOTS.UNREADABLE', `RA_CA_ROOTS: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  const parsed = parseCertificates(bytes);
  const anchors = parsed.ok ? parsed.value.filter(isCaCertificate) : [];
  if (anchors.length === 0) throw new RaError('CA_ROOTS.EMPTY', `RA_CA_ROOTS: ${path} holds no CA certificate in PEM (expected BSrE's root and intermediate certificates)`);
  return anchors;
}

/**
 * The adapter of `CertificateVerifier`: parses PEM, DER or PKCS#7 (`certificate-file.ts`) and checks
 * names and signatures up to `anchors` with @peculiar/x509. With no anchors every chain is `no_roots`.
 *
 * @example
 * const verifier = createCertificateVerifier(config.caRoots ? loadTrustAnchors(config.caRoots) : []);
 */
export function createCertificateVerifier(anchors: readonly x509.X509Certificate[]): CertificateVerifier {
  return {
    async inspect(bytes) {
      const parsed = parseCertificates(bytes);
      if (!parsed.ok) return parsed;
      const certs = parsed.value;
      const leaf = leafOf(certs)!;
      const d = certificateDescription(leaf);
      const others = certs.filter((c) => c !== leaf);
      let chain: ReceivedCertificate['chain'] = 'no_roots';
      if (anchors.length > 0) {
        const r = await verifyChain(leaf, { roots: anchors, intermediates: others });
        chain = r.trusted ? 'trusted' : r.reason === 'signature_invalid' ? 'signature_invalid' : 'issuer_unknown';
      }
      return ok({
        serial: d.serial, issuer: d.issuer, fingerprint: d.fingerprint, notBefore: d.notBefore, notAfter: d.notAfter,
        emails: d.emails, nikCandidates: nikCandidatesOf(leaf), isCa: d.isCa, chain,
        pem: [d.pem, ...others.map((c) => c.toString('pem'))].map((s) => `${s.trim()}\n`).join(''),
      });
    },
  };
}
