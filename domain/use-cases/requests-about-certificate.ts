import type { CaseRecord } from '../requests/case-record.ts';
import type { CaseFilter } from '../ports/case-repository.ts';
import type { DeskPorts } from './desk-ports.ts';

/** Which detail of a renewal or revocation request names the certificate it is about. */
const CERTIFICATE_DETAIL = { renewal: 'renewsCertificateId', revocation: 'certificateId' } as const;

/**
 * The owner's renewal or revocation requests about one certificate (found through the owner's NIP, the
 * register's index), optionally in one status. Someone without a NIP has none to find.
 */
export async function requestsAboutCertificate(
  p: DeskPorts, kind: 'renewal' | 'revocation', nip: string | null, certificateId: string, status?: CaseFilter['status'],
): Promise<CaseRecord[]> {
  if (!nip) return [];
  const mine = await p.cases.list({ kind, applicantNip: nip, limit: 200, ...(status ? { status } : {}) });
  return mine.filter((c) => c.details[CERTIFICATE_DETAIL[kind]] === certificateId);
}
