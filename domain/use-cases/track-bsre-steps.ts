import { ok, refuse, type Result } from '../shared/result.ts';
import { officerActor } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import { isCaseId } from '../requests/case-id.ts';
import { BSRE_STEPS, checkTick, isBsreStep, nextStep, stepKey, type BsreStep } from '../certificates/bsre-steps.ts';
import type { DeskPorts } from './desk-ports.ts';

/** Every refusal of a tick; each has an Indonesian message (templates/id/messages/bsre.json). */
export const TICK_CODES = [
  'BSRE.NOT_AN_OFFICER', 'BSRE.OWN_REQUEST', 'BSRE.NOT_FOUND', 'BSRE.NOT_WAITING', 'BSRE.UNKNOWN_STEP',
  'BSRE.STEP_ALREADY_DONE', 'BSRE.STEP_OUT_OF_ORDER', 'BSRE.ALL_STEPS_DONE',
] as const;
export type TickCode = (typeof TICK_CODES)[number];

/** Steps are named by their number in refusals: the officer's card lists them numbered 1-5. */
export const stepNo = (step: BsreStep): number => BSRE_STEPS.indexOf(step) + 1;

export interface TickOutcome {
  readonly requestId: string;
  readonly step: BsreStep;
  /** The step to tick next; null once `issued` is ticked (the certificate is then uploaded). */
  readonly next: BsreStep | null;
}

/**
 * BSrE by hand (Pasal 16(1)-(2)): an officer ticks off the next step of an issuance or renewal at BSrE
 * (sent, identity form, passphrase, verified, issued). Only officers who may decide; only the next
 * step, and each once — a repeated or out-of-order tick is refused and nothing is written. Audited with
 * the step's code only.
 *
 * @example
 * const r = await tickBsreStep(ports, { requestId: 'OP-2026-000123', officerTelegramId: '5550001', step: 'sent_to_bsre' });
 * if (r.ok) r.value.next; // 'identity_form_done'
 */
export async function tickBsreStep(
  p: DeskPorts, input: { requestId: string; officerTelegramId: string; step: string },
): Promise<Result<TickOutcome, TickCode>> {
  const officer = await p.officers.findByTelegramId(input.officerTelegramId);
  if (!officer || !canDecide(officer)) return refuse('BSRE.NOT_AN_OFFICER');
  if (!isCaseId(input.requestId)) return refuse('BSRE.NOT_FOUND', { requestId: '?' });
  const step = input.step;
  if (!isBsreStep(step)) return refuse('BSRE.UNKNOWN_STEP', { requestId: input.requestId });
  return p.uow.run(async (tx) => {
    const req = await p.cases.get(input.requestId, tx);
    if (!req || (req.kind !== 'issuance' && req.kind !== 'renewal')) return refuse('BSRE.NOT_FOUND', { requestId: input.requestId });
    if (req.applicant.personId === officer.personId || (req.applicant.nip !== null && req.applicant.nip === officer.nip)) return refuse('BSRE.OWN_REQUEST', { requestId: req.id });
    if (req.status !== 'submitted_to_ca') return refuse('BSRE.NOT_WAITING', { requestId: req.id, status: req.status });
    const allowed = checkTick(req.details, step);
    if (!allowed.ok) return refuse(allowed.code, { requestId: req.id, step: stepNo(step), expected: allowed.expected ? stepNo(allowed.expected) : '-' });
    const at = p.clock.now().toISOString();
    const details = { ...req.details, [stepKey(step)]: at };
    if (!(await p.cases.change(req.id, req.version, { status: req.status, details, updatedAt: at }, tx))) {
      return refuse('BSRE.STEP_ALREADY_DONE', { requestId: req.id, step: stepNo(step), expected: '-' });
    }
    await p.audit.append({ actor: officerActor(officer.telegramId), action: 'bsre.step', subject: req.id, outcome: step }, tx);
    return ok({ requestId: req.id, step, next: nextStep(details) });
  });
}
