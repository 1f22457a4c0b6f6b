import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { submitApplication, type ApplicationInput } from '../../domain/use-cases/submit-application.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { RULE_CODES } from '../../domain/issuance/verification-rules.ts';
import { CASE_KINDS } from '../../domain/requests/case-kind.ts';
import { CASE_STATUSES } from '../../domain/requests/request-status.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { DATABASES, openTestDatabase, type DatabaseKind, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';

const t = createTemplates();
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;
const SITI = { nik: '6171026507900002', nip: '199007252015032001', email: 'siti.aminah@pontianak.go.id', name: 'Siti Aminah' };
const BUDI = { nik: '6171020311920004', nip: '199211032019031004', email: 'budi.santoso@pontianak.go.id', name: 'Budi Santoso' };
const ANDI = { nik: '6171011203850003', nip: '198503122010011002', email: 'andi.pratama@pontianak.go.id', name: 'Andi Pratama' };
const NIKS = [SITI.nik, BUDI.nik, ANDI.nik];

/** A clock in 2026 that moves one second per reading, so ids and createdAt are predictable. */
const ticking = () => {
  let at = Date.UTC(2026, 2, 2, 1, 0, 0);
  return { now: () => new Date((at += 1_000)) };
};

const application = (who: typeof SITI, extra: Partial<ApplicationInput> = {}): ApplicationInput => ({
  channel: 'email', email: who.email, nik: who.nik, nip: who.nip, name: who.name, certificateType: 'individual', uses: [],
  documents: [
    { kind: 'cover_letter', filename: 'surat-pengantar.pdf', bytes: tinyPdf({ text: `Surat Pengantar ${who.name}` }) },
    { kind: 'recommendation', filename: 'surat-rekomendasi.pdf', bytes: tinyPdf({ text: `Surat Rekomendasi ${who.name}` }) },
    { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg({ comment: Buffer.from(who.name) }) },
  ],
  ...extra,
});

interface CaseJson {
  id: string; kind: string; status: string; channel: string;
  applicant: { nip: string | null; email: string; name: string };
  certificateType: string | null; uses: string[]; createdAt: string; updatedAt: string;
  checks: Record<string, 'pass' | 'fail'>; missing: string[];
  decision: { officer: string; outcome: string; reasons: string[]; note: string; at: string } | null;
}

/**
 * Three issuance requests: OP-2026-000001 (Siti, complete, pending_review), OP-2026-000002 (Budi, by
 * Telegram, no recommendation, incomplete) and OP-2026-000003 (Andi, approved by officer 5550001).
 */
async function seed(kind: DatabaseKind): Promise<{ db: TestDatabase; env: Record<string, string> }> {
  const db = await openTestDatabase(kind);
  const env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), ...(db.databaseUrl ? { RA_DATABASE_URL: db.databaseUrl } : {}) };
  const imported = await runCli(['roster', 'import', DEMO_ROSTER], env);
  expect(imported.code, imported.stderr).toBe(0);
  const app = await openApp(createConfig(env), { clock: ticking() });
  try {
    const officer = await addOfficer(app.ports, { telegramId: '5550001', nip: '198001012005011003', role: 'officer', appointmentRef: '800/12/DISKOMINFO/2026' });
    expect(officer.ok).toBe(true);
    const siti = await submitApplication(app.ports, application(SITI));
    const budi = await submitApplication(app.ports, application(BUDI, {
      channel: 'telegram', telegramChatId: '4242', uses: ['signature'],
      documents: application(BUDI).documents.filter((d) => d.kind !== 'recommendation'),
    }));
    const andi = await submitApplication(app.ports, application(ANDI));
    expect([siti, budi, andi].map((r) => (r.ok ? [r.value.requestId, r.value.status] : r.code))).toEqual([
      ['OP-2026-000001', 'pending_review'], ['OP-2026-000002', 'incomplete'], ['OP-2026-000003', 'pending_review'],
    ]);
    const decided = await decideRequest(app.ports, { requestId: 'OP-2026-000003', officerTelegramId: '5550001', outcome: 'approve', reasons: [] });
    expect(decided.ok).toBe(true);
  } finally {
    await app.close();
  }
  return { db, env };
}

const json = (r: { code: number | null; stdout: string; stderr: string }): CaseJson[] => {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as CaseJson[];
};

