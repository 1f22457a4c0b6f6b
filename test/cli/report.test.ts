import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { AuditSchema, OutboxSchema } from '../../storage/entities/schemas.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { renderMail } from '../../mail/outbox/render-mail.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { AGENCY_A, AGENCY_B, FREE_TEXT_REASON, seedReportDataset } from '../support/report-dataset.ts';

const t = createTemplates();
// The current year where the desk is (the CLI's bound), not in UTC: they differ for 7 hours a year.
const THIS_YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Pontianak', year: 'numeric' }).format(new Date()));
const RECIPIENTS = ['walikota@pontianak.go.id', 'gubernur@kalbarprov.go.id', 'kepala@bssn.go.id', 'kepala@bsre.bssn.go.id'];

describe('ra-desk report annual', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let work: string;

  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    work = mkdtempSync(join(tmpdir(), 'ra-report-cli-'));
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
    const app = await openApp(createConfig(env));
    try {
      await seedReportDataset(app.ds);
    } finally {
      await app.close();
    }
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await db?.close();
  });

  it('writes a self-contained report.html and report.csv with the year\'s figures', async () => {
    const out = join(work, 'laporan-2026');
    const r = await runCli(['report', 'annual', '--year', '2026', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout)).toEqual([t.message('REPORT.WRITTEN', { year: 2026, html: join(out, 'report.html'), csv: join(out, 'report.csv') })]);
    expect(readdirSync(out).sort()).toEqual(['report.csv', 'report.html']);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(t.message('REPORT.TITLE', { year: 2026 }));
    expect(html.match(/<svg /g)?.length).toBe(4);
    // Self-contained: no script, no external resource of any kind.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    // Aggregates only: no name, e-mail address, NIP or free-text reason from the register.
    expect(html).not.toMatch(/Pegawai \d|@pontianak\.go\.id|\d{18}/);
    expect(html).not.toContain(FREE_TEXT_REASON);

    const csv = readFileSync(join(out, 'report.csv'), 'utf8');
    const rows = csv.split('\r\n');
    // Monthly counts (see test/storage/annual-report.test.ts for how they were counted):
    // tahun,bulan,penerbitan,pembaruan,pencabutan,permohonan,sertifikat_terbit,insiden,bantuan,pengaduan
    expect(rows.slice(0, 5)).toEqual([
      t.message('REPORT.CSV_MONTHLY'),
      'tahun,bulan,penerbitan,pembaruan,pencabutan,permohonan,sertifikat_terbit,insiden,bantuan,pengaduan',
      '2026,1,1,0,0,1,1,0,0,0',
      '2026,2,1,0,0,1,1,0,1,0',
      '2026,3,1,1,0,2,1,0,0,0',
    ]);
    expect(rows).toContain('2026,12,1,0,1,2,1,0,0,0');
    expect(rows).toContain('issuance,4,116.5,72');
    expect(rows.some((l) => l.startsWith(`${AGENCY_A},`))).toBe(true);
    expect(rows.some((l) => l.startsWith(`${AGENCY_B},`))).toBe(true);
    expect(csv).not.toContain(FREE_TEXT_REASON);
  });

  it.each([
    [['--out', 'x'], 'REPORT.YEAR_REQUIRED', {}],
    [['--year', '20x6', '--out', 'x'], 'REPORT.BAD_YEAR', { first: 2018, last: THIS_YEAR }],
    [['--year', '2017', '--out', 'x'], 'REPORT.BAD_YEAR', { first: 2018, last: THIS_YEAR }],
    [['--year', String(THIS_YEAR + 1), '--out', 'x'], 'REPORT.BAD_YEAR', { first: 2018, last: THIS_YEAR }],
    [['--year', '2026'], 'REPORT.OUT_REQUIRED', {}],
    [['--year', '2026', '--out', 'x', '--send'], 'REPORT.NO_RECIPIENTS', {}],
  ] as const)('refuses %j with one Indonesian line, exit code 2, and writes nothing', async (flags, code, params) => {
    const cwd = mkdtempSync(join(tmpdir(), 'ra-report-bad-'));
    try {
      const r = await runCli(['report', 'annual', ...flags], env, { cwd });
      expect(r.code).toBe(2);
      expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message(code, params)}`]);
      expect(r.stdout).toBe('');
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses an output folder it cannot write, and an unknown subcommand, with exit code 2', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await runCli(['report', 'annual', '--year', '2026', '--out', join(file, 'sub')], env);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message('REPORT.OUT_UNWRITABLE', { dir: join(file, 'sub'), reason: 'ENOTDIR' })}`]);
    const usage = await runCli(['report', 'monthly'], env);
    expect(usage.code).toBe(2);
    expect(linesOf(usage.stderr)).toEqual([`ra-desk: ${t.message('REPORT.USAGE')}`]);
    const garbled = await runCli(['report', 'annual', '--year', '2026', '--out', join(work, 'z'), '--bogus'], env);
    expect(garbled.code).toBe(2);
    expect(existsSync(join(work, 'z'))).toBe(false);
  });

  it('with --send queues one mail per Pasal 23(4) addressee, the HTML and CSV attached, and audits it', async () => {
    const out = join(work, 'sent');
    const r = await runCli(['report', 'annual', '--year', '2026', '--out', out, '--send'], { ...env, RA_REPORT_RECIPIENTS: RECIPIENTS.join(', ') });
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout)[1]).toBe(t.message('REPORT.QUEUED', { count: 4 }));
    const app = await openApp(createConfig(env));
    try {
      const rows = await app.ds.getRepository(OutboxSchema).find({ where: { template: 'annual-report' } });
      expect(rows.map((row) => row.recipient).sort()).toEqual([...RECIPIENTS].sort());
      expect(rows.every((row) => row.channel === 'email' && row.status === 'pending')).toBe(true);
      const mail = renderMail(t, 'annual-report', JSON.parse(rows[0]!.model) as Record<string, unknown>);
      expect(mail.subject).toBe(t.message('MAIL.SUBJECT.annual-report', { year: '2026' }));
      expect(mail.attachments.map((a) => a.filename)).toEqual(['laporan-tahunan-2026.html', 'laporan-tahunan-2026.csv']);
      expect(mail.attachments[0]!.content).toBe(readFileSync(join(out, 'report.html'), 'utf8'));
      expect(mail.attachments[1]!.content).toBe(readFileSync(join(out, 'report.csv'), 'utf8'));
      const audit = await app.ds.getRepository(AuditSchema).findOneBy({ action: 'report.send' });
      expect(audit).toMatchObject({ actor: 'system', subject: 'report:2026', outcome: 'queued:4' });
    } finally {
      await app.close();
    }
  });
});
