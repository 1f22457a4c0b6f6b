import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplates } from '../../templates/catalog.ts';
import type { Refusal } from '../../domain/shared/result.ts';
import { ILLEGAL_TRANSITION } from '../../domain/shared/lifecycle.ts';
import { lifecycles } from '../../domain/use-cases/lifecycle-for.ts';
import { CASE_KINDS } from '../../domain/requests/case-kind.ts';
import { VERIFICATION_CODES, verifyIssuance, type IssuanceFacts } from '../../domain/issuance/verification.ts';
import { recordDelivery, recordReceipt, type MilestoneCode } from '../../domain/certificates/certificate.ts';
import { decideRequest, type DecideCode, type DecideCommand } from '../../domain/use-cases/decide-request.ts';
import { submitApplication, type ApplicationCode, type ApplicationInput } from '../../domain/use-cases/submit-application.ts';
import { addOfficer, removeOfficer, type AddOfficerCommand, type OfficerCode } from '../../domain/use-cases/manage-officers.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';
import type { CheckResult } from '../../domain/requests/case-record.ts';
import { createFakeDesk, fakeNikLookup, passingChecks, PEOPLE, type FakeDesk } from '../support/fake-ports.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';

/**
 * Every refusal the domain's use cases, lifecycles and verification can give has an Indonesian message
 * (STYLE.md §10), and renders with the params the domain really gives (catalog templates are strict:
 * a missing param throws). Each refusal below is produced by the domain itself, not typed by hand.
 */
const t = createTemplates();

const refusal = (r: { ok: boolean }): Refusal => {
  if (r.ok) throw new Error('expected a refusal');
  return r as Refusal;
};

const expectReadable = (code: string, params: Refusal['params']): string => {
  expect(t.has(code), `no message for ${code}`).toBe(true);
  const text = t.message(code, params);
  expect(text.trim().length).toBeGreaterThan(10);
  expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}/);
  return text;
};

// ------------------------------------------------------------------------------------ verification

const andi = PEOPLE.andi;
const facts = (patch: Partial<IssuanceFacts>): IssuanceFacts => ({
  email: andi.email, nik: andi.nik, nip: andi.nip,
  documents: [{ kind: 'cover_letter', mediaType: 'application/pdf' }, { kind: 'recommendation', mediaType: 'application/pdf' }, { kind: 'ktp_scan', mediaType: 'image/jpeg' }],
  rosterEntry: {
    personId: '3f0c6f1e-8a47-4b1e-9d52-1c2b3a4d5e6f', nip: andi.nip, name: andi.name, email: andi.email, agency: 'Diskominfo',
    position: 'Pranata Komputer', superiorNip: null, category: 'asn', active: true, nikLookup: fakeNikLookup(andi.nik),
  },
  nikLookup: fakeNikLookup(andi.nik), outsiderPermitted: false, officialDomains: ['pontianak.go.id'], ...patch,
});

const VERIFY_FACTS: Record<(typeof VERIFICATION_CODES)[number], IssuanceFacts> = {
  'VERIFY.OK': facts({}),
  'VERIFY.COVER_LETTER_MISSING': facts({ documents: [] }),
  'VERIFY.RECOMMENDATION_MISSING': facts({ documents: [] }),
  'VERIFY.EMAIL_NOT_OFFICIAL': facts({ email: 'andi@gmail.com' }),
  'VERIFY.KTP_SCAN_MISSING': facts({ documents: [] }),
  'VERIFY.NIK_MISSING': facts({ nik: null }),
  'VERIFY.NIP_MISSING': facts({ nip: null }),
  'VERIFY.NOT_ON_ROSTER': facts({ rosterEntry: null }),
  'VERIFY.ROSTER_INACTIVE': facts({ rosterEntry: { ...facts({}).rosterEntry!, active: false } }),
  'VERIFY.ROSTER_NIK_MISMATCH': facts({ nikLookup: fakeNikLookup('6171011203850004') }),
  'VERIFY.ROSTER_EMAIL_MISMATCH': facts({ email: 'budi.santoso@pontianak.go.id' }),
};

const checkWith = (code: string, input: IssuanceFacts): CheckResult => {
  const check = verifyIssuance(input).find((c) => c.code === code);
  if (!check) throw new Error(`verification did not produce ${code}`);
  return check;
};

