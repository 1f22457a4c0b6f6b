import { ok, refuse, type Result } from '../shared/result.ts';
import { isCaseId } from '../requests/case-id.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';
import { officerActor, type Actor } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import { revocationLifecycle } from '../revocation/lifecycle.ts';
import { isRevocationReasonCode, type CertificateAuthority } from '../ports/certificate-authority.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import type { DeskPorts } from './desk-ports.ts';

export type ForwardCode = 'FORWARD.NOT_FOUND' | 'FORWARD.NOT_READY' | 'FORWARD.NOT_AN_OFFICER' | 'FORWARD.CA_FAILED';

export interface ForwardOutcome {
  readonly requestId: string;
  readonly serial: string;
  /** `completed` once the CA confirmed; `submitted_to_ca` while an officer still has to do it at BSrE. */
  readonly status: 'submitted_to_ca' | 'completed';
}

/**
 * An approved revocation goes to the CA (Pasal 18(1), 9(2)b). With a CA adapter that answers (the
 * sandbox) the certificate is revoked at once and the owner told; with BSrE by hand the request waits
 * `submitted_to_ca` until an officer confirms the revocation on BSrE's portal (`confirmRevocation`).
 * Safe to call again after a crash between the CA and the commit: the CA keeps the first revocation.
 */
export async function forwardRevocation(
  p: DeskPorts, ca: CertificateAuthority | null, input: { requestId: string; actor: Actor },
): Promise<Result<ForwardOutcome, ForwardCode>> {
  const req = isCaseId(input.requestId) ? await p.cases.get(input.requestId) : null;
  if (!req || req.kind !== 'revocation') return refuse('FORWARD.NOT_FOUND', { requestId: isCaseId(input.requestId) ? input.requestId : '?' });
  const serial = req.details['serial'] ?? '';
  let current = req;
  if (req.status === 'approved') {
    const next = revocationLifecycle.next('approved', 'submit_to_ca');
    const at = p.clock.now().toISOString();
    const moved = next.ok && await p.uow.run(async (tx) => {
      if (!(await p.cases.change(req.id, req.version, { status: next.value, updatedAt: at }, tx))) return false;
      await p.audit.append({ actor: input.actor, action: 'request.forward', subject: req.id, outcome: ca ? ca.kind : 'bsre-manual' }, tx);
      return true;
    });
    const again = await p.cases.get(req.id);
    if (!moved || !again) return refuse('FORWARD.NOT_READY', { requestId: req.id, status: again?.status ?? req.status });
    current = again;
  }
  if (current.status !== 'submitted_to_ca') return refuse('FORWARD.NOT_READY', { requestId: req.id, status: current.status });
  if (!ca) return ok({ requestId: req.id, serial, status: 'submitted_to_ca' });
  const reason = current.details['rfcReason'] ?? 'unspecified';
  try {
    await ca.revoke(serial, isRevocationReasonCode(reason) ? reason : 'unspecified', p.clock.now());
  } catch {
    // The CA does not know this serial (a certificate imported from elsewhere): an officer must act at BSrE.
    return refuse('FORWARD.CA_FAILED', { requestId: req.id, serial });
  }
  return finishRevocation(p, current, input.actor);
}

/** BSrE by hand: the officer confirms that BSrE revoked the certificate (Pasal 18(1)). */
export async function confirmRevocation(p: DeskPorts, input: { requestId: string; officerTelegramId: string }): Promise<Result<ForwardOutcome, ForwardCode>> {
  const officer = await p.officers.findByTelegramId(input.officerTelegramId);
  if (!officer || !canDecide(officer)) return refuse('FORWARD.NOT_AN_OFFICER');
  const req = isCaseId(input.requestId) ? await p.cases.get(input.requestId) : null;
  if (!req || req.kind !== 'revocation') return refuse('FORWARD.NOT_FOUND', { requestId: isCaseId(input.requestId) ? input.requestId : '?' });
  if (req.status !== 'submitted_to_ca') return refuse('FORWARD.NOT_READY', { requestId: req.id, status: req.status });
  return finishRevocation(p, req, officerActor(officer.telegramId));
}

async function finishRevocation(p: DeskPorts, req: CaseRecord, actor: Actor): Promise<Result<ForwardOutcome, ForwardCode>> {
  const serial = req.details['serial'] ?? '';
  const reason = req.details['rfcReason'] ?? 'unspecified';
  const at = p.clock.now().toISOString();
  const next = req.status === 'submitted_to_ca' ? revocationLifecycle.next(req.status, 'confirm_revoked') : null;
  if (!next?.ok) return refuse('FORWARD.NOT_READY', { requestId: req.id, status: req.status });
  const done = await p.uow.run(async (tx) => {
    if (!(await p.cases.change(req.id, req.version, { status: next.value, updatedAt: at }, tx))) return false;
    await p.certificates.markRevoked(req.details['certificateId'] ?? '', at, isRevocationReasonCode(reason) ? reason : 'unspecified', tx);
    await p.audit.append({ actor, action: 'certificate.revoke', subject: req.id, outcome: reason }, tx);
    await p.notifier.enqueue({
      dedupeKey: `revoked:${req.id}`, channel: req.channel, recipient: replyRecipient(req), template: 'revocation-completed',
      model: { requestId: req.id, serial, revokedAt: at, ground: req.details['ground'] ?? 'other' }, caseId: req.id,
    }, tx);
    return true;
  });
  if (!done) {
    const now = await p.cases.get(req.id);
    return refuse('FORWARD.NOT_READY', { requestId: req.id, status: now?.status ?? req.status });
  }
  return ok({ requestId: req.id, serial, status: 'completed' });
}
