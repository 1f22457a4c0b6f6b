import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { AGENCY_A, AGENCY_B, FREE_TEXT_REASON, REASON_TEXT, seedReportDataset } from '../support/report-dataset.ts';
import { createReportSource } from '../../storage/repositories/report-source.ts';
import { CANNED_REASON_CODES, compileAnnualReport, reportPeriod, type AnnualReport } from '../../domain/reports/annual-report.ts';
import { createTemplates } from '../../templates/catalog.ts';

/**
 * The annual report of 2026 over test/support/report-dataset.ts, on SQLite and PostgreSQL. Every
 * expected figure below was counted by hand from the rows in that file; the comment beside it says how.
 * Year 2026 in Asia/Pontianak (UTC+7): from 2025-12-31T17:00Z to 2026-12-31T17:00Z; coverage is counted
 * at 2026-12-31T16:59:59Z (31 December 23:59:59 local), since "now" is 10 January 2027.
 */
const NOW = new Date('2027-01-10T03:00:00.000Z');
const t = createTemplates();

describe.each(DATABASES)('annual report figures on %s', (kind) => {
  let db: TestDatabase;
  let report: AnnualReport;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedReportDataset(db.ds);
    report = await compileAnnualReport(createReportSource(db.ds), {
      year: 2026, timeZone: 'Asia/Pontianak', now: NOW, knownReasons: CANNED_REASON_CODES.map((c) => t.message(c)),
    });
  });
  afterAll(async () => db?.close());

  it('counts the year in Pontianak time, coverage at 31 December 23:59:59', () => {
    expect(report.period).toMatchObject({
      from: '2025-12-31T17:00:00.000Z', until: '2026-12-31T17:00:00.000Z', coverageAt: '2026-12-31T16:59:59.000Z', yearComplete: true,
    });
    expect(report.period.monthStarts[1]).toBe('2026-01-31T17:00:00.000Z');
  });

  it('counts coverage per agency as ASN on the roster on 31 December with a certificate valid then (Pasal 13(3))', () => {
    // Agency A on the roster: a1-a4 (active) and a5 (left on 3 January 2027, after the year) = 5; a6 left
    // in October and is not counted. Valid at 23:59:59: a1 (valid), a4 (revoked only on 5 January 2027),
    // a5 (valid) = 3; a2 expired at 23:00, a3 was revoked in June. 3/5 = 60.0 %.
    // Agency B: b1-b4 = 4. b2 (begins at exactly 23:59:59) and b3 (two valid certificates, counted once)
    // = 2; b1 begins in 2027, b4 has none. 2/4 = 50.0 %.
    // The Walikota (category official) is not an ASN: no row for "Pemerintah Kota Pontianak".
    // City: 5 of 9 = 55.555… → 55.6 %.
    expect(report.coverage.rows).toEqual([
      { agency: AGENCY_B, asn: 4, covered: 2, percent: 50 },
      { agency: AGENCY_A, asn: 5, covered: 3, percent: 60 },
    ]);
    expect(report.coverage.total).toEqual({ agency: '', asn: 9, covered: 5, percent: 55.6 });
  });

  it('counts requests and cases per local month', () => {
    // Requests filed in 2026 local time, by month (R = OP request, T = TK ticket):
    //  Jan: R1 issuance · Feb: R2 issuance (31 Jan 18:00Z = 1 Feb 01:00 local), T3 help · Mar: R3 renewal, R4 issuance
    //  Apr: T4 complaint · Jun: R7 revocation, T1 incident · Jul: T2 incident · Sep: R8 revocation
    //  Oct: R10 revocation · Dec: R5 issuance (23:00 local on the 31st), R9 revocation.
    // Not counted: R6 (filed 2025), R11 (filed 1 January 2027), T5 (2025).
    const pick = (m: number) => { const r = report.months[m - 1]!; return [r.issuance, r.renewal, r.revocation, r.requests, r.incident, r.help, r.complaint]; };
    expect(pick(1)).toEqual([1, 0, 0, 1, 0, 0, 0]);
    expect(pick(2)).toEqual([1, 0, 0, 1, 0, 1, 0]);
    expect(pick(3)).toEqual([1, 1, 0, 2, 0, 0, 0]);
    expect(pick(4)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(pick(5)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(pick(6)).toEqual([0, 0, 1, 1, 1, 0, 0]);
    expect(pick(7)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(pick(8)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(pick(9)).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(pick(10)).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(pick(11)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(pick(12)).toEqual([1, 0, 1, 2, 0, 0, 0]);
    // 4 issuance + 1 renewal + 4 revocation = 9 requests; 2 incidents.
    expect(report.totals).toMatchObject({ requests: 9, incidents: 2 });
  });

  it('counts certificates issued per local month, renewals and officials included', () => {
    // not_before in 2026 local: a4's at 1 Jan 00:00 local (still 2025 in UTC) → Jan; a3's at 1 Feb 00:00
    // local → Feb; a1 → Mar; a6 → May; the Walikota's → Jul; b3's renewal → Nov; b2's at 23:59:59 on
    // 31 Dec → Dec. Not counted: a2, a5, b3's first (2024-2025), b1 (2027). Total 7.
    expect(report.months.map((m) => m.issued)).toEqual([1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1]);
    expect(report.totals.issued).toBe(7);
  });

  it('measures turnaround from filing to the final decision taken in the year', () => {
    // Issuance: R1 approve 24 h; R2 filed 31 Jan 18:00Z, rejected 5 Feb 18:00Z = 120 h (its return at
    // 48 h is not final); R4 reject 10 h; R6 filed 20 Dec 2025, approved 2 Jan 2026: 13 days = 312 h.
    // n = 4, mean (24+120+10+312)/4 = 116.5, median of 10, 24, 120, 312 = (24+120)/2 = 72.
    // Renewal: R3 60 h. Revocation: R7 6 h, R8 12 h, R9 24 h → mean 14, median 12.
    expect(report.turnaround).toEqual([
      { kind: 'issuance', decided: 4, meanHours: 116.5, medianHours: 72 },
      { kind: 'renewal', decided: 1, meanHours: 60, medianHours: 60 },
      { kind: 'revocation', decided: 3, meanHours: 14, medianHours: 12 },
    ]);
  });

  it('counts rejection reasons, every free-text reason together and never quoted', () => {
    // Rejections in 2026: R2 [unreadable, free text], R4 [unreadable, not eligible]; R2's return
    // ["unsigned"] is not a rejection. → unreadable 2, not eligible 1, free text 1; total 4.
    expect(report.rejections).toEqual([
      { reason: REASON_TEXT.unreadable, count: 2 },
      { reason: REASON_TEXT.notEligible, count: 1 },
      { reason: null, count: 1 },
    ]);
    expect(report.totals.rejections).toBe(4);
    expect(JSON.stringify(report)).not.toContain(FREE_TEXT_REASON);
  });

  it('counts revocations completed in the year by ground', () => {
    // Completed in 2026: R7 lost, R8 moved_retired. R9 completed on 2 January 2027, R10 still pending.
    expect(report.revocations.filter((r) => r.count > 0)).toEqual([{ ground: 'lost', count: 1 }, { ground: 'moved_retired', count: 1 }]);
    expect(report.totals.revocations).toBe(2);
  });

  it('counts incidents, help and complaints by status', () => {
    // T1 incident answered, T2 incident open, T3 help answered, T4 complaint open (T5 is from 2025).
    expect(report.tickets.map((x) => [x.kind, x.total, x.byStatus.open, x.byStatus.answered])).toEqual([
      ['incident', 2, 1, 1], ['help', 1, 0, 1], ['complaint', 1, 1, 0],
    ]);
  });

  it('measures first responses against the targets', () => {
    // Issuance (120 h): R1 24 h, R2 48 h (the return is a response), R4 10 h, R5 none → 4 opened, 3, 3 = 75.0 %.
    // Renewal: R3 60 h → 1, 1, 1 = 100 %. Revocation: R7 6 h, R8 12 h, R9 24 h, R10 none → 4, 3, 3 = 75.0 %.
    // Incident (24 h): T1 answered after 8 h; T2 only a refused attempt → 2, 1, 1 = 50.0 %.
    // Help (48 h): T3 answered after 72 h → 1, 1, 0 = 0 %. Complaint: T4 unanswered → 1, 0, 0 = 0 %.
    expect(report.responses.map((r) => [r.kind, r.targetHours, r.opened, r.responded, r.withinTarget, r.percentWithin])).toEqual([
      ['issuance', 120, 4, 3, 3, 75], ['renewal', 120, 1, 1, 1, 100], ['revocation', 120, 4, 3, 3, 75],
      ['incident', 24, 2, 1, 1, 50], ['help', 48, 1, 1, 0, 0], ['complaint', 48, 1, 0, 0, 0],
    ]);
  });

  it('counts coverage at now while the year is running', async () => {
    // At 1 July 2026 12:00 local: agency A has a1-a6 active or left later (a6 left in October) = 6;
    // valid then: a1, a2, a4, a5, a6 (a3 revoked in June) = 5. Agency B: b1-b4 = 4; valid: b3 (2025's) = 1.
    const period = reportPeriod(2026, 'Asia/Pontianak', new Date('2026-07-01T05:00:00.000Z'));
    expect(period).toMatchObject({ yearComplete: false, coverageAt: '2026-07-01T05:00:00.000Z' });
    expect(await createReportSource(db.ds).coverage(period.coverageAt)).toEqual([
      { agency: AGENCY_B, asn: 4, covered: 1 }, { agency: AGENCY_A, asn: 6, covered: 5 },
    ]);
  });
});
