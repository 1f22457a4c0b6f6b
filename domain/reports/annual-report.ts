import { ok, refuse, type Result } from '../shared/result.ts';
import { CASE_KINDS, REQUEST_KINDS, TICKET_KINDS, type CaseKind, type RequestKind, type TicketKind } from '../requests/case-kind.ts';
import { TICKET_STATUSES, type TicketStatus } from '../requests/request-status.ts';
import { REVOCATION_GROUNDS } from '../revocation/revocation-grounds.ts';
import type { AnnualFigures, CoverageFigure, ReportPeriod, ReportSource } from '../ports/report-source.ts';

/** The Perwal took effect in 2018: there is nothing to report on before it. */
export const FIRST_REPORT_YEAR = 2018;

/**
 * Response targets the report measures the desk against, in hours from filing to the first response
 * (a decision on a request, an answer on a ticket). The Perwal sets no deadlines; these are the desk's
 * own service levels: a working week for requests, a day for incidents (Pasal 24 asks for "segera"),
 * two days for help and complaints.
 */
export const RESPONSE_TARGET_HOURS: Readonly<Record<CaseKind, number>> = {
  issuance: 120, renewal: 120, revocation: 120, incident: 24, help: 48, complaint: 48,
};

/**
 * The canned reasons officers pick when rejecting or returning (Pasal 15(5)), as message codes; the
 * report counts each by its text and every free-text reason together.
 */
export const CANNED_REASON_CODES = ['REASON.DOCS_UNREADABLE', 'REASON.LETTER_UNSIGNED', 'REASON.DATA_MISMATCH', 'REASON.NOT_ELIGIBLE'] as const;

export type ReportYearCode = 'REPORT.BAD_YEAR';

/** `--year`: four digits, from 2018 up to the current year in the desk's time zone. */
export function parseReportYear(text: string, now: Date, timeZone: string): Result<number, ReportYearCode> {
  const current = localParts(now, timeZone).year;
  const year = /^\d{4}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(year >= FIRST_REPORT_YEAR && year <= current)) return refuse('REPORT.BAD_YEAR', { first: FIRST_REPORT_YEAR, last: current });
  return ok(year);
}

interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

function localParts(at: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(at);
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: n('year'), month: n('month'), day: n('day'), hour: n('hour'), minute: n('minute'), second: n('second') };
}

/** The UTC instant of local midnight on the first of a month (month 13 = January of the next year). */
function localMonthStart(year: number, month: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, 1);
  // Two rounds settle a zone whose offset differs at the guess (no zone moves by more than a day).
  let at = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    at += wall - shown;
  }
  return new Date(at);
}

/**
 * The period of one report year in `timeZone`. Coverage is counted at the last second of 31 December
 * (Pasal 13(3): every ASN must hold a certificate), or at `now` while the year is still running.
 *
 * @example
 * reportPeriod(2026, 'Asia/Pontianak', new Date('2027-01-05T00:00:00Z')).coverageAt; // '2026-12-31T16:59:59.000Z'
 */
export function reportPeriod(year: number, timeZone: string, now: Date): ReportPeriod {
  const monthStarts = Array.from({ length: 13 }, (_, i) => localMonthStart(year, i + 1, timeZone).toISOString());
  const until = monthStarts[12]!;
  const lastSecond = new Date(new Date(until).getTime() - 1000);
  const yearComplete = now.getTime() > lastSecond.getTime();
  return {
    year, timeZone, from: monthStarts[0]!, until, monthStarts,
    coverageAt: (yearComplete ? lastSecond : now).toISOString(), yearComplete,
  };
}

export interface MonthRow {
  readonly month: number;
  readonly issuance: number;
  readonly renewal: number;
  readonly revocation: number;
  /** issuance + renewal + revocation */
  readonly requests: number;
  readonly issued: number;
  readonly incident: number;
  readonly help: number;
  readonly complaint: number;
}

export interface CoverageRow extends CoverageFigure {
  /** covered / asn in per cent, one decimal; null for an agency with no ASN. */
  readonly percent: number | null;
}

export interface CoverageTable {
  readonly rows: readonly CoverageRow[];
  readonly total: CoverageRow;
}

export interface TurnaroundRow {
  readonly kind: RequestKind;
  readonly decided: number;
  /** Hours, one decimal; null when nothing was decided. */
  readonly meanHours: number | null;
  readonly medianHours: number | null;
}

export interface RejectionRow {
  /** The officer's canned reason, or null for every free-text reason together (free text may name people). */
  readonly reason: string | null;
  readonly count: number;
}

export interface TicketRow {
  readonly kind: TicketKind;
  readonly total: number;
  readonly byStatus: Readonly<Record<TicketStatus, number>>;
}

export interface ResponseRow {
  readonly kind: CaseKind;
  readonly targetHours: number;
  readonly opened: number;
  readonly responded: number;
  readonly withinTarget: number;
  /** withinTarget / opened in per cent, one decimal; null when nothing was opened. */
  readonly percentWithin: number | null;
}

/** The Pasal 23 report as figures: every table and chart is drawn from this and nothing else. */
export interface AnnualReport {
  readonly period: ReportPeriod;
  readonly generatedAt: string;
  readonly months: readonly MonthRow[];
  readonly totals: { readonly requests: number; readonly issued: number; readonly incidents: number; readonly rejections: number; readonly revocations: number };
  readonly coverage: CoverageTable;
  readonly turnaround: readonly TurnaroundRow[];
  readonly rejections: readonly RejectionRow[];
  readonly revocations: readonly { readonly ground: string; readonly count: number }[];
  readonly tickets: readonly TicketRow[];
  readonly responses: readonly ResponseRow[];
}