// -------------------------------------------------------------------------------------- decisions

const REQUEST = 'OP-2026-000001';

function decisionDesk(patch: { checks?: CheckResult[] } = {}): FakeDesk {
  const desk = createFakeDesk();
  const officer = desk.state.seedPerson(PEOPLE.andi);
  const applicant = desk.state.seedPerson(PEOPLE.siti);
  desk.state.seedOfficer({ telegramId: '5550002', person: officer });
  desk.state.seedOfficer({ telegramId: '5550006', person: applicant });
  desk.state.seedCase({
    id: REQUEST, checks: patch.checks ?? passingChecks(),
    applicant: { personId: applicant.personId, nip: applicant.nip, email: applicant.email, name: applicant.name },
  });
  desk.state.seedCase({
    id: 'TK-2026-000001', kind: 'help', status: 'open', checks: [], reviewRound: 0,
    applicant: { personId: null, nip: null, email: PEOPLE.budi.email, name: PEOPLE.budi.name },
  });
  return desk;
}

const decide = async (patch: Partial<DecideCommand>, desk = decisionDesk()): Promise<Refusal> =>
  refusal(await decideRequest(desk.ports, { requestId: REQUEST, officerTelegramId: '5550002', outcome: 'approve', reasons: [], ...patch }));

const DECISION_REFUSALS: Record<DecideCode, () => Promise<Refusal>> = {
  'DECISION.NOT_AN_OFFICER': () => decide({ officerTelegramId: '7770001' }),
  'DECISION.REQUEST_NOT_FOUND': () => decide({ requestId: 'OP-2026-000999' }),
  'DECISION.NOT_A_REQUEST': () => decide({ requestId: 'TK-2026-000001' }),
  'DECISION.OWN_REQUEST': () => decide({ officerTelegramId: '5550006' }),
  'DECISION.ALREADY_DECIDED': async () => {
    const desk = decisionDesk();
    await decideRequest(desk.ports, { requestId: REQUEST, officerTelegramId: '5550002', outcome: 'approve', reasons: [] });
    return decide({}, desk);
  },
  'DECISION.FAILING_CHECKS': () => decide({}, decisionDesk({
    checks: passingChecks().map((c): CheckResult => (c.rule === 'roster' ? { ...c, pass: false, code: 'VERIFY.NOT_ON_ROSTER' } : c)),
  })),
  'DECISION.REASON_REQUIRED': () => decide({ outcome: 'reject' }),
};

// ------------------------------------------------------------------------------------ application

