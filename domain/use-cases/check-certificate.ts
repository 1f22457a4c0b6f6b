import type { CertificateAuthority, CertificateCheckCode, CertificateStatusReport } from '../ports/certificate-authority.ts';
import type { CertificateVerifier } from '../ports/certificate-verifier.ts';
import type { DeskPorts } from './desk-ports.ts';
import { validityAt } from '../certificates/validity.ts';

/**
 * Is this certificate good? (Pasal 14(2)) — for its holder or anyone relying on it. With a CA the desk
 * can ask (the sandbox) the CA answers. With BSrE by hand the desk checks what it can itself: the chain
 * to BSrE's roots (`RA_CA_ROOTS`), the validity dates, and revocations recorded by this RA; BSrE's own
 * CRL is not fetched, and the report says so. Null when there is nothing to check against (no roots).
 */
export async function checkCertificate(
  p: DeskPorts, with_: { ca: CertificateAuthority | null; verifier: CertificateVerifier | null }, bytes: Uint8Array, at: Date,
): Promise<CertificateStatusReport | null> {
  if (with_.ca) return with_.ca.status(bytes, at);
  if (!with_.verifier) return null;
  const read = await with_.verifier.inspect(bytes);
  if (!read.ok) return { status: 'malformed', reasons: ['CERTCHECK.NOT_A_CERTIFICATE'] };
  const c = read.value;
  if (c.chain === 'no_roots') return null;
  const facts = { serial: c.serial, issuer: c.issuer, notBefore: c.notBefore, notAfter: c.notAfter };
  if (c.chain !== 'trusted') return { status: 'unknown_issuer', reasons: [c.chain === 'signature_invalid' ? 'CERTCHECK.SIGNATURE_INVALID' : 'CERTCHECK.ISSUER_UNKNOWN'], ...facts };
  const reasons: CertificateCheckCode[] = ['CERTCHECK.CHAIN_OK'];
  const held = await p.certificates.findBySerial(c.issuer, c.serial);
  const revokedAt = held?.state === 'revoked' && held.revokedAt && Date.parse(held.revokedAt) <= at.getTime() ? held.revokedAt : null;
  reasons.push(revokedAt ? 'CERTCHECK.REVOKED' : 'CERTCHECK.NOT_REVOKED_AT_RA');
  const validity = validityAt(new Date(c.notBefore), new Date(c.notAfter), at);
  reasons.push(validity.reason);
  if (revokedAt) return { status: 'revoked', reasons, ...facts, revokedAt };
  return { status: validity.status, reasons, ...facts };
}
