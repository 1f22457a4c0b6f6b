import type { DataSource } from 'typeorm';
import type {
  AnnualFigures, CoverageFigure, GroundCount, MonthlyCaseCount, MonthlyCount, ReasonCount, ReportPeriod, ReportSource,
  ResponseFigure, TicketStatusCount, TurnaroundFigure,
} from '../../domain/ports/report-source.ts';
import { CASE_KINDS, TICKET_KINDS, isCaseKind, isRequestKind, isTicketKind, type CaseKind } from '../../domain/requests/case-kind.ts';
import { TICKET_STATUSES, type TicketStatus } from '../../domain/requests/request-status.ts';
import { Binder, dialectOf, type Dialect } from '../sql-binder.ts';

/**
 * The annual report's figures (Pasal 23) as aggregate SQL on SQLite and PostgreSQL: every query groups
 * in the database and returns a row per agency, month, kind or status — or, for rejections, per distinct
 * reason text (the domain folds free text into "other") — never a row per certificate or person. Times are
 * ISO-8601 UTC text (storage/entities/rows.ts), so period bounds compare as strings and months are told
 * apart by a CASE over the 13 bounds of `ReportPeriod.monthStarts` (the desk's time zone, computed once
 * in the domain, not by each database's date functions).
 */

type Value = string | number;

/** Hours between two ISO text columns, in the dialect's own date arithmetic. */
const hoursBetween = (d: Dialect, from: string, to: string): string => (d === 'sqlite'
  ? `((julianday(${to}) - julianday(${from})) * 24.0)`
  : `(EXTRACT(EPOCH FROM (CAST(${to} AS timestamptz) - CAST(${from} AS timestamptz))) / 3600.0)`);

/** A string field of a JSON object kept in a text column. */
const jsonField = (d: Dialect, column: string, key: string): string => (d === 'sqlite'
  ? `json_extract(${column}, '$.${key}')`
  : `(CAST(${column} AS jsonb) ->> '${key}')`);

/** `FROM decisions d` joined with each element of its JSON array of reasons as `j.value`. */
const decisionReasons = (d: Dialect): string => (d === 'sqlite'
  ? 'decisions d, json_each(d.reasons) j'
  : 'decisions d CROSS JOIN LATERAL jsonb_array_elements_text(CAST(d.reasons AS jsonb)) AS j(value)');

/** Month 1-12 of an ISO column already limited to the period. Binds in text order (SQLite `?`). */
function monthOf(p: (v: Value) => string, column: string, period: ReportPeriod): string {
  const arms = period.monthStarts.slice(1, 12).map((bound, i) => `WHEN ${column} < ${p(bound)} THEN ${i + 1}`);
  return `CASE ${arms.join(' ')} ELSE 12 END`;
}

const list = (p: (v: Value) => string, values: readonly Value[]): string => values.map((v) => p(v)).join(', ');

export function coverageStatement(dialect: Dialect, at: string): { sql: string; params: Value[] } {
  const b = new Binder(dialect);
  const p = (v: Value): string => b.bind(v);
  // On the roster at `at`: active now, or made inactive after `at` (the roster keeps no history, see the
  // README: someone who joined after `at` counts too). Valid at `at`: begun, not expired, not yet revoked.
  // The EXISTS seeks ix_certificates_owner for each ASN.
  const sql = `SELECT r.agency AS "agency", COUNT(*) AS "asn",
       SUM(CASE WHEN EXISTS (SELECT 1 FROM certificates c
                              WHERE c.owner_person_id = r.person_id
                                AND c.not_before <= ${p(at)} AND c.not_after > ${p(at)}
                                AND (c.revoked_at IS NULL OR c.revoked_at > ${p(at)}))
                THEN 1 ELSE 0 END) AS "covered"
  FROM roster_entries r
 WHERE r.category = 'asn' AND (r.active = TRUE OR r.updated_at > ${p(at)})
 GROUP BY r.agency
 ORDER BY r.agency`;
  return { sql, params: b.values };
}

