import { describe, it, expect } from 'vitest';
import { ILLEGAL_TRANSITION, type Lifecycle } from '../../domain/shared/lifecycle.ts';
import { issuanceLifecycle } from '../../domain/issuance/lifecycle.ts';
import { renewalLifecycle } from '../../domain/renewal/lifecycle.ts';
import { revocationLifecycle } from '../../domain/revocation/lifecycle.ts';
import { incidentLifecycle } from '../../domain/incident/lifecycle.ts';
import { helpLifecycle } from '../../domain/help/lifecycle.ts';
import { complaintLifecycle } from '../../domain/complaint/lifecycle.ts';
import {
  certificateLifecycle, recordDelivery, recordReceipt, type DeliveryMilestones,
} from '../../domain/certificates/certificate.ts';

/**
 * The expected tables are written out by hand from the regulation and the lifecycle modules' doc
 * comments, never computed from the implementation: a change to a table must change this file too.
 * Each row reads `event: { from: to }`; every (status, event) pair not listed must be refused.
 */
type Table = Readonly<Record<string, Readonly<Record<string, string>>>>;

const REQUEST_STATUSES = ['incomplete', 'pending_review', 'approved', 'rejected', 'submitted_to_ca', 'completed', 'cancelled'];
const TICKET_STATUSES = ['open', 'answered', 'escalated', 'resolved'];

/**
 * Issuance, Pasal 15-16: the applicant completes what was missing (15(2)); the officer approves,
 * returns or rejects a request under review (15(3)-(5)); only an approved request goes to BSrE (16(2)-(3));
 * the CA issues or refuses; the applicant may withdraw until the CA has it.
 */
const ISSUANCE: Table = {
  complete: { incomplete: 'pending_review' },
  approve: { pending_review: 'approved' },
  return: { pending_review: 'incomplete' },
  reject: { pending_review: 'rejected' },
  submit_to_ca: { approved: 'submitted_to_ca' },
  issue: { submitted_to_ca: 'completed' },
  ca_reject: { submitted_to_ca: 'rejected' },
  cancel: { incomplete: 'cancelled', pending_review: 'cancelled', approved: 'cancelled' },
};

/** Renewal, Pasal 17: the same steps as issuance, forwarded to BSrE (17(3)). */
const RENEWAL: Table = { ...ISSUANCE };

/**
 * Revocation, Pasal 18: reviewed like a request, then forwarded; the CA confirms the revocation.
 * No `cancel` once the CA has it, and none after approval either (the module's table: a revocation the
 * RA approved is on its way to the CA).
 */
const REVOCATION: Table = {
  complete: { incomplete: 'pending_review' },
  approve: { pending_review: 'approved' },
  return: { pending_review: 'incomplete' },
  reject: { pending_review: 'rejected' },
  submit_to_ca: { approved: 'submitted_to_ca' },
  confirm_revoked: { submitted_to_ca: 'completed' },
  cancel: { incomplete: 'cancelled', pending_review: 'cancelled' },
};

/** Security incident, Pasal 24: the report to Walikota, Gubernur, BSSN and BSrE (24(1)) cannot be skipped. */
const INCIDENT: Table = {
  answer: { open: 'answered', escalated: 'answered' },
  escalate: { open: 'escalated', answered: 'escalated' },
  resolve: { escalated: 'resolved' },
  reopen: { resolved: 'open' },
};

/** Technical help, Pasal 22: the Pengelola may ask BSrE (22(2)); the user may write again. */
const HELP: Table = {
  answer: { open: 'answered', escalated: 'answered' },
  follow_up: { answered: 'open' },
  escalate: { open: 'escalated', answered: 'escalated' },
  resolve: { open: 'resolved', answered: 'resolved', escalated: 'resolved' },
  reopen: { resolved: 'open' },
};

/** Complaint, Pasal 9(7), 10(1)j: escalated to BSSN and the Walikota; a resolved complaint stays resolved. */
const COMPLAINT: Table = {
  answer: { open: 'answered', escalated: 'answered' },
  follow_up: { answered: 'open' },
  escalate: { open: 'escalated', answered: 'escalated' },
  resolve: { open: 'resolved', answered: 'resolved', escalated: 'resolved' },
};

/** A certificate is revoked (Pasal 18) or expires; either is final. */
const CERTIFICATE: Table = {
  revoke: { active: 'revoked' },
  expire: { active: 'expired' },
};

