import type { CertificateCheckCode } from '../ports/certificate-authority.ts';

/**
 * Where an instant falls in a certificate's validity (Pasal 14(2)), as a status and the check that says
 * so. One rule for every status answer: the sandbox CA's and the one checked against BSrE's roots.
 */
export function validityAt(notBefore: Date, notAfter: Date, at: Date): { status: 'valid' | 'expired' | 'not_yet_valid'; reason: CertificateCheckCode } {
  if (at.getTime() < notBefore.getTime()) return { status: 'not_yet_valid', reason: 'CERTCHECK.NOT_YET_VALID' };
  if (at.getTime() > notAfter.getTime()) return { status: 'expired', reason: 'CERTCHECK.EXPIRED' };
  return { status: 'valid', reason: 'CERTCHECK.WITHIN_VALIDITY' };
}