export function createReportSource(ds: DataSource): ReportSource {
  const dialect = dialectOf(ds);
  const query = async <T>(build: (p: (v: Value) => string) => string): Promise<T[]> => {
    const b = new Binder(dialect);
    const sql = build((v) => b.bind(v));
    return await ds.query(sql, b.values) as T[];
  };

  const coverage = async (at: string): Promise<CoverageFigure[]> => {
    const { sql, params } = coverageStatement(dialect, at);
    const rows = await ds.query(sql, params) as Array<{ agency: string; asn: number | string; covered: number | string | null }>;
    return rows.map((r) => ({ agency: r.agency, asn: Number(r.asn), covered: Number(r.covered ?? 0) }));
  };

  const casesByMonth = async (period: ReportPeriod): Promise<MonthlyCaseCount[]> => {
    const rows = await query<{ kind: string; m: number | string; n: number | string }>((p) => `
      SELECT kind AS "kind", ${monthOf(p, 'created_at', period)} AS "m", COUNT(*) AS "n"
        FROM requests
       WHERE created_at >= ${p(period.from)} AND created_at < ${p(period.until)}
       GROUP BY kind, 2`);
    return rows.filter((r) => isCaseKind(r.kind)).map((r) => ({ kind: r.kind as CaseKind, month: Number(r.m), count: Number(r.n) }));
  };

  const issuedByMonth = async (period: ReportPeriod): Promise<MonthlyCount[]> => {
    const rows = await query<{ m: number | string; n: number | string }>((p) => `
      SELECT ${monthOf(p, 'not_before', period)} AS "m", COUNT(*) AS "n"
        FROM certificates
       WHERE not_before >= ${p(period.from)} AND not_before < ${p(period.until)}
       GROUP BY 1`);
    return rows.map((r) => ({ month: Number(r.m), count: Number(r.n) }));
  };

  /** Final decisions (approve, reject) taken in the period, with the hours since the request was filed. */
  const finalDecisions = (p: (v: Value) => string, period: ReportPeriod): string => `
      SELECT q.kind AS kind, ${hoursBetween(dialect, 'q.created_at', 'd.decided_at')} AS h
        FROM decisions d JOIN requests q ON q.id = d.request_id
       WHERE d.outcome IN ('approve', 'reject') AND d.decided_at >= ${p(period.from)} AND d.decided_at < ${p(period.until)}`;

  const turnaround = async (period: ReportPeriod): Promise<TurnaroundFigure[]> => {
    const rows = await query<{ kind: string; n: number | string; mean: number | string | null }>((p) => `
      SELECT f.kind AS "kind", COUNT(*) AS "n", AVG(f.h) AS "mean" FROM (${finalDecisions(p, period)}) f GROUP BY f.kind`);
    const out: TurnaroundFigure[] = [];
    for (const r of rows) {
      if (!isRequestKind(r.kind)) continue;
      const n = Number(r.n);
      // The median without loading every duration: the one or two middle rows, in order.
      const middle = await query<{ h: number | string }>((p) => `
        SELECT f.h AS "h" FROM (${finalDecisions(p, period)}) f WHERE f.kind = ${p(r.kind)}
         ORDER BY f.h LIMIT ${p(n % 2 === 0 ? 2 : 1)} OFFSET ${p(Math.floor((n - 1) / 2))}`);
      const median = middle.reduce((s, m) => s + Number(m.h), 0) / Math.max(1, middle.length);
      out.push({ kind: r.kind, decided: n, meanHours: Number(r.mean ?? 0), medianHours: median });
    }
    return out;
  };

  const rejectionReasons = async (period: ReportPeriod): Promise<ReasonCount[]> => {
    const rows = await query<{ reason: string; n: number | string }>((p) => `
      SELECT j.value AS "reason", COUNT(*) AS "n"
        FROM ${decisionReasons(dialect)}
       WHERE d.outcome = 'reject' AND d.decided_at >= ${p(period.from)} AND d.decided_at < ${p(period.until)}
       GROUP BY j.value`);
    return rows.map((r) => ({ reason: String(r.reason), count: Number(r.n) }));
  };

  const revocationsByGround = async (period: ReportPeriod): Promise<GroundCount[]> => {
    // A completed revocation changes no more: its updated_at is when the CA's revocation was recorded.
    const rows = await query<{ ground: string | null; n: number | string }>((p) => `
      SELECT ${jsonField(dialect, 'details', 'ground')} AS "ground", COUNT(*) AS "n"
        FROM requests
       WHERE status = 'completed' AND kind = 'revocation' AND updated_at >= ${p(period.from)} AND updated_at < ${p(period.until)}
       GROUP BY 1`);
    return rows.map((r) => ({ ground: r.ground ?? 'other', count: Number(r.n) }));
  };

  const ticketsByStatus = async (period: ReportPeriod): Promise<TicketStatusCount[]> => {
    const rows = await query<{ kind: string; status: string; n: number | string }>((p) => `
      SELECT kind AS "kind", status AS "status", COUNT(*) AS "n"
        FROM requests
       WHERE created_at >= ${p(period.from)} AND created_at < ${p(period.until)} AND kind IN (${list(p, TICKET_KINDS)})
       GROUP BY kind, status`);
    return rows.filter((r) => isTicketKind(r.kind) && (TICKET_STATUSES as readonly string[]).includes(r.status))
      .map((r) => ({ kind: r.kind as TicketStatusCount['kind'], status: r.status as TicketStatus, count: Number(r.n) }));
  };

  const responses = async (period: ReportPeriod, targetHours: Readonly<Record<CaseKind, number>>): Promise<ResponseFigure[]> => {
    // First response: the first decision of any outcome on a request (a return for correction answers
    // too); the first answer an officer gave on a ticket, from the audit log (refusals excluded).
    // A request's first decision is one index seek (ux_decisions_round starts with request_id); ticket
    // answers come from one pass over the audit log's ticket.answer rows (it has no index by subject).
    const rows = await query<{ kind: string; opened: number | string; responded: number | string | null; within: number | string | null }>((p) => `
      SELECT x.kind AS "kind", COUNT(*) AS "opened",
             SUM(CASE WHEN x.first_at IS NOT NULL THEN 1 ELSE 0 END) AS "responded",
             SUM(CASE WHEN x.first_at IS NOT NULL
                       AND ${hoursBetween(dialect, 'x.created_at', 'x.first_at')} <= CASE x.kind ${CASE_KINDS.map((k) => `WHEN ${p(k)} THEN ${p(targetHours[k])}`).join(' ')} ELSE 0 END
                      THEN 1 ELSE 0 END) AS "within"
        FROM (SELECT q.kind AS kind, q.created_at AS created_at,
                     COALESCE((SELECT MIN(d.decided_at) FROM decisions d WHERE d.request_id = q.id), a.first_at) AS first_at
                FROM requests q
                LEFT JOIN (SELECT subject AS id, MIN(at) AS first_at FROM audit_log
                            WHERE action = 'ticket.answer' AND outcome NOT LIKE 'refused:%' GROUP BY subject) a ON a.id = q.id
               WHERE q.created_at >= ${p(period.from)} AND q.created_at < ${p(period.until)}) x
       GROUP BY x.kind`);
    return rows.filter((r) => isCaseKind(r.kind))
      .map((r) => ({ kind: r.kind as CaseKind, opened: Number(r.opened), responded: Number(r.responded ?? 0), withinTarget: Number(r.within ?? 0) }));
  };

  return {
    coverage,
    async annualFigures(period, targetHours) {
      // One after another: on SQLite they share one connection anyway, and the order keeps the plan simple.
      return {
        casesByMonth: await casesByMonth(period),
        issuedByMonth: await issuedByMonth(period),
        coverage: await coverage(period.coverageAt),
        turnaround: await turnaround(period),
        rejectionReasons: await rejectionReasons(period),
        revocationsByGround: await revocationsByGround(period),
        ticketsByStatus: await ticketsByStatus(period),
        responses: await responses(period, targetHours),
      } satisfies AnnualFigures;
    },
  };
}