interface Case {
  readonly lifecycle: Lifecycle<string, string>;
  readonly kind: string;
  readonly statuses: readonly string[];
  readonly table: Table;
  readonly terminal: readonly string[];
}

const CASES: readonly Case[] = [
  { lifecycle: issuanceLifecycle, kind: 'issuance', statuses: REQUEST_STATUSES, table: ISSUANCE, terminal: ['rejected', 'completed', 'cancelled'] },
  { lifecycle: renewalLifecycle, kind: 'renewal', statuses: REQUEST_STATUSES, table: RENEWAL, terminal: ['rejected', 'completed', 'cancelled'] },
  { lifecycle: revocationLifecycle, kind: 'revocation', statuses: REQUEST_STATUSES, table: REVOCATION, terminal: ['rejected', 'completed', 'cancelled'] },
  { lifecycle: incidentLifecycle, kind: 'incident', statuses: TICKET_STATUSES, table: INCIDENT, terminal: [] },
  { lifecycle: helpLifecycle, kind: 'help', statuses: TICKET_STATUSES, table: HELP, terminal: [] },
  { lifecycle: complaintLifecycle, kind: 'complaint', statuses: TICKET_STATUSES, table: COMPLAINT, terminal: ['resolved'] },
  { lifecycle: certificateLifecycle as Lifecycle<string, string>, kind: 'certificate', statuses: ['active', 'revoked', 'expired'], table: CERTIFICATE, terminal: ['revoked', 'expired'] },
];

const pairs = (c: Case): [string, string, string | undefined][] =>
  c.statuses.flatMap((from) => Object.keys(c.table).map((event): [string, string, string | undefined] => [from, event, c.table[event]?.[from]]));

describe.each(CASES)('the $kind lifecycle', (c) => {
  it('knows exactly the statuses and events of the regulation', () => {
    expect(c.lifecycle.kind).toBe(c.kind);
    expect([...c.lifecycle.statuses]).toEqual(c.statuses);
    expect([...c.lifecycle.events].sort()).toEqual(Object.keys(c.table).sort());
  });

  const allowed = pairs(c).filter(([, , to]) => to !== undefined);
  const refused = pairs(c).filter(([, , to]) => to === undefined);

  it.each(allowed)('moves %s on %s to %s', (from, event, to) => {
    expect(c.lifecycle.next(from, event)).toEqual({ ok: true, value: to });
  });

  it.each(refused)('refuses %s on %s as an illegal transition', (from, event) => {
    expect(c.lifecycle.next(from, event)).toEqual({
      ok: false, code: ILLEGAL_TRANSITION, params: { kind: c.kind, from, event },
    });
  });

  it('declares as terminal exactly the statuses no event leaves', () => {
    expect([...c.lifecycle.terminal].sort()).toEqual([...c.terminal].sort());
  });

  it('accepts no event from a terminal status, and at least one from every other', () => {
    for (const status of c.statuses) {
      const accepted = c.lifecycle.events.filter((event) => c.lifecycle.next(status, event).ok);
      expect({ status, accepted: accepted.length > 0 }).toEqual({ status, accepted: !c.terminal.includes(status) });
    }
  });
});

