import type { CaseKind, RequestKind, TicketKind } from '../requests/case-kind.ts';
import type { TicketStatus } from '../requests/request-status.ts';

/**
 * The year a report covers, in the desk's time zone: `from` (1 January 00:00 local, inclusive) to
 * `until` (1 January of the next year, exclusive) as ISO UTC instants, with the first instant of each
 * month (13 bounds: `monthStarts[12] === until`). `coverageAt` is the moment coverage is counted at:
 * 31 December 23:59:59 local, or now while the year is still running.
 */
export interface ReportPeriod {
  readonly year: number;
  readonly timeZone: string;
  readonly from: string;
  readonly until: string;
  readonly monthStarts: readonly string[];
  readonly coverageAt: string;
  /** False while the year is still running: coverage is then counted at `coverageAt` = now. */
  readonly yearComplete: boolean;
}

/** One agency: ASN on the roster at `coverageAt`, and how many of them held a valid certificate then. */
export interface CoverageFigure {
  readonly agency: string;
  readonly asn: number;
  readonly covered: number;
}

/** Cases of one kind opened in one month (1-12) of the period. */
export interface MonthlyCaseCount {
  readonly month: number;
  readonly kind: CaseKind;
  readonly count: number;
}

export interface MonthlyCount {
  readonly month: number;
  readonly count: number;
}

/** Requests of one kind that got a final decision (approve or reject) within the period: hours from filing to decision. */
export interface TurnaroundFigure {
  readonly kind: RequestKind;
  readonly decided: number;
  readonly meanHours: number;
  readonly medianHours: number;
}

/** A rejection reason as the officer gave it (a canned text or free text) and how often. */
export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
}

export interface GroundCount {
  /** The revocation ground of Pasal 18 recorded on the request (`lost`, `moved_retired` …). */
  readonly ground: string;
  readonly count: number;
}

export interface TicketStatusCount {
  readonly kind: TicketKind;
  readonly status: TicketStatus;
  readonly count: number;
}

/**
 * Cases of one kind opened in the period: how many got a first response (a decision on a request, an
 * answer on a ticket) and how many got it within `targetHours`.
 */
export interface ResponseFigure {
  readonly kind: CaseKind;
  readonly opened: number;
  readonly responded: number;
  readonly withinTarget: number;
}

/** Aggregates only: no row of the source ever carries a name, NIK, NIP or e-mail address. */
export interface AnnualFigures {
  readonly casesByMonth: readonly MonthlyCaseCount[];
  /** Certificates issued (not_before) per month, renewals included. */
  readonly issuedByMonth: readonly MonthlyCount[];
  readonly coverage: readonly CoverageFigure[];
  readonly turnaround: readonly TurnaroundFigure[];
  readonly rejectionReasons: readonly ReasonCount[];
  /** Revocation requests completed in the period, by ground. */
  readonly revocationsByGround: readonly GroundCount[];
  readonly ticketsByStatus: readonly TicketStatusCount[];
  readonly responses: readonly ResponseFigure[];
}

/**
 * Where the annual report's figures come from (Pasal 23). The storage adapter answers with aggregate
 * SQL; nothing here is a person.
 */
export interface ReportSource {
  /** Per agency, ASN on the roster and those holding a valid certificate at `at` (Pasal 13(3)). */
  coverage(at: string): Promise<CoverageFigure[]>;
  /** Everything the annual report shows, for one period; `targetHours` per kind decides `withinTarget`. */
  annualFigures(period: ReportPeriod, targetHours: Readonly<Record<CaseKind, number>>): Promise<AnnualFigures>;
}
