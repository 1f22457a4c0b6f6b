import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource, QueryRunner } from 'typeorm';
import { inWriteTransaction, openDatabase } from '../storage/data-source.ts';
import { AuditSchema, CertificateSchema, DecisionSchema, RequestSchema, RosterSchema } from '../storage/entities/schemas.ts';
import type { AuditRow, CertificateRow, DecisionRow, RequestRow, RosterRow } from '../storage/entities/rows.ts';
import { coverageStatement, createReportSource } from '../storage/repositories/report-source.ts';
import { CANNED_REASON_CODES, compileAnnualReport, reportPeriod } from '../domain/reports/annual-report.ts';
import { REVOCATION_GROUNDS } from '../domain/revocation/revocation-grounds.ts';
import { renderAnnualReport } from '../templates/report/annual-report.ts';
import { createTemplates } from '../templates/catalog.ts';
import type { BenchContext } from './run.ts';
import { mulberry32 as prng } from '../test/support/prng.ts';
import { machineFacts } from './measure.ts';

/**
 * `npm run bench -- report [--scale 0.1]`
 *
 * A fresh SQLite data folder gets the register of a city some years into the Perwal:
 * - 10,000 ASN in 40 agencies (2 % of them left the roster during 2026 or after it);
 * - 100,000 certificates, 10 per person: about 85 % of people hold one valid on 31 December 2026, the
 *   rest of each person's ten are expired or revoked history back to 2017; a few hundred revoked in 2026;
 * - a request, its decision and an audit row for each certificate issued before 2026 (about 95,000);
 * - a request for each certificate issued in 2026 (issuance or renewal, most decided within days, some
 *   returned first), 10 % more that were rejected with canned or free-text reasons, and a completed
 *   revocation request (with its ground) for each certificate revoked in 2026;
 * - 20,000 tickets (incidents, help, complaints) over 2025-2026, 80 % answered, each answer an audit row.
 * Timed: the annual report of 2026 as `ra-desk report annual` makes it — every aggregate query, the
 * report model, and the HTML and CSV rendered and written. Target: < 2 s. Also shown, without targets:
 * each part on its own, and `EXPLAIN QUERY PLAN` of the coverage query (it must seek the certificates by
 * owner, not scan them per person). Figures go to the console and to `bench/results/report.json`.
 */

