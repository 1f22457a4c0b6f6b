import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { AuditSchema, CertificateSchema, DecisionSchema, RequestSchema, RosterSchema } from '../../storage/entities/schemas.ts';
import type { AuditRow, CertificateRow, DecisionRow, RequestRow, RosterRow } from '../../storage/entities/rows.ts';
import { createTemplates } from '../../templates/catalog.ts';

/**
 * A small register for the annual report of 2026 (Asia/Pontianak, UTC+7), built so every figure can be
 * counted by hand: test/storage/annual-report.test.ts lists each one with how it was computed. Several
 * rows sit on an edge: a certificate that begins at 1 January 00:00 local (still 31 December in UTC), a
 * request filed at 1 February 01:00 local (31 January in UTC), a certificate that expires an hour before
 * the year ends, one revoked after the year ended, someone who left the roster after 31 December.
 * Rows go in through the entity schemas, as the storage holds them; no NIK or real name is needed.
 */

const t = createTemplates();
export const REASON_TEXT = {
  unreadable: t.message('REASON.DOCS_UNREADABLE'),
  unsigned: t.message('REASON.LETTER_UNSIGNED'),
  notEligible: t.message('REASON.NOT_ELIGIBLE'),
} as const;
export const FREE_TEXT_REASON = 'Nama Budi Santoso pada surat tidak cocok';

export const AGENCY_A = 'Dinas Komunikasi dan Informatika';
export const AGENCY_B = 'Badan Kepegawaian dan Pengembangan SDM';

const UPDATED = '2026-01-02T00:00:00.000Z';
let n = 0;

function person(agency: string, options: { active?: boolean; updatedAt?: string; category?: 'asn' | 'official' } = {}): RosterRow {
  n++;
  const personId = randomUUID();
  return {
    personId, nip: options.category === 'official' ? null : `1980010120050110${String(n).padStart(2, '0')}`,
    nikHmac: `hmac-${personId}`, nikEnc: `enc-${personId}`, name: `Pegawai ${n}`, email: `pegawai${n}@pontianak.go.id`,
    agency, position: 'Staf', superiorNip: null, category: options.category ?? 'asn', active: options.active ?? true, updatedAt: options.updatedAt ?? UPDATED,
  };
}

let serial = 0;
function certificate(owner: RosterRow, notBefore: string, notAfter: string, revokedAt: string | null = null): CertificateRow {
  serial++;
  return {
    id: randomUUID(), requestId: `OP-2026-9${String(serial).padStart(5, '0')}`, ownerPersonId: owner.personId,
    serial: `5EED${String(serial).padStart(8, '0')}`, issuer: 'CN=Sandbox', fingerprint: String(serial).padStart(64, '0'),
    notBefore, notAfter, state: revokedAt ? 'revoked' : 'active', agreementAcceptedAt: null, agreementHash: null, deliveredAt: null,
    receiptConfirmedAt: null, revokedAt, revocationReason: revokedAt ? 'keyCompromise' : null, createdAt: notBefore,
  };
}

function request(id: string, kind: string, status: string, createdAt: string, owner: RosterRow, details: Record<string, string> = {}, updatedAt = createdAt): RequestRow {
  return {
    id, kind, status, channel: 'email', applicantPersonId: owner.personId, applicantNip: owner.nip, applicantEmail: owner.email,
    applicantName: owner.name, applicantNikHmac: null, applicantNikEnc: null, certificateType: kind === 'issuance' ? 'individual' : null,
    uses: '[]', details: JSON.stringify(details), checks: '[]', reviewRound: 1, version: 1, createdAt, updatedAt,
  };
}

function decision(requestId: string, round: number, outcome: string, decidedAt: string, reasons: readonly string[] = []): DecisionRow {
  return { id: randomUUID(), requestId, reviewRound: round, officerTelegramId: '5550001', outcome, reasons: JSON.stringify(reasons), note: '', decidedAt };
}

let seq = 1_000;
function audit(subject: string, outcome: string, at: string): AuditRow {
  seq++;
  return { seq, at, actor: 'officer:5550001', action: 'ticket.answer', subject, outcome, evidence: '[]', prevHash: '0'.repeat(64), hash: String(seq).padStart(64, '0') };
}

