import { ok, refuse, type Result } from '../shared/result.ts';

/**
 * An agency's needs inventory (identifikasi kebutuhan, Pasal 10(2)-(3)): how many certificates of each
 * type of Pasal 12 it needs. Sent by the agency's `agency_admin`, received by the Pengelola, who ranks
 * them to set priorities (Pasal 10(1)e).
 */
export const NEEDS_TYPES = ['individual', 'position', 'system'] as const;
export type NeedsType = (typeof NEEDS_TYPES)[number];
export type NeedsCounts = Readonly<Record<NeedsType, number>>;

/** One agency's latest inventory for a year. */
export interface NeedsSubmission {
  readonly agency: string;
  readonly year: number;
  readonly counts: NeedsCounts;
  /** Audit actor of the sender (`officer:<id>` or `person:<uuid>`). */
  readonly submittedBy: string;
  readonly channel: 'telegram' | 'email';
  readonly submittedAt: string;
}

/** The most an agency can ask for of one type: the city has a few thousand ASN. */
export const NEEDS_MAX_PER_TYPE = 20_000;

export type NeedsParseCode = 'NEEDS.BAD_COUNTS';

/**
 * Parses "10 2 1" (individual, position/organisation, electronic system — the order of Pasal 12) or
 * "individu 10, jabatan 2, sistem 1" in any order. Whole numbers from 0 to 20,000; all three needed.
 *
 * @example
 * parseNeedsCounts('10 2 1');                       // ok({ individual: 10, position: 2, system: 1 })
 * parseNeedsCounts('sistem: 1\nindividu: 10\njabatan: 0'); // ok({ individual: 10, position: 0, system: 1 })
 */
export function parseNeedsCounts(text: string): Result<NeedsCounts, NeedsParseCode> {
  const clean = text.toLowerCase().replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  const bad = refuse('NEEDS.BAD_COUNTS', { max: NEEDS_MAX_PER_TYPE });
  const labelled: Partial<Record<NeedsType, number>> = {};
  const LABELS: ReadonlyArray<readonly [RegExp, NeedsType]> = [
    [/\b(?:individu|individual|perorangan)\b\s*[:=]?\s*(-?\d+)/, 'individual'],
    [/\b(?:jabatan|organisasi|position)\b\s*[:=]?\s*(-?\d+)/, 'position'],
    [/\b(?:sistem|system)(?:\s+elektronik)?\b\s*[:=]?\s*(-?\d+)/, 'system'],
  ];
  for (const [re, type] of LABELS) {
    const m = re.exec(clean);
    if (m) labelled[type] = Number(m[1]);
  }
  let counts: Record<NeedsType, number>;
  if (Object.keys(labelled).length > 0) {
    if (NEEDS_TYPES.some((t) => labelled[t] === undefined)) return bad;
    counts = { individual: labelled.individual!, position: labelled.position!, system: labelled.system! };
  } else {
    const parts = clean.split(/[\s,;]+/).filter(Boolean);
    if (parts.length !== 3 || !parts.every((p) => /^-?\d+$/.test(p))) return bad;
    counts = { individual: Number(parts[0]), position: Number(parts[1]), system: Number(parts[2]) };
  }
  if (!NEEDS_TYPES.every((t) => Number.isSafeInteger(counts[t]) && counts[t] >= 0 && counts[t] <= NEEDS_MAX_PER_TYPE)) return bad;
  return ok(counts);
}

export const needsTotal = (c: NeedsCounts): number => c.individual + c.position + c.system;

/** The Pengelola's ranking (Pasal 10(1)e): largest total first, then the earlier submission, then the name. */
export const rankNeeds = (list: readonly NeedsSubmission[]): NeedsSubmission[] =>
  [...list].sort((a, b) => needsTotal(b.counts) - needsTotal(a.counts) || a.submittedAt.localeCompare(b.submittedAt) || a.agency.localeCompare(b.agency));
