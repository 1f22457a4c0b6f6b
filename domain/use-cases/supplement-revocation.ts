import { ok, refuse, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import { allPass } from '../issuance/verification.ts';
import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { revocationLifecycle } from '../revocation/lifecycle.ts';
import { isRevocationGround } from '../revocation/revocation-grounds.ts';
import { verifyRevocation } from '../revocation/verification.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';
import { sortIncomingDocuments, type IncomingDocument } from './incoming-documents.ts';
import type { DeskPorts } from './desk-ports.ts';
import type { RevocationOutcome } from './request-revocation.ts';
import type { SupplementCode } from './supplement-application.ts';

export interface RevocationSupplementInput {
  readonly requestId: string;
  /** Who sent the addition; must be the owner (Pasal 16(4), 18(3)). */
  readonly email: string;
  readonly documents: readonly IncomingDocument[];
  readonly replyTo?: ReplyContext;
  readonly acknowledge?: boolean;
}

/**
 * The owner sends the report to the authorities or their statement later (Pasal 18(3)): the files are
 * stored, the items are checked again on everything the request holds, and a complete request goes to
 * review. The mail reply on the thread and the bot upload both land here.
 */
export async function supplementRevocation(p: DeskPorts, input: RevocationSupplementInput): Promise<Result<RevocationOutcome, SupplementCode>> {
  const email = normaliseEmail(input.email);
  const { accepted, refused } = sortIncomingDocuments(input.documents, p.settings.maxFileBytes);
  const now = p.clock.now().toISOString();
  return p.uow.run(async (tx): Promise<Result<RevocationOutcome, SupplementCode>> => {
    const req = await p.cases.get(input.requestId, tx);
    const ground = req?.details['ground'] ?? '';
    if (!req || req.kind !== 'revocation' || !isRevocationGround(ground)) return refuse('SUPPLEMENT.NOT_FOUND', { requestId: input.requestId });
    if (req.applicant.email !== email) return refuse('SUPPLEMENT.NOT_APPLICANT', { requestId: req.id });
    if (req.status !== 'incomplete') return refuse('SUPPLEMENT.NOT_WAITING', { requestId: req.id, status: req.status });
    const before = await p.vault.list(req.id);
    const stored = await Promise.all(accepted.map((doc) => p.vault.store({ requestId: req.id, kind: doc.kind, bytes: doc.bytes, mediaType: doc.mediaType }, tx)));
    const certificate = await p.certificates.get(req.details['certificateId'] ?? '', tx);
    const askingPersonId = req.details['askedBy'] ? null : req.applicant.personId;
    const checks = verifyRevocation({ ground, certificate, askingPersonId, documents: [...before, ...stored] });
    const complete = allPass(checks);
    const next = complete ? revocationLifecycle.next(req.status, 'complete') : null;
    const status = next?.ok ? next.value : req.status;
    const changed = await p.cases.change(req.id, req.version, {
      status, checks, updatedAt: now, ...(complete ? { reviewRound: req.reviewRound + 1 } : {}),
    }, tx);
    if (!changed) return refuse('SUPPLEMENT.NOT_WAITING', { requestId: req.id, status: req.status });
    await p.audit.append({
      actor: req.applicant.personId ? personActor(req.applicant.personId) : SYSTEM_ACTOR, action: 'request.supplement', subject: req.id,
      outcome: status, evidence: stored.map((d) => d.sha256),
    }, tx);
    const missing = checks.filter((c) => !c.pass).map((c) => ({ rule: c.rule, code: c.code, params: c.params }));
    if (input.acknowledge !== false) await p.notifier.enqueue({
      dedupeKey: `supplement:${req.id}:${req.version}`, channel: req.channel, recipient: replyRecipient(req), template: 'revocation-received',
      model: {
        requestId: req.id, serial: req.details['serial'] ?? '', ground, incidentId: req.details['incidentId'] ?? '',
        reapply: 'no', missing, refusedDocuments: refused,
      },
      caseId: req.id, ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    return ok({
      requestId: req.id, status: status as 'incomplete' | 'pending_review', checks, refusedDocuments: refused,
      incidentId: req.details['incidentId'] ?? null, serial: req.details['serial'] ?? '',
    });
  });
}
