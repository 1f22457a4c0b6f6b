import { describe, expect, it } from 'vitest';
import { buildAnnualReport, reportPeriod } from '../../domain/reports/annual-report.ts';
import { renderAnnualReport, csvCell } from '../../templates/report/annual-report.ts';
import { createTemplates } from '../../templates/catalog.ts';
import type { AnnualFigures } from '../../domain/ports/report-source.ts';

const t = createTemplates();
const HOSTILE = '<script>alert(1)</script> & "Dinas"';
const FORMULA = '=HYPERLINK("http://evil.example","klik")';

const figures: AnnualFigures = {
  casesByMonth: [{ month: 3, kind: 'issuance', count: 12 }],
  issuedByMonth: [{ month: 3, count: 10 }],
  coverage: [{ agency: HOSTILE, asn: 3, covered: 1 }, { agency: FORMULA, asn: 0, covered: 0 }],
  turnaround: [], rejectionReasons: [], revocationsByGround: [{ ground: 'unheard-of', count: 2 }], ticketsByStatus: [], responses: [],
};

describe('the annual report templates (templates/id/report)', () => {
  const period = reportPeriod(2026, 'Asia/Pontianak', new Date('2027-02-01T00:00:00Z'));
  const report = buildAnnualReport(period, figures, { generatedAt: new Date('2027-02-01T00:00:00Z'), knownReasons: [] });
  const { html, csv } = renderAnnualReport(t, report);

  it('escapes agency names in the tables and in the SVG charts', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
  });

  it('shows an agency without ASN as "—", not as a division by zero', () => {
    expect(report.coverage.rows.find((r) => r.agency === FORMULA)?.percent).toBeNull();
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('defuses spreadsheet formulas and quotes cells in the CSV', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""klik"")",0,0,,`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('+62')).toBe("'+62");
    expect(csvCell(12.5)).toBe('12.5');
  });

  it('counts a ground it does not know as "other" rather than dropping it', () => {
    expect(report.revocations.find((g) => g.ground === 'other')?.count).toBe(2);
    expect(report.totals.revocations).toBe(2);
  });

  it('says in Indonesian when the year has ended and when coverage was counted', () => {
    expect(html).toContain(t.message('REPORT.COVERAGE_NOTE', { at: '31 Desember 2026 23.59' }));
    expect(html).not.toContain(t.message('REPORT.YEAR_RUNNING', { year: 2026, at: '31 Desember 2026 23.59' }));
  });
});