const TARGET_MS = 2_000;
const FULL = { people: 10_000, certificatesPerPerson: 10, agencies: 40, tickets: 20_000 } as const;
const TX_ROWS = 5_000;
/** Rows per INSERT: 1,000 × 18 columns stays under SQLite's 32,766 bound parameters. */
const STATEMENT_ROWS = 1_000;
const YEAR = 2026;
const NOW = new Date('2027-01-10T03:00:00.000Z');
const YEAR_FROM = Date.parse('2025-12-31T17:00:00.000Z');
const YEAR_UNTIL = Date.parse('2026-12-31T17:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line: string): void => console.log(line);
const iso = (ms: number): string => new Date(ms).toISOString();

interface Sizes { readonly people: number; readonly certificatesPerPerson: number; readonly agencies: number; readonly tickets: number }

async function insertInBatches<T extends object>(ds: DataSource, rows: readonly T[], write: (qr: QueryRunner, chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += TX_ROWS) {
    const tx = rows.slice(i, i + TX_ROWS);
    await inWriteTransaction(ds, async (qr) => {
      for (let j = 0; j < tx.length; j += STATEMENT_ROWS) await write(qr, tx.slice(j, j + STATEMENT_ROWS));
    });
  }
}

interface Seeded { certificates: number; requests: number; tickets: number; decisions: number; auditRows: number }

async function seed(ds: DataSource, z: Sizes): Promise<Seeded> {
  const random = prng(23_2018);
  const between = (from: number, until: number): number => from + random() * (until - from);
  const t = createTemplates();
  const canned = CANNED_REASON_CODES.map((c) => t.message(c));

  const people: RosterRow[] = Array.from({ length: z.people }, (_, i) => {
    const personId = randomUUID();
    const left = random() < 0.02;
    return {
      personId, nip: `19800101${String(200_000_0000 + i).slice(-10)}`, nikHmac: `hmac-${personId}`, nikEnc: `enc-${personId}`,
      name: `Pegawai ${i + 1}`, email: `pegawai${i + 1}@pontianak.go.id`, agency: `Perangkat Daerah ${String((i % z.agencies) + 1).padStart(2, '0')}`,
      position: 'Staf', superiorNip: null, category: 'asn', active: !left,
      updatedAt: iso(left ? between(YEAR_FROM, NOW.getTime()) : YEAR_FROM - 30 * DAY),
    };
  });
  await insertInBatches(ds, people, (qr, chunk) => qr.manager.insert(RosterSchema, chunk));

  const certificates: CertificateRow[] = [];
  const requests: RequestRow[] = [];
  const decisions: DecisionRow[] = [];
  const audit: AuditRow[] = [];
  let serial = 0;
  let requestNo = 0;
  const requestId = (prefix: 'OP' | 'TK', createdMs: number): string => `${prefix}-${new Date(createdMs).getUTCFullYear()}-${String(++requestNo).padStart(6, '0')}`;
  const request = (id: string, kind: string, status: string, createdMs: number, owner: RosterRow, details: object, updatedMs = createdMs): RequestRow => ({
    id, kind, status, channel: random() < 0.5 ? 'email' : 'telegram', applicantPersonId: owner.personId, applicantNip: owner.nip,
    applicantEmail: owner.email, applicantName: owner.name, applicantNikHmac: null, applicantNikEnc: null,
    certificateType: kind === 'issuance' || kind === 'renewal' ? 'individual' : null, uses: '[]', details: JSON.stringify(details), checks: '[]',
    reviewRound: 1, version: 1, createdAt: iso(createdMs), updatedAt: iso(updatedMs),
  });
  const decide = (id: string, round: number, outcome: string, atMs: number, reasons: readonly string[] = []): void => {
    decisions.push({ id: randomUUID(), requestId: id, reviewRound: round, officerTelegramId: '5550001', outcome, reasons: JSON.stringify(reasons), note: '', decidedAt: iso(atMs) });
  };
  let seq = 0;
  const reasonList = (): string[] => (random() < 0.2 ? [`Catatan petugas ${Math.floor(random() * 1000)}`] : [canned[Math.floor(random() * canned.length)]!]);

  const certificate = (owner: RosterRow, notBeforeMs: number, revokedMs: number | null): CertificateRow => {
    serial++;
    const notAfterMs = notBeforeMs + 730 * DAY;
    return {
      id: randomUUID(), requestId: `OP-${new Date(notBeforeMs).getUTCFullYear()}-${String(serial).padStart(6, '0')}`, ownerPersonId: owner.personId,
      serial: serial.toString(16).toUpperCase().padStart(12, '0'), issuer: 'BSrE', fingerprint: serial.toString(16).padStart(64, '0'),
      notBefore: iso(notBeforeMs), notAfter: iso(notAfterMs), state: revokedMs !== null ? 'revoked' : notAfterMs < NOW.getTime() ? 'expired' : 'active',
      agreementAcceptedAt: null, agreementHash: null, deliveredAt: null, receiptConfirmedAt: null,
      revokedAt: revokedMs === null ? null : iso(revokedMs), revocationReason: revokedMs === null ? null : 'keyCompromise', createdAt: iso(notBeforeMs),
    };
  };

  for (const person of people) {
    const own: CertificateRow[] = [];
    // The current certificate: 85 % valid on 31 December 2026 (begun in the last two years), else lapsed.
    own.push(certificate(person, random() < 0.85 ? between(YEAR_UNTIL - 720 * DAY, YEAR_UNTIL - DAY) : between(YEAR_FROM - 1500 * DAY, YEAR_FROM - 760 * DAY), null));
    while (own.length < z.certificatesPerPerson) {
      const revoked = random() < 0.1;
      const nb = between(Date.parse('2017-01-01T00:00:00Z'), YEAR_FROM - 800 * DAY);
      // A handful of the history was revoked during 2026 while still in force.
      const revokedIn2026 = revoked && random() < 0.05;
      own.push(revokedIn2026 ? certificate(person, between(YEAR_FROM - 700 * DAY, YEAR_FROM), between(YEAR_FROM, YEAR_UNTIL)) : certificate(person, nb, revoked ? nb + between(DAY, 700 * DAY) : null));
    }
    for (const c of own) {
      const nb = Date.parse(c.notBefore);
      if (nb < YEAR_FROM) {
        // History: the request each earlier certificate came from, decided, with its audit row.
        const created = nb - between(HOUR, 10 * DAY);
        const id = requestId('OP', created);
        requests.push(request(id, random() < 0.7 ? 'issuance' : 'renewal', 'completed', created, person, {}, nb));
        decide(id, 1, 'approve', nb - between(0, HOUR));
        seq++;
        audit.push({ seq, at: iso(created), actor: 'system', action: 'request.create', subject: id, outcome: 'pending_review', evidence: '[]', prevHash: '0'.repeat(64), hash: String(seq).padStart(64, '0') });
      }
      if (nb >= YEAR_FROM && nb < YEAR_UNTIL) {
        const created = nb - between(HOUR, 10 * DAY);
        const id = requestId('OP', created);
        requests.push(request(id, random() < 0.7 ? 'issuance' : 'renewal', 'completed', created, person, {}, nb));
        if (random() < 0.15) {
          decide(id, 1, 'return', created + between(HOUR, 3 * DAY), reasonList());
          decide(id, 2, 'approve', nb - between(0, HOUR));
        } else decide(id, 1, 'approve', nb - between(0, HOUR));
        if (random() < 0.1) {
          const rCreated = between(YEAR_FROM, YEAR_UNTIL - 10 * DAY);
          const rid = requestId('OP', rCreated);
          requests.push(request(rid, 'issuance', 'rejected', rCreated, person, {}));
          decide(rid, 1, 'reject', rCreated + between(HOUR, 9 * DAY), reasonList());
        }
      }
      if (c.revokedAt && Date.parse(c.revokedAt) >= YEAR_FROM && Date.parse(c.revokedAt) < YEAR_UNTIL) {
        const revokedMs = Date.parse(c.revokedAt);
        const created = revokedMs - between(HOUR, 5 * DAY);
        const id = requestId('OP', created);
        const ground = REVOCATION_GROUNDS[Math.floor(random() * REVOCATION_GROUNDS.length)]!;
        requests.push(request(id, 'revocation', 'completed', created, person, { ground, certificateId: c.id, serial: c.serial }, revokedMs));
        decide(id, 1, 'approve', revokedMs - between(0, HOUR));
      }
    }
    certificates.push(...own);
  }
  for (let i = certificates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [certificates[i], certificates[j]] = [certificates[j]!, certificates[i]!];
  }

  for (let i = 0; i < z.tickets; i++) {
    const person = people[Math.floor(random() * people.length)]!;
    const created = random() < 0.75 ? between(YEAR_FROM, YEAR_UNTIL) : between(YEAR_FROM - 365 * DAY, YEAR_FROM);
    const kind = random() < 0.2 ? 'incident' : random() < 0.75 ? 'help' : 'complaint';
    const answered = random() < 0.8;
    const id = requestId('TK', created);
    requests.push(request(id, kind, answered ? (random() < 0.5 ? 'answered' : 'resolved') : 'open', created, person, {}));
    if (answered) {
      seq++;
      audit.push({ seq, at: iso(created + between(HOUR / 4, 96 * HOUR)), actor: 'officer:5550001', action: 'ticket.answer', subject: id, outcome: 'answered', evidence: '[]', prevHash: '0'.repeat(64), hash: String(seq).padStart(64, '0') });
    }
  }

  await insertInBatches(ds, certificates, (qr, chunk) => qr.manager.insert(CertificateSchema, chunk));
  await insertInBatches(ds, requests, (qr, chunk) => qr.manager.insert(RequestSchema, chunk));
  await insertInBatches(ds, decisions, (qr, chunk) => qr.manager.insert(DecisionSchema, chunk));
  await insertInBatches(ds, audit, (qr, chunk) => qr.manager.insert(AuditSchema, chunk));
  return { certificates: certificates.length, requests: requests.length - z.tickets, tickets: z.tickets, decisions: decisions.length, auditRows: audit.length };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd()).join('\n');
}

