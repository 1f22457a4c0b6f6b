import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource, QueryRunner } from 'typeorm';
import { inWriteTransaction, openDatabase } from '../storage/data-source.ts';
import { CertificateReminderSchema, CertificateSchema, OfficerSchema, OutboxSchema, RequestSchema, RosterSchema, TelegramBindingSchema } from '../storage/entities/schemas.ts';
import type { CertificateRow, OfficerRow, RequestRow, RosterRow, TelegramBindingRow } from '../storage/entities/rows.ts';
import { createKeyRing } from '../storage/crypto/keys.ts';
import { createStorageDesk } from '../storage/create-desk.ts';
import { createReminderStore, explainSweep } from '../storage/repositories/reminder-store.ts';
import { sendReminders, type ReminderRunReport } from '../domain/use-cases/send-reminders.ts';
import { DAY_MS, REMINDER_DAYS } from '../domain/certificates/reminders.ts';
import type { BenchContext } from './run.ts';
import { mulberry32 as prng } from '../test/support/prng.ts';
import { machineFacts } from './measure.ts';

/**
 * `npm run bench -- reminders [--scale 0.1]`
 *
 * A fresh SQLite data folder gets a roster of 10,000 people in 40 agencies (30 % with a bound Telegram
 * account, 3 officers) and 100,000 certificates, 10 per person, bulk-inserted in transactions of 5,000:
 * - 2,000 people (2 %) hold an active certificate that expires within 30 days and nothing newer: due;
 * - 1,000 people renewed early: an old active certificate inside the window and a newer one outside it;
 * - 500 people have a renewal in progress for a certificate inside the window;
 * - everyone else's active certificate expires 31 days to 3 years from now; the remaining nine of each
 *   person's ten are expired or revoked history.
 * The sweep must skip the last three groups through its NOT EXISTS probes, not by reading them.
 *
 * Printed: `EXPLAIN QUERY PLAN` of the sweep (it must seek `ix_certificates_state_not_after`; a `SCAN`
 * of certificates is a failure). Timed: one full sweep as `ra-desk reminders run` does it — indexed
 * pages, reminder rows, the outbox rows for every due owner (e-mail, and Telegram where bound), the
 * officers' digests and the audit row. Target: < 500 ms. Also shown, without targets: the sweep's read
 * alone and a second sweep at the same moment (the idempotent steady state: nothing left to send).
 * Figures go to the console and to `bench/results/reminders.json`.
 */

const TARGET_SWEEP_MS = 500;
const FULL = { people: 10_000, certificatesPerPerson: 10, agencies: 40, due: 2_000, renewedEarly: 1_000, renewalPending: 500 } as const;
const TX_ROWS = 5_000;
/** Rows per INSERT statement: 1,000 × 16 columns stays under SQLite's 32,766 bound parameters. */
const STATEMENT_ROWS = 1_000;
const NOW = new Date('2026-11-25T01:00:00.000Z');

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line: string): void => console.log(line);


interface Sizes {
  readonly people: number;
  readonly certificatesPerPerson: number;
  readonly agencies: number;
  readonly due: number;
  readonly renewedEarly: number;
  readonly renewalPending: number;
}

function sizesFor(scale: number): Sizes {
  const s = (n: number): number => Math.max(1, Math.round(n * scale));
  return { ...FULL, people: s(FULL.people), due: s(FULL.due), renewedEarly: s(FULL.renewedEarly), renewalPending: s(FULL.renewalPending) };
}