describe.each(DATABASES)('requests list on %s', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => ({ db, env } = await seed(kind)));
  afterAll(() => db?.close());

  it('lists every request as JSON with its checks, what is missing and the decision, and no NIK', async () => {
    const r = await runCli(['requests', 'list', '--json'], env);
    const list = json(r);
    expect(list.map((c) => [c.id, c.status, c.channel])).toEqual([
      ['OP-2026-000001', 'pending_review', 'email'], ['OP-2026-000002', 'incomplete', 'telegram'], ['OP-2026-000003', 'approved', 'email'],
    ]);
    const allPass = Object.fromEntries(RULE_CODES.map((rule) => [rule, 'pass']));
    expect(list[0]).toEqual({
      id: 'OP-2026-000001', kind: 'issuance', status: 'pending_review', channel: 'email',
      applicant: { nip: SITI.nip, email: SITI.email, name: SITI.name },
      certificateType: 'individual', uses: ['signature', 'email', 'document'],
      createdAt: expect.stringMatching(/^2026-03-02T01:00:\d\d\.000Z$/), updatedAt: expect.any(String),
      checks: allPass, missing: [], decision: null,
    });
    expect(list[1]).toMatchObject({
      applicant: { nip: BUDI.nip, email: BUDI.email, name: BUDI.name }, uses: ['signature'],
      checks: { ...allPass, recommendation: 'fail' }, missing: ['recommendation'], decision: null,
    });
    expect(list[2]?.decision).toEqual({ officer: '5550001', outcome: 'approve', reasons: [], note: '', at: expect.stringMatching(/^2026-03-02T/) });
    for (const c of list) expect(Object.keys(c.checks)).toEqual([...RULE_CODES]);
    expect(NIKS.filter((nik) => r.stdout.includes(nik))).toEqual([]);
    expect(r.stdout).not.toMatch(/nik/i);
  });

  it('filters by status and by kind', async () => {
    const [pending, approved, issuance, incidents, both] = await Promise.all([
      runCli(['requests', 'list', '--status', 'pending_review', '--json'], env),
      runCli(['requests', 'list', '--status', 'approved', '--json'], env),
      runCli(['requests', 'list', '--kind', 'issuance', '--json'], env),
      runCli(['requests', 'list', '--kind', 'incident', '--json'], env),
      runCli(['requests', 'list', '--kind', 'issuance', '--status', 'incomplete', '--json'], env),
    ]);
    expect(json(pending).map((c) => c.id)).toEqual(['OP-2026-000001']);
    expect(json(approved).map((c) => c.id)).toEqual(['OP-2026-000003']);
    expect(json(issuance).map((c) => c.id)).toEqual(['OP-2026-000001', 'OP-2026-000002', 'OP-2026-000003']);
    expect(json(incidents)).toEqual([]);
    expect(json(both).map((c) => c.id)).toEqual(['OP-2026-000002']);
  });
});

describe('requests show and bad arguments', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => ({ db, env } = await seed('sqlite')));
  afterAll(() => db?.close());

  it('refuses an unknown --status or --kind, naming the allowed values', async () => {
    const [status, kind, extra] = await Promise.all([
      runCli(['requests', 'list', '--status', 'bogus'], env),
      runCli(['requests', 'list', '--kind', 'bogus'], env),
      runCli(['requests', 'list', 'OP-2026-000001'], env),
    ]);
    for (const [r, code, values] of [[status, 'REQUESTS.BAD_STATUS', CASE_STATUSES], [kind, 'REQUESTS.BAD_KIND', CASE_KINDS]] as const) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message(code, { given: 'bogus', expected: values.join(', ') })}`]);
      for (const v of values) expect(r.stderr).toContain(v);
    }
    expect(extra.code).toBe(2);
    expect(linesOf(extra.stderr)).toEqual([`ra-desk: ${t.message('REQUESTS.USAGE')}`]);
  });

  it('shows one request as JSON or text, accepts a lower-case id, and tells a bad id (2) from an unknown one (1)', async () => {
    const [shown, lower, text, list, nope, unknown, none] = await Promise.all([
      runCli(['requests', 'show', 'OP-2026-000002', '--json'], env),
      runCli(['requests', 'show', 'op-2026-000002', '--json'], env),
      runCli(['requests', 'show', 'OP-2026-000002'], env),
      runCli(['requests', 'list', '--json'], env),
      runCli(['requests', 'show', 'NOPE'], env),
      runCli(['requests', 'show', 'OP-2026-999999'], env),
      runCli(['requests', 'show'], env),
    ]);
    const one = JSON.parse(shown.stdout) as CaseJson;
    expect(shown.code, shown.stderr).toBe(0);
    expect(one).toEqual(json(list)[1]);
    expect(JSON.parse(lower.stdout)).toEqual(one);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('OP-2026-000002 — issuance — status: incomplete');
    expect(text.stdout).toContain(`Pemohon: ${BUDI.name} (NIP ${BUDI.nip}) <${BUDI.email}>`);
    expect(text.stdout).toContain(`[✗] recommendation — ${t.message('VERIFY.RECOMMENDATION_MISSING')}`);
    expect(text.stdout).toContain('[✓] identity');

    expect(nope.code).toBe(2);
    expect(linesOf(nope.stderr)).toEqual([`ra-desk: ${t.message('REQUESTS.BAD_ID', { given: 'NOPE' })}`]);
    expect(none.code).toBe(2);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(linesOf(unknown.stderr)).toEqual([`ra-desk: ${t.message('REQUESTS.NOT_FOUND', { id: 'OP-2026-999999' })}`]);

    for (const r of [shown, text, list]) expect(NIKS.filter((nik) => r.stdout.includes(nik))).toEqual([]);
  });

  it('lists as text, one line per request', async () => {
    const r = await runCli(['requests', 'list'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = linesOf(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^OP-2026-000002 {2}issuance {2}incomplete {2}telegram {2}2026-03-02 01:00 {2}kurang: 1$/);
  });
});
