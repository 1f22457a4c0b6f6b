import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { StorageDesk } from '../../storage/create-desk.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { CertificateSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { PEOPLE } from './storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from './sample-files.ts';

/** The three files of a complete application, the e-KTP scan among them. */
export const applicationFiles = () => [
  { kind: 'cover_letter' as const, filename: 'pengantar.pdf', bytes: tinyPdf() },
  { kind: 'recommendation' as const, filename: 'rekomendasi.png', bytes: tinyPng() },
  { kind: 'ktp_scan' as const, filename: 'ktp.jpg', bytes: tinyJpeg() },
];

/**
 * A complete application by one of PEOPLE through the real use case, its original message archived in
 * the vault, and (optionally) the certificate it led to, with the dates the test needs.
 */
export async function seedApplicationWithCertificate(
  desk: StorageDesk, ds: DataSource, who: keyof typeof PEOPLE,
  certificate: { notAfter: string; revokedAt?: string } | null,
): Promise<{ requestId: string; certificateId: string | null }> {
  const p = desk.ports;
  const person = PEOPLE[who];
  const r = await submitApplication(p, {
    channel: 'email', email: person.email, nik: person.nik, nip: person.nip, name: person.name,
    certificateType: 'individual', uses: [], documents: applicationFiles(),
  });
  if (!r.ok) throw new Error(`application refused: ${r.code}`);
  const { requestId } = r.value;
  await p.vault.store({ requestId, kind: 'original_message', bytes: Buffer.from(`From: ${person.email}\r\nSubject: permohonan\r\n\r\nNIK: ${person.nik}\r\n`), mediaType: 'message/rfc822' });
  if (!certificate) return { requestId, certificateId: null };
  const owner = await p.roster.findByNip(person.nip);
  const certificateId = randomUUID();
  await inWriteTransaction(ds, async (qr) => {
    await qr.manager.getRepository(RequestSchema).update({ id: requestId }, { status: 'completed' });
    await qr.manager.getRepository(CertificateSchema).insert({
      id: certificateId, requestId, ownerPersonId: owner!.personId, serial: randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(), issuer: 'BSrE',
      fingerprint: 'ab'.repeat(32), notBefore: '2025-01-01T00:00:00.000Z', notAfter: certificate.notAfter,
      state: certificate.revokedAt ? 'revoked' : 'active', agreementAcceptedAt: null, agreementHash: null, deliveredAt: null,
      receiptConfirmedAt: null, revokedAt: certificate.revokedAt ?? null, revocationReason: certificate.revokedAt ? 'keyCompromise' : null,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });
  return { requestId, certificateId };
}
