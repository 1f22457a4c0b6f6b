import { ok, refuse, type Result } from '../shared/result.ts';
import { canDecide, isTelegramId } from '../people/officer.ts';
import { isRequestKind } from '../requests/case-kind.ts';
import { isCaseId } from '../requests/case-id.ts';
import type { Decision, DecisionOutcome } from '../requests/case-record.ts';
import { officerActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { DeskPorts } from './desk-ports.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';

export interface DecideCommand {
  readonly requestId: string;
  readonly officerTelegramId: string;
  readonly outcome: DecisionOutcome;
  /** Reason codes or short texts; required to return or reject (Pasal 15(5)). */
  readonly reasons: readonly string[];
  readonly note?: string;
}

export type DecideCode =
  | 'DECISION.NOT_AN_OFFICER' | 'DECISION.REQUEST_NOT_FOUND' | 'DECISION.NOT_A_REQUEST' | 'DECISION.OWN_REQUEST'
  | 'DECISION.ALREADY_DECIDED' | 'DECISION.FAILING_CHECKS' | 'DECISION.REASON_REQUIRED';

const EVENT: Readonly<Record<DecisionOutcome, string>> = { approve: 'approve', return: 'return', reject: 'reject' };

/**
 * An officer approves, returns for correction or rejects a request (Pasal 9(2)b, 15(3)-(5), 16(3)).
 * Served by the bot and the CLI alike. Exactly one decision per review round even when two officers,
 * in two processes, press the button at once: the status change is conditional on the version read,
 * and the database holds one decision per (request, round).
 */
export async function decideRequest(p: DeskPorts, cmd: DecideCommand): Promise<Result<Decision, DecideCode>> {
  // A malformed id (a username, a 16-digit number) is nobody: refused and audited as the system saw it.
  const actor = isTelegramId(cmd.officerTelegramId) ? officerActor(cmd.officerTelegramId) : SYSTEM_ACTOR;
  // Refusals are audited too: an auditor must see who tried what (Pasal 26(2)).
  const audited = async (r: Result<Decision, DecideCode>): Promise<Result<Decision, DecideCode>> => {
    if (!r.ok) {
      await p.uow.run((tx) => p.audit.append({ actor, action: 'request.decide', subject: isCaseId(cmd.requestId) ? cmd.requestId : 'unknown', outcome: `refused:${r.code}` }, tx));
    }
    return r;
  };

  // Typed ids only: free text from a chat must never reach the audit row as a subject.
  if (!isCaseId(cmd.requestId)) return audited(refuse('DECISION.REQUEST_NOT_FOUND', { requestId: '(nomor tidak sah)' }));
  const officer = await p.officers.findByTelegramId(cmd.officerTelegramId);
  if (actor === SYSTEM_ACTOR || !officer || !canDecide(officer)) return audited(refuse('DECISION.NOT_AN_OFFICER', { requestId: cmd.requestId }));
  const reasons = cmd.reasons.map((r) => r.trim()).filter((r) => r.length > 0);
  if (cmd.outcome !== 'approve' && reasons.length === 0) return audited(refuse('DECISION.REASON_REQUIRED', { requestId: cmd.requestId }));

  const outcome = await p.uow.run(async (tx): Promise<Result<Decision, DecideCode>> => {
    const req = await p.cases.get(cmd.requestId, tx);
    if (!req) return refuse('DECISION.REQUEST_NOT_FOUND', { requestId: cmd.requestId });
    if (!isRequestKind(req.kind)) return refuse('DECISION.NOT_A_REQUEST', { requestId: req.id });
    if (req.applicant.nip !== null && req.applicant.nip === officer.nip) return refuse('DECISION.OWN_REQUEST', { requestId: req.id });
    if (req.applicant.personId !== null && req.applicant.personId === officer.personId) return refuse('DECISION.OWN_REQUEST', { requestId: req.id });
    if (req.status !== 'pending_review') return refuse('DECISION.ALREADY_DECIDED', { requestId: req.id, status: req.status });
    if (cmd.outcome === 'approve' && req.checks.some((c) => !c.pass)) return refuse('DECISION.FAILING_CHECKS', { requestId: req.id });

    const next = lifecycles[req.kind].next(req.status, EVENT[cmd.outcome]);
    if (!next.ok) return refuse('DECISION.ALREADY_DECIDED', { requestId: req.id, status: req.status });
    const at = p.clock.now().toISOString();
    const decision: Decision = {
      officerTelegramId: officer.telegramId, outcome: cmd.outcome, reasons, note: cmd.note?.trim() ?? '',
      decidedAt: at, reviewRound: req.reviewRound,
    };
    const changed = await p.cases.change(req.id, req.version, { status: next.value, updatedAt: at }, tx);
    if (!changed) {
      // Another officer won the race; report the status they left it in.
      const now = await p.cases.get(req.id, tx);
      return refuse('DECISION.ALREADY_DECIDED', { requestId: req.id, status: now?.status ?? req.status });
    }
    await p.cases.recordDecision(req.id, decision, tx);
    await p.audit.append({ actor, action: 'request.decide', subject: req.id, outcome: cmd.outcome }, tx);
    await p.notifier.enqueue({
      dedupeKey: `decision:${req.id}:${req.reviewRound}`,
      channel: req.channel,
      recipient: replyRecipient(req),
      template: `decision-${cmd.outcome}`,
      model: { requestId: req.id, kind: req.kind, outcome: cmd.outcome, reasons, note: decision.note },
      caseId: req.id,
    }, tx);
    // By e-mail the subscriber agreement follows as its own message, answered with SETUJU (Pasal 16(5));
    // in the bot it is a button under the approval.
    if (cmd.outcome === 'approve' && req.channel === 'email' && (req.kind === 'issuance' || req.kind === 'renewal')) {
      await p.notifier.enqueue({
        dedupeKey: `agreement:${req.id}:${req.reviewRound}`, channel: 'email', recipient: req.applicant.email,
        template: 'subscriber-agreement', model: { requestId: req.id }, caseId: req.id,
      }, tx);
    }
    return ok(decision);
  });
  return audited(outcome);
}
