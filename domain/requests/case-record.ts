import type { Params } from '../shared/result.ts';
import type { CaseKind, Channel } from './case-kind.ts';
import type { CaseStatus } from './request-status.ts';
import type { CertificateType, CertificateUse } from '../certificates/certificate.ts';
import type { AnyRuleCode } from '../issuance/verification-rules.ts';

/** Who asked. Personal fields stay out of logs and audit rows; the NIK is not here at all (storage keeps it encrypted). */
export interface Applicant {
  readonly personId: string | null;
  readonly nip: string | null;
  readonly email: string;
  readonly name: string;
}

/** One verification item with its outcome and, when it fails, the refusal code that explains it. */
export interface CheckResult {
  readonly rule: AnyRuleCode;
  readonly pass: boolean;
  readonly code: string;
  readonly params: Params;
}

export const DECISION_OUTCOMES = ['approve', 'return', 'reject'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export interface Decision {
  readonly officerTelegramId: string;
  readonly outcome: DecisionOutcome;
  readonly reasons: readonly string[];
  readonly note: string;
  readonly decidedAt: string;
  readonly reviewRound: number;
}

/** A request or a ticket as the register holds it. */
export interface CaseRecord {
  readonly id: string;
  readonly kind: CaseKind;
  readonly status: CaseStatus;
  readonly channel: Channel;
  readonly applicant: Applicant;
  readonly certificateType: CertificateType | null;
  readonly uses: readonly CertificateUse[];
  /** Kind-specific, non-personal details (revocation reason, ticket subject…). */
  readonly details: Readonly<Record<string, string>>;
  readonly checks: readonly CheckResult[];
  /** Bumped each time the request enters review; one decision per round. */
  readonly reviewRound: number;
  /** Optimistic-concurrency version: every status change must name the version it read. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly decision: Decision | null;
}

export const failedRules = (checks: readonly CheckResult[]): AnyRuleCode[] => checks.filter((c) => !c.pass).map((c) => c.rule);