const verdict = (pass: boolean): string => (pass ? 'ok' : 'MISSED');

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await work();
  return [value, performance.now() - t0];
}

export async function run(ctx: BenchContext): Promise<void> {
  const { values } = parseArgs({ args: [...ctx.args], strict: true, allowPositionals: false, options: { scale: { type: 'string', default: '1' } } });
  const scale = Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`--scale takes a number in (0, 10], e.g. 0.1; got ${values.scale}`);
  const s = (n: number): number => Math.max(1, Math.round(n * scale));
  const z: Sizes = { ...FULL, people: s(FULL.people), tickets: s(FULL.tickets) };
  const dataDir = mkdtempSync(join(tmpdir(), 'ra-bench-report-'));
  const ds = await openDatabase({ dataDir });
  try {
    say(`report: seeding ${z.people * z.certificatesPerPerson} certificates for ${z.people} ASN and ${z.tickets} tickets in ${dataDir} …`);
    const [seeded, seedMs] = await timed(() => seed(ds, z));
    say(`  seeded in ${(seedMs / 1000).toFixed(1)} s: ${seeded.requests} requests, ${seeded.decisions} decisions, ${seeded.auditRows} audit rows`);

    const period = reportPeriod(YEAR, 'Asia/Pontianak', NOW);
    const { sql, params } = coverageStatement('sqlite', period.coverageAt);
    const plan = (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params) as Array<{ detail: string }>).map((r) => r.detail);
    const seeksOwner = plan.some((l) => /SEARCH c USING (COVERING )?INDEX ix_certificates_owner/.test(l)) && !plan.some((l) => /^SCAN c\b/.test(l));
    say('');
    say('EXPLAIN QUERY PLAN of the coverage query:');
    for (const line of plan) say(`  ${line}`);

    const t = createTemplates();
    const source = createReportSource(ds);
    const out = mkdtempSync(join(tmpdir(), 'ra-bench-report-out-'));
    const load = [loadavg()[0] ?? 0];
    const makeReport = async () => {
      const report = await compileAnnualReport(source, { year: YEAR, timeZone: 'Asia/Pontianak', now: NOW, knownReasons: CANNED_REASON_CODES.map((c) => t.message(c)) });
      const rendered = renderAnnualReport(t, report);
      writeFileSync(join(out, 'report.html'), rendered.html);
      writeFileSync(join(out, 'report.csv'), rendered.csv);
      return { report, rendered };
    };
    // The first run pays for SQLite's cold page cache and template compilation, as a cron job would.
    const [{ report, rendered }, firstMs] = await timed(makeReport);
    const [, secondMs] = await timed(makeReport);
    const [, queriesMs] = await timed(() => source.annualFigures(period, { issuance: 120, renewal: 120, revocation: 120, incident: 24, help: 48, complaint: 48 }));
    const [, coverageMs] = await timed(() => source.coverage(period.coverageAt));
    load.push(loadavg()[0] ?? 0);
    rmSync(out, { recursive: true, force: true });

    const pass = firstMs < TARGET_MS;
    const problems = [
      ...(seeksOwner ? [] : ['the coverage query does not seek ix_certificates_owner (or scans certificates)']),
      ...(report.coverage.total.asn < z.people * 0.95 ? [`coverage counts ${report.coverage.total.asn} ASN, expected about ${z.people}`] : []),
      ...(report.totals.issued === 0 || report.totals.requests === 0 ? ['the year has no requests or issuances: the seed is wrong'] : []),
    ];
    const result = {
      bench: 'report', at: new Date().toISOString(), scale,
      machine: machineFacts(load),
      figures: {
        annualReportMs: { value: round(firstMs, 1), unit: 'ms', target: `< ${TARGET_MS}`, pass },
        coverageQuerySeeksIndex: { value: seeksOwner, target: 'SEARCH c USING INDEX ix_certificates_owner, no SCAN of certificates', pass: seeksOwner },
        secondRunMs: { value: round(secondMs, 1), unit: 'ms' },
        queriesOnlyMs: { value: round(queriesMs, 1), unit: 'ms' },
        coverageQueryMs: { value: round(coverageMs, 1), unit: 'ms' },
        certificates: { value: seeded.certificates, unit: 'rows' },
        asn: { value: z.people, unit: 'people' },
        tickets: { value: seeded.tickets, unit: 'rows' },
        requests: { value: seeded.requests, unit: 'rows' },
        htmlBytes: { value: Buffer.byteLength(rendered.html), unit: 'bytes' },
        csvBytes: { value: Buffer.byteLength(rendered.csv), unit: 'bytes' },
      },
      details: {
        totals: report.totals, coverage: report.coverage.total, decisions: seeded.decisions, auditRows: seeded.auditRows,
        agencies: z.agencies, seedSeconds: round(seedMs / 1000, 1), queryPlan: plan,
      },
      valid: problems.length === 0,
      problems,
    };
    writeFileSync(join(ctx.resultsDir, 'report.json'), `${JSON.stringify(result, null, 2)}\n`);

    say('');
    say(table([
      ['figure', 'value', 'target', ''],
      ['annual report 2026 (queries, model, HTML + CSV written)', `${firstMs.toFixed(1)} ms`, `< ${TARGET_MS} ms`, verdict(pass)],
      ['coverage query plan', seeksOwner ? 'index seek by owner' : 'SCAN', 'no SCAN certificates', verdict(seeksOwner)],
      ['  second run (warm)', `${secondMs.toFixed(1)} ms`, '', ''],
      ['  the aggregate queries alone', `${queriesMs.toFixed(1)} ms`, '', ''],
      ['  coverage query alone', `${coverageMs.toFixed(1)} ms`, '', ''],
      ['register', `${seeded.certificates} certificates, ${z.people} ASN, ${seeded.tickets} tickets, ${seeded.requests} requests`, '', ''],
      ['report', `${report.totals.requests} requests, ${report.totals.issued} issued, coverage ${report.coverage.total.percent ?? 0} %`, '', `${result.figures.htmlBytes.value} B HTML`],
    ]));
    say(`  load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} cores`);
    for (const p of problems) say(`  WARNING: ${p}: the figures above do not measure what they claim`);
    say(`  written to ${join(ctx.resultsDir, 'report.json')}`);
  } finally {
    await ds.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
