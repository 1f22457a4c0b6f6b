import { describe, it, expect } from 'vitest';
import { decideRequest, type DecideCommand } from '../../domain/use-cases/decide-request.ts';
import { assertAuditSafe } from '../../domain/audit/audit-event.ts';
import { verifyChain, encodeEvidence } from '../../domain/audit/chain.ts';
import type { CheckResult } from '../../domain/requests/case-record.ts';
import { createFakeDesk, passingChecks, PEOPLE, FakeConstraintError, type FakeDesk } from '../support/fake-ports.ts';

const REQUEST = 'OP-2026-000001';
const OFFICER = '5550002';
const MANAGER = '5550003';
const AGENCY_ADMIN = '5550004';
const RETIRED_OFFICER = '5550005';
const SITI_AS_OFFICER = '5550006';

/** Andi and Rahmat decide; Budi is an agency admin; Siti applied. */
function deskWithPendingRequest(patch: { checks?: CheckResult[]; kind?: 'issuance' | 'renewal' | 'revocation' } = {}): FakeDesk {
  const desk = createFakeDesk();
  const { state } = desk;
  const andi = state.seedPerson(PEOPLE.andi);
  const rahmat = state.seedPerson(PEOPLE.rahmat);
  const budi = state.seedPerson(PEOPLE.budi);
  const siti = state.seedPerson(PEOPLE.siti);
  state.seedOfficer({ telegramId: OFFICER, person: andi });
  state.seedOfficer({ telegramId: MANAGER, person: rahmat, role: 'manager' });
  state.seedOfficer({ telegramId: AGENCY_ADMIN, person: budi, role: 'agency_admin' });
  state.seedOfficer({ telegramId: RETIRED_OFFICER, person: budi, active: false });
  state.seedCase({
    id: REQUEST, kind: patch.kind ?? 'issuance', status: 'pending_review', reviewRound: 1, checks: patch.checks ?? passingChecks(),
    applicant: { personId: siti.personId, nip: siti.nip, email: siti.email, name: siti.name },
  });
  return desk;
}

const approve = (patch: Partial<DecideCommand> = {}): DecideCommand => ({
  requestId: REQUEST, officerTelegramId: OFFICER, outcome: 'approve', reasons: [], ...patch,
});

/** Nothing of a decision was kept: status, decisions and messages as before. */
const expectNothingDecided = (desk: FakeDesk): void => {
  expect(desk.state.case(REQUEST)?.status).toBe('pending_review');
  expect(desk.state.case(REQUEST)?.version).toBe(1);
  expect(desk.state.decisions).toEqual([]);
  expect(desk.state.notifications).toEqual([]);
};

const decisionNotices = (desk: FakeDesk) => desk.state.notifications.filter((n) => n.dedupeKey.startsWith('decision:'));

