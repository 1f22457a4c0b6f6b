import { ok, refuse, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import { allPass, verifyIssuance } from '../issuance/verification.ts';
import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { issuanceLifecycle } from '../issuance/lifecycle.ts';
import { renewalLifecycle } from '../renewal/lifecycle.ts';
import { sortIncomingDocuments, type IncomingDocument } from './incoming-documents.ts';
import type { DeskPorts } from './desk-ports.ts';
import type { ApplicationOutcome } from './submit-application.ts';
import { gatherIdentityFacts, matchedPerson } from './identity-facts.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';

export interface SupplementInput {
  readonly requestId: string;
  /** Who sent the addition; must be the applicant (Pasal 16(4)). */
  readonly email: string;
  readonly nik: string | null;
  readonly nip: string | null;
  readonly documents: readonly IncomingDocument[];
  readonly replyTo?: ReplyContext;
  /** False when the channel answers on the spot (the bot). */
  readonly acknowledge?: boolean;
}

/** The same as for a new application: where the request now stands and what is still missing. */
export type SupplementOutcome = ApplicationOutcome;

export type SupplementCode = 'SUPPLEMENT.NOT_FOUND' | 'SUPPLEMENT.NOT_APPLICANT' | 'SUPPLEMENT.NOT_WAITING';

/**
 * The applicant sends what was missing or what the officer asked to correct (Pasal 15(5)): new files are
 * checked and stored, every verification item is run again on everything the request now holds, and a
 * request whose items all pass goes (back) to review. One use case for a mail reply on the thread and a
 * bot upload.
 */
export async function supplementApplication(p: DeskPorts, input: SupplementInput): Promise<Result<SupplementOutcome, SupplementCode>> {
  const email = normaliseEmail(input.email);
  const { accepted, refused } = sortIncomingDocuments(input.documents, p.settings.maxFileBytes);
  const now = p.clock.now().toISOString();

  return p.uow.run(async (tx): Promise<Result<SupplementOutcome, SupplementCode>> => {
    const req = await p.cases.get(input.requestId, tx);
    // A renewal whose data changed asks for the same items as an application (Pasal 17), so it is completed the same way.
    const supplementable = req?.kind === 'issuance' || (req?.kind === 'renewal' && req.details['dataChanged'] === 'yes');
    if (!req || !supplementable) return refuse('SUPPLEMENT.NOT_FOUND', { requestId: input.requestId });
    if (req.applicant.email !== email) return refuse('SUPPLEMENT.NOT_APPLICANT', { requestId: req.id });
    if (req.status !== 'incomplete') return refuse('SUPPLEMENT.NOT_WAITING', { requestId: req.id, status: req.status });

    const before = await p.vault.list(req.id);
    const stored = await Promise.all(accepted.map((doc) => p.vault.store({ requestId: req.id, kind: doc.kind, bytes: doc.bytes, mediaType: doc.mediaType }, tx)));
    const givenNik = input.nik?.replace(/\s+/g, '') || null;
    const nik = givenNik ?? (await p.cases.applicantNik(req.id, tx));
    const nip = input.nip?.replace(/\s+/g, '') || req.applicant.nip;
    const facts = await gatherIdentityFacts(p, { email, nik, nip }, tx);
    const checks = verifyIssuance({
      email, nik, nip, documents: [...before, ...stored], ...facts, officialDomains: p.settings.officialDomains,
    });
    const person = matchedPerson(facts, checks);
    const complete = allPass(checks);
    const next = complete ? (req.kind === 'renewal' ? renewalLifecycle : issuanceLifecycle).next(req.status, 'complete') : null;
    const status = next?.ok ? next.value : req.status;
    const changed = await p.cases.change(req.id, req.version, {
      status, checks, updatedAt: now, ...(complete ? { reviewRound: req.reviewRound + 1 } : {}),
    }, tx);
    if (!changed) return refuse('SUPPLEMENT.NOT_WAITING', { requestId: req.id, status: req.status });
    await p.audit.append({
      actor: person ? personActor(person.personId) : SYSTEM_ACTOR, action: 'request.supplement', subject: req.id,
      outcome: status, evidence: stored.map((d) => d.sha256),
    }, tx);
    const missing = checks.filter((c) => !c.pass).map((c) => ({ rule: c.rule, code: c.code, params: c.params }));
    if (input.acknowledge !== false) await p.notifier.enqueue({
      dedupeKey: `supplement:${req.id}:${req.version}`, channel: req.channel,
      recipient: replyRecipient(req),
      template: complete ? 'application-received' : 'application-incomplete',
      model: { requestId: req.id, missing, refusedDocuments: refused }, caseId: req.id,
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    return ok({ requestId: req.id, status: status as 'incomplete' | 'pending_review', checks, refusedDocuments: refused });
  });
}