/** Per cent with one decimal, or null for 0/0. */
export const percent = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);
const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/** Agencies by name, and the city-wide total (Pasal 13(3)). */
export function coverageTable(figures: readonly CoverageFigure[]): CoverageTable {
  const rows = [...figures].sort((a, b) => a.agency.localeCompare(b.agency, 'id')).map((f) => ({ ...f, percent: percent(f.covered, f.asn) }));
  const asn = rows.reduce((s, r) => s + r.asn, 0);
  const covered = rows.reduce((s, r) => s + r.covered, 0);
  return { rows, total: { agency: '', asn, covered, percent: percent(covered, asn) } };
}

/**
 * Builds the report from the source's aggregates. `knownReasons` are the canned rejection reasons
 * officers pick from; any other text is counted as "other" so free text (which may name a person) never
 * reaches the report.
 */
export function buildAnnualReport(
  period: ReportPeriod, figures: AnnualFigures, input: { generatedAt: Date; knownReasons: readonly string[] },
): AnnualReport {
  const months: MonthRow[] = Array.from({ length: 12 }, (_, i) => {
    const month = i + 1;
    const cases = (kind: CaseKind): number => figures.casesByMonth.filter((c) => c.month === month && c.kind === kind).reduce((s, c) => s + c.count, 0);
    const [issuance, renewal, revocation] = [cases('issuance'), cases('renewal'), cases('revocation')];
    return {
      month, issuance, renewal, revocation, requests: issuance + renewal + revocation,
      issued: figures.issuedByMonth.filter((c) => c.month === month).reduce((s, c) => s + c.count, 0),
      incident: cases('incident'), help: cases('help'), complaint: cases('complaint'),
    };
  });

  const turnaround = REQUEST_KINDS.map((kind): TurnaroundRow => {
    const f = figures.turnaround.find((t) => t.kind === kind);
    return f && f.decided > 0
      ? { kind, decided: f.decided, meanHours: oneDecimal(f.meanHours), medianHours: oneDecimal(f.medianHours) }
      : { kind, decided: 0, meanHours: null, medianHours: null };
  });

  const known = new Set(input.knownReasons);
  const byReason = new Map<string | null, number>();
  for (const r of figures.rejectionReasons) {
    const key = known.has(r.reason.trim()) ? r.reason.trim() : null;
    byReason.set(key, (byReason.get(key) ?? 0) + r.count);
  }
  // Canned reasons by count (then text), free text last.
  const rejections = [...byReason.entries()].map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => (a.reason === null ? 1 : b.reason === null ? -1 : b.count - a.count || a.reason.localeCompare(b.reason)));

  const groundCount = (g: string): number => figures.revocationsByGround.filter((r) => r.ground === g).reduce((s, r) => s + r.count, 0);
  const unknownGrounds = figures.revocationsByGround.filter((r) => !(REVOCATION_GROUNDS as readonly string[]).includes(r.ground)).reduce((s, r) => s + r.count, 0);
  const revocations = REVOCATION_GROUNDS.map((ground) => ({ ground, count: groundCount(ground) + (ground === 'other' ? unknownGrounds : 0) }));

  const tickets = TICKET_KINDS.map((kind): TicketRow => {
    const byStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, figures.ticketsByStatus.filter((t) => t.kind === kind && t.status === s).reduce((n, t) => n + t.count, 0)])) as Record<TicketStatus, number>;
    return { kind, total: Object.values(byStatus).reduce((s, n) => s + n, 0), byStatus };
  });

  const responses = CASE_KINDS.map((kind): ResponseRow => {
    const f = figures.responses.find((r) => r.kind === kind) ?? { opened: 0, responded: 0, withinTarget: 0 };
    return { kind, targetHours: RESPONSE_TARGET_HOURS[kind], opened: f.opened, responded: f.responded, withinTarget: f.withinTarget, percentWithin: percent(f.withinTarget, f.opened) };
  });

  return {
    period, generatedAt: input.generatedAt.toISOString(), months,
    totals: {
      requests: months.reduce((s, m) => s + m.requests, 0),
      issued: months.reduce((s, m) => s + m.issued, 0),
      incidents: months.reduce((s, m) => s + m.incident, 0),
      rejections: rejections.reduce((s, r) => s + r.count, 0),
      revocations: revocations.reduce((s, r) => s + r.count, 0),
    },
    coverage: coverageTable(figures.coverage), turnaround, rejections, revocations, tickets, responses,
  };
}

/**
 * The Pasal 23 report of one year, from the source's aggregates.
 *
 * @example
 * const report = await compileAnnualReport(source, { year: 2026, timeZone: 'Asia/Pontianak', now: new Date(), knownReasons });
 * report.coverage.total.percent; // 85.7
 */
export async function compileAnnualReport(
  source: ReportSource, input: { year: number; timeZone: string; now: Date; knownReasons: readonly string[] },
): Promise<AnnualReport> {
  const period = reportPeriod(input.year, input.timeZone, input.now);
  const figures = await source.annualFigures(period, RESPONSE_TARGET_HOURS);
  return buildAnnualReport(period, figures, { generatedAt: input.now, knownReasons: input.knownReasons });
}