describe('decideRequest (Pasal 9(2)b, 15(3)-(5), 16(3))', () => {
  it('approves a complete request: pending_review → approved with one decision, one audit row and one message', async () => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ note: '  berkas lengkap ' }));

    expect(r).toEqual({
      ok: true,
      value: {
        officerTelegramId: OFFICER, outcome: 'approve', reasons: [], note: 'berkas lengkap',
        decidedAt: '2026-03-02T02:00:00.000Z', reviewRound: 1,
      },
    });
    const c = desk.state.case(REQUEST);
    expect(c?.status).toBe('approved');
    expect(c?.version).toBe(2);
    expect(c?.decision?.outcome).toBe('approve');
    expect(desk.state.decisions).toHaveLength(1);
    expect(desk.state.decisions[0]).toMatchObject({ requestId: REQUEST, reviewRound: 1, officerTelegramId: OFFICER });

    expect(desk.state.audit).toHaveLength(1);
    expect(desk.state.audit[0]).toMatchObject({
      seq: 1, actor: `officer:${OFFICER}`, action: 'request.decide', subject: REQUEST, outcome: 'approve', evidence: [],
    });

    // The decision, then (by e-mail) the subscriber agreement to answer with SETUJU (Pasal 16(5)).
    expect(desk.state.notifications).toHaveLength(2);
    expect(desk.state.notifications[0]).toMatchObject({
      dedupeKey: `decision:${REQUEST}:1`, channel: 'email', recipient: PEOPLE.siti.email, template: 'decision-approve',
      model: { requestId: REQUEST, kind: 'issuance', outcome: 'approve', reasons: [], note: 'berkas lengkap' },
    });
    expect(desk.state.notifications[1]).toMatchObject({
      dedupeKey: `agreement:${REQUEST}:1`, channel: 'email', recipient: PEOPLE.siti.email, template: 'subscriber-agreement', model: { requestId: REQUEST },
    });
  });

  it('lets the Pengelola decide too (Pasal 10(1)c)', async () => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ officerTelegramId: MANAGER }));
    expect(r.ok).toBe(true);
    expect(desk.state.case(REQUEST)?.status).toBe('approved');
  });

  it.each(['renewal', 'revocation'] as const)('decides a %s request through its own lifecycle', async (kind) => {
    const desk = deskWithPendingRequest({ kind });
    const r = await decideRequest(desk.ports, approve());
    expect(r.ok).toBe(true);
    expect(desk.state.case(REQUEST)?.status).toBe('approved');
  });

  it.each([
    ['return', []],
    ['reject', []],
    ['return', ['   ', '']],
    ['reject', ['\n']],
  ] as const)('refuses to %s without a reason (Pasal 15(5)), decides nothing and audits the refusal', async (outcome, reasons) => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ outcome, reasons }));
    expect(r).toEqual({ ok: false, code: 'DECISION.REASON_REQUIRED', params: { requestId: REQUEST } });
    expectNothingDecided(desk);
    expect(desk.state.audit.map((a) => a.outcome)).toEqual(['refused:DECISION.REASON_REQUIRED']);
  });

  it('returns a request for correction with a reason: pending_review → incomplete', async () => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ outcome: 'return', reasons: ['  Surat rekomendasi belum ditandatangani ', ' '] }));
    expect(r.ok && r.value.reasons).toEqual(['Surat rekomendasi belum ditandatangani']);
    expect(desk.state.case(REQUEST)?.status).toBe('incomplete');
    expect(desk.state.decisions).toHaveLength(1);
    expect(desk.state.audit.map((a) => a.outcome)).toEqual(['return']);
    expect(desk.state.notifications).toHaveLength(1);
    expect(desk.state.notifications[0]).toMatchObject({
      template: 'decision-return', model: { reasons: ['Surat rekomendasi belum ditandatangani'] },
    });
  });

  it('rejects a request with a reason: pending_review → rejected', async () => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ outcome: 'reject', reasons: ['Bukan ASN Pemerintah Kota Pontianak'] }));
    expect(r.ok).toBe(true);
    expect(desk.state.case(REQUEST)?.status).toBe('rejected');
    expect(desk.state.notifications[0]?.template).toBe('decision-reject');
  });

  it('refuses to approve a request with a failing check (Pasal 16(3))', async () => {
    const checks = passingChecks().map((c): CheckResult =>
      c.rule === 'recommendation' ? { rule: c.rule, pass: false, code: 'VERIFY.RECOMMENDATION_MISSING', params: {} } : c);
    const desk = deskWithPendingRequest({ checks });
    const r = await decideRequest(desk.ports, approve());
    expect(r).toEqual({ ok: false, code: 'DECISION.FAILING_CHECKS', params: { requestId: REQUEST } });
    expectNothingDecided(desk);
    expect(desk.state.audit.map((a) => [a.subject, a.outcome])).toEqual([[REQUEST, 'refused:DECISION.FAILING_CHECKS']]);
  });

  it('still lets an officer return a request with a failing check', async () => {
    const checks = passingChecks().map((c): CheckResult =>
      c.rule === 'ktp_scan' ? { rule: c.rule, pass: false, code: 'VERIFY.KTP_SCAN_MISSING', params: {} } : c);
    const desk = deskWithPendingRequest({ checks });
    const r = await decideRequest(desk.ports, approve({ outcome: 'return', reasons: ['Pindaian e-KTP belum ada'] }));
    expect(r.ok).toBe(true);
    expect(desk.state.case(REQUEST)?.status).toBe('incomplete');
  });

  it('refuses an approval by the applicant themself (same NIP)', async () => {
    const desk = deskWithPendingRequest();
    const siti = desk.state.roster.find((p) => p.nip === PEOPLE.siti.nip);
    if (!siti) throw new Error('seed');
    desk.state.seedOfficer({ telegramId: SITI_AS_OFFICER, person: siti });
    const r = await decideRequest(desk.ports, approve({ officerTelegramId: SITI_AS_OFFICER }));
    expect(r).toEqual({ ok: false, code: 'DECISION.OWN_REQUEST', params: { requestId: REQUEST } });
    expectNothingDecided(desk);
    expect(desk.state.audit.map((a) => [a.actor, a.outcome])).toEqual([[`officer:${SITI_AS_OFFICER}`, 'refused:DECISION.OWN_REQUEST']]);
  });

  it('refuses an approval by the applicant themself (same person, request without NIP)', async () => {
    const desk = deskWithPendingRequest();
    const andi = desk.state.roster.find((p) => p.nip === PEOPLE.andi.nip);
    if (!andi) throw new Error('seed');
    desk.state.tamperCase(REQUEST, { applicant: { personId: andi.personId, nip: null, email: andi.email, name: andi.name } });
    const r = await decideRequest(desk.ports, approve({ outcome: 'reject', reasons: ['tidak lengkap'] }));
    expect(r).toEqual({ ok: false, code: 'DECISION.OWN_REQUEST', params: { requestId: REQUEST } });
    expectNothingDecided(desk);
  });

  it.each([
    ['someone who is not an officer', '7770001'],
    ['an officer who was removed', RETIRED_OFFICER],
    ['an agency admin (Pasal 10(2): needs inventory only)', AGENCY_ADMIN],
  ])('refuses a decision by %s and audits the attempt', async (_who, telegramId) => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ officerTelegramId: telegramId }));
    expect(r).toEqual({ ok: false, code: 'DECISION.NOT_AN_OFFICER', params: { requestId: REQUEST } });
    expectNothingDecided(desk);
    expect(desk.state.audit).toHaveLength(1);
    expect(desk.state.audit[0]).toMatchObject({
      actor: `officer:${telegramId}`, action: 'request.decide', subject: REQUEST, outcome: 'refused:DECISION.NOT_AN_OFFICER',
    });
  });

  it('refuses to decide the same request twice', async () => {
    const desk = deskWithPendingRequest();
    expect((await decideRequest(desk.ports, approve())).ok).toBe(true);
    const second = await decideRequest(desk.ports, approve({ officerTelegramId: MANAGER, outcome: 'reject', reasons: ['x'] }));
    expect(second).toEqual({ ok: false, code: 'DECISION.ALREADY_DECIDED', params: { requestId: REQUEST, status: 'approved' } });
    expect(desk.state.case(REQUEST)?.status).toBe('approved');
    expect(desk.state.decisions).toHaveLength(1);
    expect(decisionNotices(desk)).toHaveLength(1);
    expect(desk.state.audit.map((a) => a.outcome)).toEqual(['approve', 'refused:DECISION.ALREADY_DECIDED']);
  });

  it('refuses to decide a request that is not waiting for review', async () => {
    const desk = deskWithPendingRequest();
    desk.state.tamperCase(REQUEST, { status: 'incomplete' });
    const r = await decideRequest(desk.ports, approve());
    expect(r).toEqual({ ok: false, code: 'DECISION.ALREADY_DECIDED', params: { requestId: REQUEST, status: 'incomplete' } });
  });

  it('refuses to approve or reject a ticket', async () => {
    const desk = deskWithPendingRequest();
    desk.state.seedCase({
      id: 'TK-2026-000001', kind: 'help', status: 'open', certificateType: null, uses: [], checks: [], reviewRound: 0,
      applicant: { personId: null, nip: null, email: PEOPLE.budi.email, name: PEOPLE.budi.name },
    });
    const r = await decideRequest(desk.ports, approve({ requestId: 'TK-2026-000001' }));
    expect(r).toEqual({ ok: false, code: 'DECISION.NOT_A_REQUEST', params: { requestId: 'TK-2026-000001' } });
    expect(desk.state.case('TK-2026-000001')?.status).toBe('open');
    expect(desk.state.decisions).toEqual([]);
    expect(desk.state.audit.map((a) => [a.subject, a.outcome])).toEqual([['TK-2026-000001', 'refused:DECISION.NOT_A_REQUEST']]);
  });

  it.each([
    ['free text', 'tolong setujui permohonan saya ya pak'],
    ['a 16-digit number (a NIK)', '6171026507900002'],
    ['an 18-digit number (a NIP)', '199007252015032001'],
    ['an e-mail address', 'siti.aminah@pontianak.go.id'],
    ['an id with text around it', 'OP-2026-000001 mohon dipercepat'],
  ])('refuses %s as a request id and audits the subject as "unknown"', async (_what, requestId) => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ requestId }));
    expect(r).toEqual({ ok: false, code: 'DECISION.REQUEST_NOT_FOUND', params: { requestId: '(nomor tidak sah)' } });
    expectNothingDecided(desk);
    expect(desk.state.audit).toHaveLength(1);
    expect(desk.state.audit[0]).toMatchObject({ subject: 'unknown', outcome: 'refused:DECISION.REQUEST_NOT_FOUND' });
    expect(JSON.stringify(desk.state.audit)).not.toContain(requestId);
  });

  it('refuses a well-formed id that is not in the register, naming that id', async () => {
    const desk = deskWithPendingRequest();
    const r = await decideRequest(desk.ports, approve({ requestId: 'OP-2026-000999' }));
    expect(r).toEqual({ ok: false, code: 'DECISION.REQUEST_NOT_FOUND', params: { requestId: 'OP-2026-000999' } });
    expect(desk.state.audit.map((a) => [a.subject, a.outcome])).toEqual([['OP-2026-000999', 'refused:DECISION.REQUEST_NOT_FOUND']]);
  });

  it('gives exactly one decision when two officers decide at once', async () => {
    const desk = deskWithPendingRequest();
    const results = await Promise.all([
      decideRequest(desk.ports, approve()),
      decideRequest(desk.ports, approve({ officerTelegramId: MANAGER, outcome: 'reject', reasons: ['Data tidak sesuai'] })),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    // Both read the request before either wrote, so the version check (not the status check) stops the loser.
    expect(loser).toEqual({ ok: false, code: 'DECISION.ALREADY_DECIDED', params: { requestId: REQUEST, status: 'pending_review' } });
    expect(desk.state.decisions).toHaveLength(1);
    expect(decisionNotices(desk)).toHaveLength(1);
    expect(desk.state.case(REQUEST)?.version).toBe(2);
    expect(desk.state.audit.map((a) => a.outcome).sort()).toEqual([desk.state.decisions[0]?.outcome, 'refused:DECISION.ALREADY_DECIDED'].sort());
  });

  it('gives exactly one decision among many simultaneous clicks', async () => {
    const desk = deskWithPendingRequest();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => decideRequest(desk.ports, approve({ officerTelegramId: i % 2 ? MANAGER : OFFICER }))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(desk.state.decisions).toHaveLength(1);
    expect(decisionNotices(desk)).toHaveLength(1);
  });

  it('loses, and writes no decision, when another process changed the request after it was read', async () => {
    const desk = deskWithPendingRequest();
    const ports = {
      ...desk.ports,
      cases: {
        ...desk.ports.cases,
        get: async (id: string, tx?: Parameters<typeof desk.ports.cases.get>[1]) => {
          const read = await desk.ports.cases.get(id, tx);
          desk.state.tamperCase(id, { version: 7 }); // committed by someone else meanwhile
          return read;
        },
      },
    };
    const r = await decideRequest(ports, approve());
    expect(r).toEqual({ ok: false, code: 'DECISION.ALREADY_DECIDED', params: { requestId: REQUEST, status: 'pending_review' } });
    expect(desk.state.decisions).toEqual([]);
    expect(desk.state.notifications).toEqual([]);
    expect(desk.state.audit.map((a) => a.outcome)).toEqual(['refused:DECISION.ALREADY_DECIDED']);
  });

  it('keeps nothing of a decision the register refuses (one decision per review round)', async () => {
    const desk = deskWithPendingRequest();
    // A decision for round 1 already exists, as if another process had recorded it.
    desk.state.seedDecision({
      requestId: REQUEST, officerTelegramId: MANAGER, outcome: 'reject', reasons: ['x'], note: '', decidedAt: '2026-03-02T01:00:00.000Z', reviewRound: 1,
    });
    await expect(decideRequest(desk.ports, approve())).rejects.toBeInstanceOf(FakeConstraintError);
    expect(desk.state.case(REQUEST)?.status).toBe('pending_review');
    expect(desk.state.decisions).toHaveLength(1);
    expect(desk.state.audit).toEqual([]);
    expect(desk.state.notifications).toEqual([]);
    expect(desk.state.rollbacks).toBe(1);
  });

  it('writes audit rows that pass assertAuditSafe and form an unbroken chain', async () => {
    const desk = deskWithPendingRequest();
    await decideRequest(desk.ports, approve({ officerTelegramId: '7770001' }));
    await decideRequest(desk.ports, approve({ requestId: '6171026507900002' }));
    await decideRequest(desk.ports, approve());
    for (const row of desk.state.audit) expect(() => assertAuditSafe(row)).not.toThrow();
    const chain = verifyChain(desk.state.audit.map((a) => ({ ...a, evidence: encodeEvidence(a.evidence) })));
    expect(chain).toMatchObject({ ok: true, count: 3 });
  });

  it('sends the decision to the Telegram chat a Telegram request came from', async () => {
    const desk = deskWithPendingRequest();
    desk.state.tamperCase(REQUEST, { channel: 'telegram', details: { telegramChatId: '424242' } });
    await decideRequest(desk.ports, approve());
    expect(desk.state.notifications[0]).toMatchObject({ channel: 'telegram', recipient: '424242' });
  });
});
