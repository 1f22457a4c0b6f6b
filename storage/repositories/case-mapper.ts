import type { CaseRecord, CheckResult, Decision, DecisionOutcome } from '../../domain/requests/case-record.ts';
import type { CaseKind, Channel } from '../../domain/requests/case-kind.ts';
import type { CaseStatus } from '../../domain/requests/request-status.ts';
import type { CertificateType, CertificateUse } from '../../domain/certificates/certificate.ts';
import type { DecisionRow, RequestRow } from '../entities/rows.ts';

/** Row → domain. The encrypted NIK columns are deliberately not mapped: the domain record never holds them. */
export function toCaseRecord(row: RequestRow, decision: DecisionRow | null): CaseRecord {
  return {
    id: row.id,
    kind: row.kind as CaseKind,
    status: row.status as CaseStatus,
    channel: row.channel as Channel,
    applicant: { personId: row.applicantPersonId, nip: row.applicantNip, email: row.applicantEmail, name: row.applicantName },
    certificateType: row.certificateType as CertificateType | null,
    uses: JSON.parse(row.uses) as CertificateUse[],
    details: JSON.parse(row.details) as Record<string, string>,
    checks: JSON.parse(row.checks) as CheckResult[],
    reviewRound: Number(row.reviewRound),
    version: Number(row.version),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    decision: decision ? toDecision(decision) : null,
  };
}

const toDecision = (d: DecisionRow): Decision => ({
  officerTelegramId: d.officerTelegramId,
  outcome: d.outcome as DecisionOutcome,
  reasons: JSON.parse(d.reasons) as string[],
  note: d.note,
  decidedAt: d.decidedAt,
  reviewRound: Number(d.reviewRound),
});