describe('lifecycle rules named by the regulation', () => {
  it('uses the stable code LIFECYCLE.ILLEGAL_TRANSITION', () => {
    expect(ILLEGAL_TRANSITION).toBe('LIFECYCLE.ILLEGAL_TRANSITION');
  });

  it('refuses to approve an issuance that is still incomplete (Pasal 15(3), 16(3))', () => {
    expect(issuanceLifecycle.next('incomplete', 'approve').ok).toBe(false);
  });

  it('refuses to forward an issuance to BSrE before an officer approved it (Pasal 16(2)-(3))', () => {
    expect(issuanceLifecycle.next('pending_review', 'submit_to_ca').ok).toBe(false);
    expect(issuanceLifecycle.next('incomplete', 'submit_to_ca').ok).toBe(false);
  });

  it('lets the applicant withdraw an issuance only before the CA has it', () => {
    expect(issuanceLifecycle.next('approved', 'cancel')).toEqual({ ok: true, value: 'cancelled' });
    expect(issuanceLifecycle.next('submitted_to_ca', 'cancel').ok).toBe(false);
  });

  it('never cancels a revocation once the CA has it (Pasal 18: a revocation cannot be undone)', () => {
    expect(revocationLifecycle.next('submitted_to_ca', 'cancel').ok).toBe(false);
    expect(revocationLifecycle.next('completed', 'cancel').ok).toBe(false);
  });

  it('does not let an incident be resolved without the report of Pasal 24(1)', () => {
    expect(incidentLifecycle.next('open', 'resolve').ok).toBe(false);
    expect(incidentLifecycle.next('answered', 'resolve').ok).toBe(false);
    expect(incidentLifecycle.next('escalated', 'resolve')).toEqual({ ok: true, value: 'resolved' });
  });

  it('walks an issuance from a returned application to a completed one', () => {
    const steps = ['complete', 'return', 'complete', 'approve', 'submit_to_ca', 'issue'] as const;
    let status: string = 'incomplete';
    for (const event of steps) {
      const r = issuanceLifecycle.next(status as 'incomplete', event);
      if (!r.ok) throw new Error(`refused ${event} from ${status}`);
      status = r.value;
    }
    expect(status).toBe('completed');
  });

  it('names the kind, the status and the event in the refusal, and nothing personal', () => {
    const r = revocationLifecycle.next('completed', 'approve');
    expect(r).toEqual({ ok: false, code: 'LIFECYCLE.ILLEGAL_TRANSITION', params: { kind: 'revocation', from: 'completed', event: 'approve' } });
  });
});

describe('certificate delivery milestones (Pasal 16(5)-(6), 19(1))', () => {
  const none: DeliveryMilestones = { agreementAcceptedAt: null, deliveredAt: null, receiptConfirmedAt: null };
  const agreed: DeliveryMilestones = { ...none, agreementAcceptedAt: '2026-03-02T02:00:00.000Z' };
  const delivered: DeliveryMilestones = { ...agreed, deliveredAt: '2026-03-03T02:00:00.000Z' };
  const received: DeliveryMilestones = { ...delivered, receiptConfirmedAt: '2026-03-03T03:00:00.000Z' };

  it('refuses to record a delivery before the subscriber agreement is accepted', () => {
    expect(recordDelivery(none, '2026-03-03T02:00:00.000Z')).toEqual({ ok: false, code: 'CERTIFICATE.AGREEMENT_REQUIRED', params: {} });
  });

  it('records a delivery after the agreement', () => {
    expect(recordDelivery(agreed, '2026-03-03T02:00:00.000Z')).toEqual({ ok: true, value: delivered });
  });

  it('refuses to record a delivery twice', () => {
    expect(recordDelivery(delivered, '2026-03-04T02:00:00.000Z')).toEqual({
      ok: false, code: 'CERTIFICATE.ALREADY_RECORDED', params: { milestone: 'delivered' },
    });
  });

  it('refuses to record a receipt before the certificate is delivered', () => {
    expect(recordReceipt(none, '2026-03-03T03:00:00.000Z')).toEqual({ ok: false, code: 'CERTIFICATE.NOT_DELIVERED', params: {} });
    expect(recordReceipt(agreed, '2026-03-03T03:00:00.000Z')).toEqual({ ok: false, code: 'CERTIFICATE.NOT_DELIVERED', params: {} });
  });

  it('records the receipt after delivery', () => {
    expect(recordReceipt(delivered, '2026-03-03T03:00:00.000Z')).toEqual({ ok: true, value: received });
  });

  it('refuses to record a receipt twice', () => {
    expect(recordReceipt(received, '2026-03-05T03:00:00.000Z')).toEqual({
      ok: false, code: 'CERTIFICATE.ALREADY_RECORDED', params: { milestone: 'receipt' },
    });
  });

  it('leaves the milestones it was given untouched', () => {
    const before = { ...agreed };
    recordDelivery(agreed, '2026-03-03T02:00:00.000Z');
    expect(agreed).toEqual(before);
  });
});

describe('events named like Object.prototype members', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('refuses the unknown event %s as an illegal transition', (event) => {
    expect(issuanceLifecycle.next('pending_review', event as never)).toEqual({
      ok: false, code: 'LIFECYCLE.ILLEGAL_TRANSITION', params: { kind: 'issuance', from: 'pending_review', event },
    });
  });
});
