import type { Templates } from './catalog.ts';
import type { CertificateRecord } from '../domain/ports/certificates.ts';

/**
 * The receipt a certificate's owner signs off (Pasal 16(6)), rendered one way for every channel: what
 * was delivered (serial, issuer, validity, fingerprint), to whom, when and how. Archived in the vault.
 */
export function receiptText(t: Templates, r: {
  requestId: string; certificate: CertificateRecord | null; name: string; nip: string | null; at: string; channel: 'Telegram' | 'E-mail';
}): string {
  const c = r.certificate;
  return t.render('receipt.txt', {
    requestId: r.requestId, serial: c?.serial ?? '-', issuer: c?.issuer ?? '-', notBefore: c?.notBefore ?? '-', notAfter: c?.notAfter ?? '-',
    fingerprint: c?.fingerprint ?? '-', name: r.name, nip: r.nip ?? '-', at: r.at, channel: r.channel,
  });
}
