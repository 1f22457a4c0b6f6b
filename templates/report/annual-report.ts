import type { Templates } from '../catalog.ts';
import type { AnnualReport } from '../../domain/reports/annual-report.ts';
import { horizontalBarChart, stackedBarChart } from './svg-charts.ts';

/** The two files of `ra-desk report annual`: one self-contained HTML page and the same tables as CSV. */
export interface RenderedReport {
  readonly html: string;
  readonly csv: string;
}

const number = (n: number): string => new Intl.NumberFormat('id-ID').format(n);
const decimal = (n: number | null, none: string): string => (n === null ? none : new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n));
const pct = (n: number | null, none: string): string => (n === null ? none : `${decimal(n, none)} %`);

/** Local date and time in the report's zone, e.g. "31 Desember 2026 23.59". */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso)).replace(',', '').replace(' pukul', '');
}

/** One CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Parameterless report messages the HTML template reads as `{{l.NAME}}`. */
const LABELS = [
  'SUMMARY', 'SECTION_MONTHLY', 'SECTION_COVERAGE', 'SECTION_TURNAROUND', 'SECTION_REJECTIONS', 'SECTION_REVOCATIONS', 'SECTION_TICKETS',
  'SECTION_SLA', 'COL_MONTH', 'COL_ISSUANCE', 'COL_RENEWAL', 'COL_REVOCATION', 'COL_REQUESTS', 'COL_ISSUED', 'COL_INCIDENT', 'COL_AGENCY',
  'COL_ASN', 'COL_COVERED', 'COL_PERCENT', 'COL_KIND', 'COL_DECIDED', 'COL_MEAN', 'COL_MEDIAN', 'COL_REASON', 'COL_COUNT', 'COL_TOTAL',
  'COL_TARGET', 'COL_OPENED', 'COL_RESPONDED', 'COL_WITHIN', 'TOTAL', 'NONE',
] as const;

