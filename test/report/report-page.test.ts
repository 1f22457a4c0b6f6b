import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { seedReportDataset } from '../support/report-dataset.ts';
import { decodePng, distinctColours } from '../support/png.ts';
import { createReportSource } from '../../storage/repositories/report-source.ts';
import { CANNED_REASON_CODES, compileAnnualReport } from '../../domain/reports/annual-report.ts';
import { renderAnnualReport } from '../../templates/report/annual-report.ts';
import { createTemplates } from '../../templates/catalog.ts';

/** Debian's chromium (TOOLCHAIN.md): `npx playwright install` cannot download a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('report.html in headless Chromium', () => {
  let db: TestDatabase;
  let browser: Browser;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    // Never a silent skip: CI installs chromium (.ci/run); a machine without it fails here, saying so.
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install the Debian package (apt-get install -y --no-install-recommends chromium); .ci/run does it`);
    }
    db = await openTestDatabase('sqlite');
    await seedReportDataset(db.ds);
    const t = createTemplates();
    const report = await compileAnnualReport(createReportSource(db.ds), {
      year: 2026, timeZone: 'Asia/Pontianak', now: new Date('2027-01-10T03:00:00.000Z'), knownReasons: CANNED_REASON_CODES.map((c) => t.message(c)),
    });
    dir = mkdtempSync(join(tmpdir(), 'ra-report-page-'));
    file = join(dir, 'report.html');
    writeFileSync(file, renderAnnualReport(t, report).html);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.close();
  });

  it('renders without console errors or requests, and the screenshot is not blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => { if (r.url() !== pathToFileURL(file).href) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    expect(await page.title()).toBe('Laporan Pengawasan dan Evaluasi Penggunaan Sertifikat Elektronik Tahun 2026');
    // Four charts, each drawn with a real size, and the tables are there.
    const charts = await page.locator('svg').evaluateAll((nodes) => nodes.map((n) => { const r = n.getBoundingClientRect(); return [r.width, r.height]; }));
    expect(charts).toHaveLength(4);
    for (const [w, h] of charts) expect(w! > 100 && h! > 20).toBe(true);
    expect(await page.locator('table').count()).toBe(7);

    const png = await page.screenshot({ fullPage: true });
    const image = decodePng(png);
    expect(image.height).toBeGreaterThan(800);
    // Not blank: text, bars of several colours and table borders give far more than one colour.
    expect(distinctColours(image)).toBeGreaterThan(20);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
