import { ok, refuse, type Result } from '../shared/result.ts';
import { personActor } from '../audit/audit-event.ts';
import { isCaseId } from '../requests/case-id.ts';
import type { DeskPorts } from './desk-ports.ts';

export type AgreementCode = 'AGREEMENT.NOT_FOUND' | 'AGREEMENT.NOT_APPLICANT' | 'AGREEMENT.NOT_APPROVED' | 'AGREEMENT.ALREADY_ACCEPTED';

/**
 * The applicant accepts the subscriber agreement and the duties of Pasal 20 before the request goes to
 * the CA (Pasal 16(5), 19(1)). What was shown is recorded by its SHA-256, with the time; only the
 * applicant themself can accept (Pasal 16(4)): the channel proves who they are (bound Telegram account
 * or verified dinas address).
 */
export async function acceptAgreement(p: DeskPorts, input: { requestId: string; personId: string; agreementSha256: string }): Promise<Result<{ acceptedAt: string }, AgreementCode>> {
  if (!isCaseId(input.requestId) || !/^[0-9a-f]{64}$/.test(input.agreementSha256)) return refuse('AGREEMENT.NOT_FOUND', { requestId: '?' });
  return p.uow.run(async (tx) => {
    const req = await p.cases.get(input.requestId, tx);
    if (!req || (req.kind !== 'issuance' && req.kind !== 'renewal')) return refuse('AGREEMENT.NOT_FOUND', { requestId: input.requestId });
    if (req.applicant.personId !== input.personId) return refuse('AGREEMENT.NOT_APPLICANT', { requestId: req.id });
    if (req.status !== 'approved') return refuse('AGREEMENT.NOT_APPROVED', { requestId: req.id });
    if (req.details['agreementAcceptedAt']) return refuse('AGREEMENT.ALREADY_ACCEPTED', { requestId: req.id });
    const at = p.clock.now().toISOString();
    const details = { ...req.details, agreementAcceptedAt: at, agreementSha256: input.agreementSha256 };
    if (!(await p.cases.change(req.id, req.version, { status: req.status, details, updatedAt: at }, tx))) {
      return refuse('AGREEMENT.ALREADY_ACCEPTED', { requestId: req.id });
    }
    await p.audit.append({ actor: personActor(input.personId), action: 'request.agreement', subject: req.id, outcome: 'accepted', evidence: [input.agreementSha256] }, tx);
    return ok({ acceptedAt: at });
  });
}
