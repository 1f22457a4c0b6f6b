import type { CaseKind } from './case-kind.ts';
import { isRequestKind } from './case-kind.ts';

/**
 * Human-friendly ids people can read over the phone: `OP-2026-000123` for requests (OP = Otoritas
 * Pendaftaran), `TK-2026-000045` for tickets. Numbers restart each year; the sequence is kept in storage.
 */
export type CasePrefix = 'OP' | 'TK';

export const prefixFor = (kind: CaseKind): CasePrefix => (isRequestKind(kind) ? 'OP' : 'TK');

export const sequenceName = (prefix: CasePrefix, year: number): string => `${prefix}-${year}`;

export function formatCaseId(prefix: CasePrefix, year: number, n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999_999) throw new RangeError(`Case number out of range: ${n}`);
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

const CASE_ID = /\b(OP|TK)-(\d{4})-(\d{6})\b/i;

/** Finds a case id in free text (a mail subject `[OP-2026-000123]`, a bot message). */
export function findCaseId(text: string): string | null {
  const m = CASE_ID.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]}` : null;
}

export const isCaseId = (s: string): boolean => /^(OP|TK)-\d{4}-\d{6}$/.test(s);