async function insertInBatches<T extends object>(ds: DataSource, rows: readonly T[], write: (qr: QueryRunner, chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += TX_ROWS) {
    const tx = rows.slice(i, i + TX_ROWS);
    await inWriteTransaction(ds, async (qr) => {
      for (let j = 0; j < tx.length; j += STATEMENT_ROWS) await write(qr, tx.slice(j, j + STATEMENT_ROWS));
    });
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The data set described at the top; returns how many certificates should be reminded. */
async function seed(ds: DataSource, z: Sizes): Promise<{ certificates: number; bound: number }> {
  const random = prng(75_2018);
  const at = iso(NOW.getTime() - 400 * DAY_MS);
  const people: RosterRow[] = Array.from({ length: z.people }, (_, i) => {
    const personId = randomUUID();
    return {
      personId, nip: `19800101${String(200_000_0000 + i).slice(-10)}`, nikHmac: `hmac-${personId}`, nikEnc: `enc-${personId}`,
      name: `Pegawai ${i + 1}`, email: `pegawai${i + 1}@pontianak.go.id`, agency: `Perangkat Daerah ${(i % z.agencies) + 1}`,
      position: 'Staf', superiorNip: null, category: 'asn', active: true, updatedAt: at,
    };
  });
  await insertInBatches(ds, people, (qr, chunk) => qr.manager.insert(RosterSchema, chunk));

  const bindings: TelegramBindingRow[] = people.filter(() => random() < 0.3)
    .map((p, i) => ({ telegramId: String(600_000_000 + i), chatId: String(600_000_000 + i), personId: p.personId, boundAt: at }));
  await insertInBatches(ds, bindings, (qr, chunk) => qr.manager.insert(TelegramBindingSchema, chunk));

  const officers: OfficerRow[] = [0, 1, 2].map((i) => ({
    telegramId: String(5_550_001 + i), personId: people[i]!.personId, nip: people[i]!.nip!, role: i === 2 ? 'manager' : 'officer',
    appointmentRef: `800/${i + 1}/DISKOMINFO/2026`, active: true, createdAt: at, updatedAt: at,
  }));
  await inWriteTransaction(ds, (qr) => qr.manager.insert(OfficerSchema, officers));

  const certificates: CertificateRow[] = [];
  const requests: RequestRow[] = [];
  let serial = 0;
  const certificate = (owner: RosterRow, notAfterMs: number, state: string): CertificateRow => {
    serial++;
    return {
      id: randomUUID(), requestId: `OP-2024-${String(serial).padStart(6, '0')}`, ownerPersonId: owner.personId,
      serial: serial.toString(16).toUpperCase().padStart(12, '0'), issuer: 'BSrE', fingerprint: serial.toString(16).padStart(64, '0'),
      notBefore: iso(notAfterMs - 730 * DAY_MS), notAfter: iso(notAfterMs), state, agreementAcceptedAt: at, agreementHash: null,
      deliveredAt: at, receiptConfirmedAt: at, revokedAt: state === 'revoked' ? at : null, revocationReason: state === 'revoked' ? 'key_lost' : null,
      createdAt: iso(notAfterMs - 730 * DAY_MS),
    };
  };
  const inWindow = (): number => NOW.getTime() + (0.01 + random() * 29.98) * DAY_MS;
  const beyondWindow = (): number => NOW.getTime() + (31 + random() * 1064) * DAY_MS;
  people.forEach((person, i) => {
    const own: CertificateRow[] = [];
    if (i < z.due) {
      own.push(certificate(person, inWindow(), 'active'));
    } else if (i < z.due + z.renewedEarly) {
      own.push(certificate(person, inWindow(), 'active'), certificate(person, beyondWindow() + 700 * DAY_MS, 'active'));
    } else if (i < z.due + z.renewedEarly + z.renewalPending) {
      own.push(certificate(person, inWindow(), 'active'));
      requests.push({
        id: `OP-2026-${String(i).padStart(6, '0')}`, kind: 'renewal', status: random() < 0.5 ? 'pending_review' : 'incomplete', channel: 'telegram',
        applicantPersonId: person.personId, applicantNip: person.nip, applicantEmail: person.email, applicantName: person.name,
        applicantNikHmac: null, applicantNikEnc: null, certificateType: 'individual', uses: '["signature"]', details: '{}', checks: '[]',
        reviewRound: 1, version: 1, createdAt: iso(NOW.getTime() - DAY_MS), updatedAt: iso(NOW.getTime() - DAY_MS),
      });
    } else {
      own.push(certificate(person, beyondWindow(), 'active'));
    }
    while (own.length < z.certificatesPerPerson) {
      own.push(certificate(person, NOW.getTime() - (1 + random() * 3650) * DAY_MS, random() < 0.8 ? 'expired' : 'revoked'));
    }
    certificates.push(...own);
  });
  // Shuffled, so the table's physical order says nothing about expiry (as after years of issuance).
  for (let i = certificates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [certificates[i], certificates[j]] = [certificates[j]!, certificates[i]!];
  }
  await insertInBatches(ds, certificates, (qr, chunk) => qr.manager.insert(CertificateSchema, chunk));
  await insertInBatches(ds, requests, (qr, chunk) => qr.manager.insert(RequestSchema, chunk));
  return { certificates: certificates.length, bound: bindings.length };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd()).join('\n');
}

const verdict = (pass: boolean): string => (pass ? 'ok' : 'MISSED');

export async function run(ctx: BenchContext): Promise<void> {
  const { values } = parseArgs({ args: [...ctx.args], strict: true, allowPositionals: false, options: { scale: { type: 'string', default: '1' } } });
  const scale = Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`--scale takes a number in (0, 10], e.g. 0.1; got ${values.scale}`);
  const z = sizesFor(scale);
  const dataDir = mkdtempSync(join(tmpdir(), 'ra-bench-reminders-'));
  const ds = await openDatabase({ dataDir });
  try {
    say(`reminders: seeding ${z.people * z.certificatesPerPerson} certificates for ${z.people} people in ${dataDir} …`);
    const t0 = performance.now();
    const seeded = await seed(ds, z);
    const seedSeconds = (performance.now() - t0) / 1000;
    say(`  seeded in ${seedSeconds.toFixed(1)} s`);

    const window = { from: NOW.toISOString(), until: iso(NOW.getTime() + Math.max(...REMINDER_DAYS) * DAY_MS) };
    const plan = await explainSweep(ds, window);
    const planText = plan.join('\n');
    const usesIndex = planText.includes('USING INDEX ix_certificates_state_not_after') && !/\bSCAN (c|certificates)\b/.test(planText);
    say('');
    say('EXPLAIN QUERY PLAN of the sweep (first page):');
    for (const line of plan) say(`  ${line}`);

    const { ports, auditLog } = createStorageDesk({
      ds, dataDir, keys: createKeyRing(randomBytes(32)), clock: { now: () => NOW }, messageIdDomain: 'pontianak.go.id',
      settings: { officialDomains: ['pontianak.go.id'], maxFileBytes: 10 * 1024 * 1024 },
    });
    void auditLog;
    const store = createReminderStore(ds);
    const load = [loadavg()[0] ?? 0];

    const s0 = performance.now();
    const sweep: ReminderRunReport = await sendReminders(ports, store, { now: NOW });
    const sweepMs = performance.now() - s0;

    const r0 = performance.now();
    let windowRows = 0;
    for (let after = null as { notAfter: string; certificateId: string } | null; ;) {
      const page = await store.page(window, after, 1000);
      windowRows += page.length;
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      after = { notAfter: last.notAfter, certificateId: last.certificateId };
    }
    const readMs = performance.now() - r0;

    const a0 = performance.now();
    const rerun = await sendReminders(ports, store, { now: NOW });
    const rerunMs = performance.now() - a0;
    load.push(loadavg()[0] ?? 0);

    const outbox = await ds.getRepository(OutboxSchema).count();
    const marks = await ds.getRepository(CertificateReminderSchema).count();
    const pass = sweepMs < TARGET_SWEEP_MS;
    const problems = [
      ...(usesIndex ? [] : ['the sweep does not seek ix_certificates_state_not_after (or scans certificates)']),
      ...(sweep.reminded !== z.due ? [`reminded ${sweep.reminded} certificates, expected ${z.due}`] : []),
      ...(windowRows !== z.due ? [`the sweep returned ${windowRows} candidates, expected ${z.due}`] : []),
      ...(rerun.reminded + rerun.digests !== 0 ? ['the second sweep sent something: not idempotent'] : []),
      ...(outbox !== sweep.emails + sweep.telegrams + sweep.digests ? [`outbox holds ${outbox} rows, the sweep reported ${sweep.emails + sweep.telegrams + sweep.digests}`] : []),
    ];

    const result = {
      bench: 'reminders',
      at: new Date().toISOString(),
      scale,
      machine: machineFacts(load),
      figures: {
        sweepMs: { value: round(sweepMs, 1), unit: 'ms', target: `< ${TARGET_SWEEP_MS}`, pass },
        certificates: { value: seeded.certificates, unit: 'rows' },
        due: { value: sweep.reminded, unit: 'certificates' },
        queryPlanSeeksIndex: { value: usesIndex, target: 'SEARCH … ix_certificates_state_not_after, no SCAN of certificates', pass: usesIndex },
        sweepReadMs: { value: round(readMs, 1), unit: 'ms' },
        rerunMs: { value: round(rerunMs, 1), unit: 'ms' },
      },
      details: {
        sweep, rerun, outboxRows: outbox, reminderRows: marks, people: z.people, boundTelegram: seeded.bound, agencies: z.agencies,
        windowCandidates: windowRows, inWindowButStopped: z.renewedEarly + z.renewalPending, seedSeconds: round(seedSeconds, 1), queryPlan: plan,
      },
      valid: problems.length === 0,
      problems,
    };
    writeFileSync(join(ctx.resultsDir, 'reminders.json'), `${JSON.stringify(result, null, 2)}\n`);

    say('');
    say(table([
      ['figure', 'value', 'target', ''],
      ['one sweep (100 % of the work)', `${sweepMs.toFixed(1)} ms`, `< ${TARGET_SWEEP_MS} ms`, verdict(pass)],
      ['query plan', usesIndex ? 'index range seek' : 'SCAN', 'no SCAN certificates', verdict(usesIndex)],
      ['  the sweep\'s read alone', `${readMs.toFixed(1)} ms`, '', ''],
      ['  second sweep, same moment', `${rerunMs.toFixed(1)} ms`, '', `(${rerun.reminded} reminded: idempotent)`],
      ['certificates', String(seeded.certificates), '', `${z.people} people, ${z.agencies} agencies`],
      ['due', String(sweep.reminded), '', `${round(100 * sweep.reminded / seeded.certificates, 2)} % of certificates`],
      ['queued', `${sweep.emails} e-mail, ${sweep.telegrams} Telegram, ${sweep.digests} digests`, '', `${sweep.skipped} missed thresholds recorded`],
    ]));
    say(`  load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} cores`);
    for (const p of problems) say(`  WARNING: ${p}: the figures above do not measure what they claim`);
    say(`  written to ${join(ctx.resultsDir, 'reminders.json')}`);
  } finally {
    await ds.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
