import { ok, refuse, type Result } from '../shared/result.ts';
import { personActor } from '../audit/audit-event.ts';
import { isCaseId } from '../requests/case-id.ts';
import { canDecide } from '../people/officer.ts';
import { FORWARDED_KEY } from '../certificates/bsre-steps.ts';
import type { CaKind } from '../ports/certificate-authority.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { DeskPorts } from './desk-ports.ts';

export type AgreementCode = 'AGREEMENT.NOT_FOUND' | 'AGREEMENT.NOT_APPLICANT' | 'AGREEMENT.NOT_APPROVED' | 'AGREEMENT.ALREADY_ACCEPTED';

/**
 * The applicant accepts the subscriber agreement and the duties of Pasal 20 before the request goes to
 * the CA (Pasal 16(5), 19(1)). What was shown is recorded by its SHA-256, with the time; only the
 * applicant themself can accept (Pasal 16(4)): the channel proves who they are (bound Telegram account
 * or verified dinas address).
 *
 * With `ca: 'bsre-manual'` the request goes to BSrE in the same transaction (approved → submitted_to_ca,
 * Pasal 16(2)) and the officers are told to carry it there; its steps are then ticked off one by one
 * (`tickBsreStep`). Without it (the sandbox CA) the request stays approved until the applicant's CSR.
 */
export async function acceptAgreement(
  p: DeskPorts, input: { requestId: string; personId: string; agreementSha256: string; ca?: CaKind },
): Promise<Result<{ acceptedAt: string; status: 'approved' | 'submitted_to_ca' }, AgreementCode>> {
  if (!isCaseId(input.requestId) || !/^[0-9a-f]{64}$/.test(input.agreementSha256)) return refuse('AGREEMENT.NOT_FOUND', { requestId: '?' });
  return p.uow.run(async (tx) => {
    const req = await p.cases.get(input.requestId, tx);
    if (!req || (req.kind !== 'issuance' && req.kind !== 'renewal')) return refuse('AGREEMENT.NOT_FOUND', { requestId: input.requestId });
    if (req.applicant.personId !== input.personId) return refuse('AGREEMENT.NOT_APPLICANT', { requestId: req.id });
    if (req.status !== 'approved') return refuse('AGREEMENT.NOT_APPROVED', { requestId: req.id });
    if (req.details['agreementAcceptedAt']) return refuse('AGREEMENT.ALREADY_ACCEPTED', { requestId: req.id });
    const at = p.clock.now().toISOString();
    const manual = input.ca === 'bsre-manual';
    const forwarded = manual ? lifecycles[req.kind].next(req.status, 'submit_to_ca') : null;
    const status = forwarded?.ok ? forwarded.value : req.status;
    const details = { ...req.details, agreementAcceptedAt: at, agreementSha256: input.agreementSha256, ...(manual ? { [FORWARDED_KEY]: at } : {}) };
    if (!(await p.cases.change(req.id, req.version, { status, details, updatedAt: at }, tx))) {
      return refuse('AGREEMENT.ALREADY_ACCEPTED', { requestId: req.id });
    }
    await p.audit.append({ actor: personActor(input.personId), action: 'request.agreement', subject: req.id, outcome: 'accepted', evidence: [input.agreementSha256] }, tx);
    if (status === 'submitted_to_ca') {
      await p.audit.append({ actor: personActor(input.personId), action: 'request.forward', subject: req.id, outcome: 'bsre-manual' }, tx);
      const officers = (await p.officers.list()).filter(canDecide);
      if (officers.length > 0) await p.notifier.enqueueMany(officers.map((o) => ({
        dedupeKey: `bsre-forward:${req.id}:${o.telegramId}`, channel: 'telegram' as const, recipient: o.telegramId, template: 'bsre-forward',
        model: { requestId: req.id, kind: req.kind }, caseId: req.id,
      })), tx);
      return ok({ acceptedAt: at, status: 'submitted_to_ca' as const });
    }
    return ok({ acceptedAt: at, status: 'approved' as const });
  });
}