const application = (patch: Partial<ApplicationInput>): ApplicationInput => ({
  channel: 'email', email: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name,
  certificateType: 'individual', uses: [],
  documents: [
    { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
    { kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() },
    { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
  ],
  ...patch,
});

const apply = async (patch: Partial<ApplicationInput>): Promise<Refusal> =>
  refusal(await submitApplication(createFakeDesk().ports, application(patch)));

const APPLY_REFUSALS: Record<ApplicationCode, () => Promise<Refusal>> = {
  'APPLY.BAD_CERTIFICATE_TYPE': () => apply({ certificateType: 'wildcard' }),
  'APPLY.BAD_USE': () => apply({ uses: ['code_signing'] }),
  'APPLY.USE_NOT_FOR_TYPE': () => apply({ certificateType: 'individual', uses: ['signature', 'ssl_server'] }),
  'APPLY.EMAIL_MISSING': () => apply({ email: '' }),
  'APPLY.RESTRICTED': async () => {
    const desk = createFakeDesk();
    const siti = desk.state.seedPerson(PEOPLE.siti);
    await desk.ports.restrictions.restrict({ personId: siti.personId, restrictedAt: '2026-01-01T00:00:00.000Z', restrictedBy: 'system' }, {} as never);
    return refusal(await submitApplication(desk.ports, application({})));
  },
};

// --------------------------------------------------------------------------------------- officers

async function officerDesk(): Promise<FakeDesk> {
  const desk = createFakeDesk();
  const rahmat = desk.state.seedPerson(PEOPLE.rahmat);
  desk.state.seedPerson({ ...PEOPLE.budi, active: false });
  desk.state.seedOfficer({ telegramId: '5550001', person: rahmat });
  return desk;
}

const appoint = async (patch: Partial<AddOfficerCommand>): Promise<Refusal> =>
  refusal(await addOfficer((await officerDesk()).ports, {
    telegramId: '5550009', nip: PEOPLE.andi.nip, role: 'officer', appointmentRef: '800/12/DISKOMINFO/2026', ...patch,
  }));

const OFFICER_REFUSALS: Record<OfficerCode, () => Promise<Refusal>> = {
  'OFFICER.BAD_TELEGRAM_ID': () => appoint({ telegramId: '@andi' }),
  'OFFICER.BAD_ROLE': () => appoint({ role: 'admin' }),
  'OFFICER.APPOINTMENT_MISSING': () => appoint({ appointmentRef: '  ' }),
  'OFFICER.NOT_ON_ROSTER': () => appoint({ nip: PEOPLE.siti.nip }),
  'OFFICER.ROSTER_INACTIVE': () => appoint({ nip: PEOPLE.budi.nip }),
  'OFFICER.NOT_FOUND': async () => refusal(await removeOfficer((await officerDesk()).ports, '5550404')),
  'OFFICER.LAST_MANAGER': async () => {
    const desk = createFakeDesk();
    desk.state.seedOfficer({ telegramId: '5550007', person: desk.state.seedPerson(PEOPLE.rahmat), role: 'manager' });
    return refusal(await removeOfficer(desk.ports, '5550007'));
  },
  'OFFICER.TELEGRAM_ID_TAKEN': async () => {
    const desk = await officerDesk();
    desk.state.seedPerson(PEOPLE.andi);
    return refusal(await addOfficer(desk.ports, { telegramId: '5550001', nip: PEOPLE.andi.nip, role: 'officer', appointmentRef: '800/13/2026' }));
  },
};

// ----------------------------------------------------------------------------------------- roster

const rosterRow = (p: (typeof PEOPLE)[keyof typeof PEOPLE], patch: Partial<RawRosterRow> = {}): RawRosterRow => ({
  nip: p.nip, nik: p.nik, name: p.name, email: p.email, agency: 'Diskominfo', position: 'Pranata Komputer', superior_nip: '', ...patch,
});

const importError = async (rows: RawRosterRow[], code: string): Promise<Refusal> => {
  const report = await importRoster(createFakeDesk().ports, rows.map((row, i) => ({ line: i + 2, row })));
  const error = report.errors.find((e) => e.code === code);
  if (!error) throw new Error(`import did not report ${code}`);
  return { ok: false, code: error.code, params: error.params };
};

const ROSTER_IMPORT_REFUSALS: Record<'ROSTER.DUPLICATE_IN_FILE' | 'ROSTER.NIK_TAKEN' | 'ROSTER.EMAIL_TAKEN', () => Promise<Refusal>> = {
  'ROSTER.DUPLICATE_IN_FILE': () => importError([rosterRow(PEOPLE.andi), rosterRow(PEOPLE.andi)], 'ROSTER.DUPLICATE_IN_FILE'),
  'ROSTER.NIK_TAKEN': () => importError([rosterRow(PEOPLE.andi), rosterRow(PEOPLE.budi, { nik: PEOPLE.andi.nik, nip: '198503122010011003' })], 'ROSTER.NIK_TAKEN'),
  // Within one file a repeated address is a duplicate; across two imports it is taken.
  'ROSTER.EMAIL_TAKEN': () => importAcrossFiles(),
};

async function importAcrossFiles(): Promise<Refusal> {
  // Hoisted: used by ROSTER_IMPORT_REFUSALS above.
  const { ports } = createFakeDesk();
  await importRoster(ports, [{ line: 2, row: rosterRow(PEOPLE.andi) }]);
  const report = await importRoster(ports, [{ line: 2, row: rosterRow(PEOPLE.siti, { email: PEOPLE.andi.email }) }]);
  const error = report.errors[0];
  if (!error) throw new Error('import did not report ROSTER.EMAIL_TAKEN');
  return { ok: false, code: error.code, params: error.params };
}

// -------------------------------------------------------------------------------- certificates

const MILESTONE_REFUSALS: Record<MilestoneCode, () => Refusal> = {
  'CERTIFICATE.AGREEMENT_REQUIRED': () =>
    refusal(recordDelivery({ agreementAcceptedAt: null, deliveredAt: null, receiptConfirmedAt: null }, '2026-03-03T00:00:00.000Z')),
  'CERTIFICATE.NOT_DELIVERED': () =>
    refusal(recordReceipt({ agreementAcceptedAt: '2026-03-02T00:00:00.000Z', deliveredAt: null, receiptConfirmedAt: null }, '2026-03-03T00:00:00.000Z')),
  'CERTIFICATE.ALREADY_RECORDED': () =>
    refusal(recordDelivery({ agreementAcceptedAt: '2026-03-02T00:00:00.000Z', deliveredAt: '2026-03-03T00:00:00.000Z', receiptConfirmedAt: null }, '2026-03-04T00:00:00.000Z')),
};

// ----------------------------------------------------------------------------------------- tests

describe('domain messages (templates/id/messages)', () => {
  it.each(VERIFICATION_CODES)('renders the verification item %s with the params verification gives', (code) => {
    const check = checkWith(code, VERIFY_FACTS[code]);
    expectReadable(code, check.params);
  });

  it('names the accepted domains in the e-mail refusal', () => {
    const check = checkWith('VERIFY.EMAIL_NOT_OFFICIAL', VERIFY_FACTS['VERIFY.EMAIL_NOT_OFFICIAL']);
    expect(t.message(check.code, check.params)).toContain('pontianak.go.id');
  });

  it.each(Object.keys(DECISION_REFUSALS) as DecideCode[])('renders the decision refusal %s', async (code) => {
    const r = await DECISION_REFUSALS[code]();
    expect(r.code).toBe(code);
    expectReadable(code, r.params);
  });

  it.each(Object.keys(APPLY_REFUSALS) as ApplicationCode[])('renders the application refusal %s', async (code) => {
    const r = await APPLY_REFUSALS[code]();
    expect(r.code).toBe(code);
    expectReadable(code, r.params);
  });

  it.each(Object.keys(OFFICER_REFUSALS) as OfficerCode[])('renders the officer refusal %s', async (code) => {
    const r = await OFFICER_REFUSALS[code]();
    expect(r.code).toBe(code);
    expectReadable(code, r.params);
  });

  it.each(Object.keys(ROSTER_IMPORT_REFUSALS) as (keyof typeof ROSTER_IMPORT_REFUSALS)[])('renders the roster import refusal %s', async (code) => {
    const r = await ROSTER_IMPORT_REFUSALS[code]();
    expect(r.code).toBe(code);
    expectReadable(code, r.params);
  });

  it.each(Object.keys(MILESTONE_REFUSALS) as MilestoneCode[])('renders the delivery refusal %s', (code) => {
    const r = MILESTONE_REFUSALS[code]();
    expect(r.code).toBe(code);
    expectReadable(code, r.params);
  });

  it.each([...CASE_KINDS])('renders an illegal transition of a %s with its kind, status and event', (kind) => {
    const lifecycle = lifecycles[kind];
    const from = lifecycle.terminal[0] ?? lifecycle.statuses.at(-1);
    if (!from) throw new Error(`no statuses for ${kind}`);
    const event = lifecycle.events.find((e) => !lifecycle.next(from, e).ok);
    if (!event) throw new Error(`no illegal transition found for ${kind}`);
    const r = refusal(lifecycle.next(from, event));
    expect(r.code).toBe(ILLEGAL_TRANSITION);
    const text = expectReadable(ILLEGAL_TRANSITION, r.params);
    for (const part of [kind, from, event]) expect(text).toContain(part);
  });

  it('has no stale message for a verification, decision, application, delivery or lifecycle code', () => {
    const read = (file: string): string[] =>
      Object.keys(JSON.parse(readFileSync(fileURLToPath(new URL(`../../templates/id/messages/${file}`, import.meta.url)), 'utf8')) as Record<string, string>);
    expect(read('verification.json').sort()).toEqual([...VERIFICATION_CODES].sort());
    const produced = [
      ...Object.keys(DECISION_REFUSALS), ...Object.keys(APPLY_REFUSALS), ...Object.keys(MILESTONE_REFUSALS), ILLEGAL_TRANSITION,
    ];
    const ours = /^(DECISION|APPLY|CERTIFICATE|LIFECYCLE)\./;
    expect(read('decision.json').filter((k) => ours.test(k)).sort()).toEqual(produced.sort());
  });
});
