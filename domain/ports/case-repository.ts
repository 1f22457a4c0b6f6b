import type { CaseKind, Channel } from '../requests/case-kind.ts';
import type { CaseStatus } from '../requests/request-status.ts';
import type { CaseRecord, CheckResult, Decision } from '../requests/case-record.ts';
import type { CertificateType, CertificateUse } from '../certificates/certificate.ts';
import type { TransactionHandle } from './transaction.ts';

export interface NewCase {
  readonly id: string;
  readonly kind: CaseKind;
  readonly status: CaseStatus;
  readonly channel: Channel;
  readonly applicant: { personId: string | null; nip: string | null; email: string; name: string };
  /** Given by the applicant; storage keeps it encrypted with a keyed hash beside it. */
  readonly applicantNik: string | null;
  readonly certificateType: CertificateType | null;
  readonly uses: readonly CertificateUse[];
  readonly details: Readonly<Record<string, string>>;
  readonly checks: readonly CheckResult[];
  readonly reviewRound: number;
  readonly createdAt: string;
}

export interface CaseChange {
  readonly status: CaseStatus;
  /** Only between ticket kinds (a help ticket reclassified as an incident, Pasal 24(3)b): they share the TK- ids. */
  readonly kind?: CaseKind;
  readonly checks?: readonly CheckResult[];
  readonly reviewRound?: number;
  readonly details?: Readonly<Record<string, string>>;
  readonly updatedAt: string;
}

export interface CaseFilter {
  readonly status?: CaseStatus;
  readonly kind?: CaseKind;
  readonly applicantNip?: string;
  readonly limit?: number;
}

export interface CaseRepository {
  /** Next human-friendly id for the kind and year, drawn inside the caller's transaction. */
  nextId(kind: CaseKind, year: number, tx: TransactionHandle): Promise<string>;
  create(c: NewCase, tx: TransactionHandle): Promise<void>;
  get(id: string, tx?: TransactionHandle): Promise<CaseRecord | null>;
  /**
   * Applies a change only if the case is still at `expectedVersion`; returns false when another writer
   * got there first. This is what makes two officers deciding at once produce one decision.
   */
  change(id: string, expectedVersion: number, change: CaseChange, tx: TransactionHandle): Promise<boolean>;
  recordDecision(caseId: string, d: Decision, tx: TransactionHandle): Promise<void>;
  list(filter: CaseFilter): Promise<CaseRecord[]>;
  /** The NIK the applicant gave, decrypted, for re-verification only; never log or return it to a channel. */
  applicantNik(id: string, tx?: TransactionHandle): Promise<string | null>;
}
