import type { CertificateStatusReport } from '../domain/ports/certificate-authority.ts';
import type { Templates } from './catalog.ts';

/** A date as people read it on a certificate: `2028-11-25 03:00 UTC`. */
const shown = (iso: string | undefined): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '-');

/**
 * The answer to "is this certificate good?" (Pasal 14(2)) in every channel: the verdict, then each check
 * made, in order, so a person sees both what holds and what fails.
 */
export function describeCertificateStatus(t: Templates, r: CertificateStatusReport): string {
  const verdict = t.message(`CERTSTATUS.${r.status}`, {
    serial: r.serial ?? '-', issuer: r.issuer ?? '-', notBefore: shown(r.notBefore), notAfter: shown(r.notAfter), revokedAt: shown(r.revokedAt),
  });
  return [verdict, ...r.reasons.map((code) => `- ${t.message(code)}`)].join('\n');
}