export async function seedReportDataset(ds: DataSource): Promise<void> {
  // Agency A: five ASN on the roster on 31 December (a5 left on 3 January 2027), a6 left in October.
  const a = [person(AGENCY_A), person(AGENCY_A), person(AGENCY_A), person(AGENCY_A),
    person(AGENCY_A, { active: false, updatedAt: '2027-01-03T02:00:00.000Z' }), person(AGENCY_A, { active: false, updatedAt: '2026-10-01T02:00:00.000Z' })] as const;
  const b = [person(AGENCY_B), person(AGENCY_B), person(AGENCY_B), person(AGENCY_B)] as const;
  const walikota = person('Pemerintah Kota Pontianak', { category: 'official' });
  const roster = [...a, ...b, walikota];

  const certificates = [
    certificate(a[0], '2026-03-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'), // valid; issued March
    certificate(a[1], '2024-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z'), // expires 31 Dec 23:00 local: not valid at 23:59:59
    certificate(a[2], '2026-01-31T17:00:00.000Z', '2028-01-31T17:00:00.000Z', '2026-06-10T02:00:00.000Z'), // 1 Feb 00:00 local; revoked in June
    certificate(a[3], '2025-12-31T17:00:00.000Z', '2027-12-31T17:00:00.000Z', '2027-01-05T02:00:00.000Z'), // 1 Jan 00:00 local; revoked after the year
    certificate(a[4], '2025-06-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z'), // valid; issued 2025
    certificate(a[5], '2026-05-10T00:00:00.000Z', '2028-05-10T00:00:00.000Z'), // valid, but its owner left in October; issued May
    certificate(b[0], '2027-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z'), // begins after the year
    certificate(b[1], '2026-12-31T16:59:59.000Z', '2028-12-31T16:59:59.000Z'), // begins at the last second of the year; issued December
    certificate(b[2], '2025-02-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'), // b3 holds two valid certificates
    certificate(b[2], '2026-11-15T03:00:00.000Z', '2028-11-15T03:00:00.000Z'), //   … the renewal issued in November
    certificate(walikota, '2026-07-01T00:00:00.000Z', '2028-07-01T00:00:00.000Z'), // an official: issued July, not an ASN
  ];

  const [a1, a2, a3, a4] = a;
  const requests = [
    request('OP-2026-000001', 'issuance', 'approved', '2026-01-05T01:00:00.000Z', a1),
    request('OP-2026-000002', 'issuance', 'rejected', '2026-01-31T18:00:00.000Z', a2), // 1 Feb 01:00 local
    request('OP-2026-000003', 'renewal', 'approved', '2026-03-10T00:00:00.000Z', a3),
    request('OP-2026-000004', 'issuance', 'rejected', '2026-03-20T00:00:00.000Z', a4),
    request('OP-2026-000005', 'issuance', 'pending_review', '2026-12-31T16:00:00.000Z', b[0]), // 31 Dec 23:00 local
    request('OP-2025-000006', 'issuance', 'approved', '2025-12-20T00:00:00.000Z', b[1]), // filed 2025, decided 2026
    request('OP-2026-000007', 'revocation', 'completed', '2026-06-09T02:00:00.000Z', a3, { ground: 'lost' }, '2026-06-10T02:00:00.000Z'),
    request('OP-2026-000008', 'revocation', 'completed', '2026-09-01T00:00:00.000Z', a[5], { ground: 'moved_retired' }, '2026-09-02T00:00:00.000Z'),
    request('OP-2026-000009', 'revocation', 'completed', '2026-12-20T00:00:00.000Z', a4, { ground: 'lost' }, '2027-01-02T00:00:00.000Z'),
    request('OP-2026-000010', 'revocation', 'pending_review', '2026-10-01T00:00:00.000Z', b[2], { ground: 'data_changed' }),
    request('OP-2027-000011', 'issuance', 'pending_review', '2027-01-01T00:00:00.000Z', b[3]),
    request('TK-2026-000001', 'incident', 'answered', '2026-06-09T02:00:00.000Z', a3, { category: 'key_lost_damaged' }),
    request('TK-2026-000002', 'incident', 'open', '2026-07-01T00:00:00.000Z', a4),
    request('TK-2026-000003', 'help', 'answered', '2026-02-01T00:00:00.000Z', a1),
    request('TK-2026-000004', 'complaint', 'open', '2026-04-01T00:00:00.000Z', b[3]),
    request('TK-2025-000005', 'help', 'answered', '2025-11-01T00:00:00.000Z', b[3]),
  ];

  const decisions = [
    decision('OP-2026-000001', 1, 'approve', '2026-01-06T01:00:00.000Z'),
    decision('OP-2026-000002', 1, 'return', '2026-02-02T18:00:00.000Z', [REASON_TEXT.unsigned]),
    decision('OP-2026-000002', 2, 'reject', '2026-02-05T18:00:00.000Z', [REASON_TEXT.unreadable, FREE_TEXT_REASON]),
    decision('OP-2026-000003', 1, 'approve', '2026-03-12T12:00:00.000Z'),
    decision('OP-2026-000004', 1, 'reject', '2026-03-20T10:00:00.000Z', [REASON_TEXT.unreadable, REASON_TEXT.notEligible]),
    decision('OP-2025-000006', 1, 'approve', '2026-01-02T00:00:00.000Z'),
    decision('OP-2026-000007', 1, 'approve', '2026-06-09T08:00:00.000Z'),
    decision('OP-2026-000008', 1, 'approve', '2026-09-01T12:00:00.000Z'),
    decision('OP-2026-000009', 1, 'approve', '2026-12-21T00:00:00.000Z'),
  ];

  const auditRows = [
    audit('TK-2026-000001', 'answered', '2026-06-09T10:00:00.000Z'),
    audit('TK-2026-000002', 'refused:ANSWER.NOT_AN_OFFICER', '2026-07-01T01:00:00.000Z'),
    audit('TK-2026-000003', 'answered', '2026-02-04T00:00:00.000Z'),
    audit('TK-2025-000005', 'answered', '2025-11-01T05:00:00.000Z'),
  ];

  await inWriteTransaction(ds, async (qr) => {
    await qr.manager.insert(RosterSchema, roster);
    await qr.manager.insert(CertificateSchema, certificates);
    await qr.manager.insert(RequestSchema, requests);
    await qr.manager.insert(DecisionSchema, decisions);
    await qr.manager.insert(AuditSchema, auditRows);
  });
}