export function renderAnnualReport(t: Templates, r: AnnualReport): RenderedReport {
  const none = t.message('REPORT.NONE');
  const year = r.period.year;
  const tz = r.period.timeZone;
  const month = (m: number): string => t.message(`REPORT.MONTH_${m}`);
  const kind = (k: string): string => t.message(`MAIL.KIND.${k}`);
  const reason = (s: string | null): string => s ?? t.message('REPORT.OTHER_REASONS');
  const coverageAt = localTime(r.period.coverageAt, tz);

  const charts = {
    requests: stackedBarChart({
      title: t.message('REPORT.CHART_REQUESTS'), labels: r.months.map((m) => month(m.month)),
      series: [
        { name: t.message('REPORT.COL_ISSUANCE'), color: '#0969da', values: r.months.map((m) => m.issuance) },
        { name: t.message('REPORT.COL_RENEWAL'), color: '#1a7f37', values: r.months.map((m) => m.renewal) },
        { name: t.message('REPORT.COL_REVOCATION'), color: '#cf222e', values: r.months.map((m) => m.revocation) },
      ],
    }),
    issued: stackedBarChart({
      title: t.message('REPORT.CHART_ISSUED'), labels: r.months.map((m) => month(m.month)),
      series: [{ name: t.message('REPORT.COL_ISSUED'), color: '#8250df', values: r.months.map((m) => m.issued) }],
    }),
    coverage: horizontalBarChart({
      title: t.message('REPORT.CHART_COVERAGE'), max: 100, color: '#1a7f37',
      rows: r.coverage.rows.map((c) => ({ label: c.agency, value: c.percent ?? 0, shown: pct(c.percent, none) })),
    }),
    revocations: horizontalBarChart({
      title: t.message('REPORT.CHART_REVOCATIONS'), color: '#cf222e',
      rows: r.revocations.map((g) => ({ label: t.message(`GROUND.${g.ground}`), value: g.count, shown: number(g.count) })),
    }),
  };

  const view = {
    lang: t.locale,
    title: t.message('REPORT.TITLE', { year }),
    subtitle: t.message('REPORT.SUBTITLE'),
    addressees: t.message('REPORT.ADDRESSEES'),
    period: t.message('REPORT.PERIOD', { year, timeZone: tz, generatedAt: localTime(r.generatedAt, tz) }),
    running: r.period.yearComplete ? '' : t.message('REPORT.YEAR_RUNNING', { year, at: coverageAt }),
    privacy: t.message('REPORT.PRIVACY'),
    l: Object.fromEntries(LABELS.map((k) => [k, t.message(`REPORT.${k}`)])),
    summary: [
      { label: t.message('REPORT.SUMMARY_REQUESTS'), value: number(r.totals.requests) },
      { label: t.message('REPORT.SUMMARY_ISSUED'), value: number(r.totals.issued) },
      { label: t.message('REPORT.SUMMARY_COVERAGE'), value: pct(r.coverage.total.percent, none) },
      { label: t.message('REPORT.SUMMARY_INCIDENTS'), value: number(r.totals.incidents) },
    ],
    charts,
    months: r.months.map((m) => ({ label: month(m.month), cells: [m.issuance, m.renewal, m.revocation, m.requests, m.issued, m.incident].map(number) })),
    monthTotals: [
      r.months.reduce((s, m) => s + m.issuance, 0), r.months.reduce((s, m) => s + m.renewal, 0), r.months.reduce((s, m) => s + m.revocation, 0),
      r.totals.requests, r.totals.issued, r.totals.incidents,
    ].map(number),
    coverageNote: t.message('REPORT.COVERAGE_NOTE', { at: coverageAt }),
    coverage: r.coverage.rows.map((c) => ({ agency: c.agency, asn: number(c.asn), covered: number(c.covered), percent: pct(c.percent, none) })),
    coverageTotal: { agency: t.message('REPORT.TOTAL'), asn: number(r.coverage.total.asn), covered: number(r.coverage.total.covered), percent: pct(r.coverage.total.percent, none) },
    turnaroundNote: t.message('REPORT.TURNAROUND_NOTE'),
    turnaround: r.turnaround.map((x) => ({ kind: kind(x.kind), decided: number(x.decided), mean: decimal(x.meanHours, none), median: decimal(x.medianHours, none) })),
    rejections: r.rejections.map((x) => ({ reason: reason(x.reason), count: number(x.count) })),
    hasRejections: r.rejections.length > 0,
    rejectionTotal: number(r.totals.rejections),
    revocations: r.revocations.map((g) => ({ ground: t.message(`GROUND.${g.ground}`), count: number(g.count) })),
    revocationTotal: number(r.totals.revocations),
    statuses: ['open', 'answered', 'escalated', 'resolved'].map((s) => t.message(`BOT.STATUS_${s}`)),
    tickets: r.tickets.map((x) => ({ kind: kind(x.kind), cells: [x.byStatus.open, x.byStatus.answered, x.byStatus.escalated, x.byStatus.resolved, x.total].map(number) })),
    slaNote: t.message('REPORT.SLA_NOTE'),
    responses: r.responses.map((x) => ({
      kind: kind(x.kind), target: number(x.targetHours), opened: number(x.opened), responded: number(x.responded),
      within: number(x.withinTarget), percent: pct(x.percentWithin, none),
    })),
  };
  const html = t.render('report/annual.html', view);

  const lines: string[] = [];
  const table = (name: string, header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): void => {
    lines.push(csvCell(t.message(name)), header.map((h) => csvCell(h)).join(','), ...rows.map((row) => row.map(csvCell).join(',')), '');
  };
  // Column names are stable identifiers for spreadsheets and scripts; the section titles are Indonesian.
  table('REPORT.CSV_MONTHLY', ['tahun', 'bulan', 'penerbitan', 'pembaruan', 'pencabutan', 'permohonan', 'sertifikat_terbit', 'insiden', 'bantuan', 'pengaduan'],
    r.months.map((m) => [year, m.month, m.issuance, m.renewal, m.revocation, m.requests, m.issued, m.incident, m.help, m.complaint]));
  table('REPORT.CSV_COVERAGE', ['perangkat_daerah', 'asn', 'bersertifikat', 'persen', 'per'],
    [...r.coverage.rows.map((c) => [c.agency, c.asn, c.covered, c.percent, r.period.coverageAt]),
      [t.message('REPORT.TOTAL'), r.coverage.total.asn, r.coverage.total.covered, r.coverage.total.percent, r.period.coverageAt]]);
  table('REPORT.CSV_TURNAROUND', ['jenis', 'diputus', 'rata_rata_jam', 'median_jam'], r.turnaround.map((x) => [x.kind, x.decided, x.meanHours, x.medianHours]));
  table('REPORT.CSV_REJECTIONS', ['alasan', 'jumlah'], r.rejections.map((x) => [reason(x.reason), x.count]));
  table('REPORT.CSV_REVOCATIONS', ['alasan', 'jumlah'], r.revocations.map((g) => [g.ground, g.count]));
  table('REPORT.CSV_TICKETS', ['jenis', 'open', 'answered', 'escalated', 'resolved', 'jumlah'],
    r.tickets.map((x) => [x.kind, x.byStatus.open, x.byStatus.answered, x.byStatus.escalated, x.byStatus.resolved, x.total]));
  table('REPORT.CSV_SLA', ['jenis', 'target_jam', 'diajukan', 'ditanggapi', 'dalam_target', 'persen_dalam_target'],
    r.responses.map((x) => [x.kind, x.targetHours, x.opened, x.responded, x.withinTarget, x.percentWithin]));
  return { html, csv: `${lines.join('\r\n')}\r\n` };
}
