import { SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';
import { RaError } from '../shared/ra-error.ts';
import { DAY_MS } from '../certificates/reminders.ts';
import {
  BSRE_STEP_ACTOR, DEFAULT_STALL_DAYS, nextStep, remindedKey, waitingSince,
} from '../certificates/bsre-steps.ts';
import type { Notification } from '../ports/notifier.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import type { DeskPorts } from './desk-ports.ts';

export interface BsreReminderReport {
  /** Requests at BSrE looked at. */
  readonly scanned: number;
  /** Steps found stalled and reminded in this run (each step of a request at most once, ever). */
  readonly stalled: number;
  /** Messages queued to applicants (their own steps only). */
  readonly applicants: number;
  /** Messages queued to officers. */
  readonly officers: number;
}

/** Requests at BSrE one sweep looks at; far more than one city's desk ever has at once. */
const SCAN_LIMIT = 10_000;

/**
 * BSrE by hand: a step that has waited `stallDays` (from the previous tick, or from the forwarding) is
 * reminded once. The applicant is reminded of their own steps (BSrE's identity form, setting their
 * passphrase — on BSrE's page, never to the desk); the officers on duty of every stalled step, so they
 * can chase BSrE or the applicant. The reminder is marked in the request's details in the same
 * transaction that queues its messages, under the request's version: two sweeps at once (cron and
 * `serve`) remind once. One audit row per run that reminded anything, with counts only.
 *
 * @example
 * const report = await sendBsreReminders(ports, { now: new Date(), stallDays: 3 });
 */
export async function sendBsreReminders(p: DeskPorts, input: { now: Date; stallDays?: number }): Promise<BsreReminderReport> {
  const stallDays = input.stallDays ?? DEFAULT_STALL_DAYS;
  if (!Number.isInteger(stallDays) || stallDays < 1) throw new RaError('BSRE.BAD_STALL_DAYS', 'The stall period must be a whole number of days, at least 1');
  if (!Number.isFinite(input.now.getTime())) throw new RaError('REMINDERS.BAD_NOW', 'The sweep needs a valid point in time');
  const at = input.now.toISOString();
  const waiting = (await p.cases.list({ status: 'submitted_to_ca', limit: SCAN_LIMIT }))
    .filter((c) => c.kind === 'issuance' || c.kind === 'renewal');
  const due = (c: CaseRecord) => {
    const step = nextStep(c.details);
    if (!step || c.details[remindedKey(step)] !== undefined) return null;
    const since = Date.parse(waitingSince(c.details, c.updatedAt));
    return input.now.getTime() - since >= stallDays * DAY_MS ? { step, days: Math.floor((input.now.getTime() - since) / DAY_MS) } : null;
  };
  const counts = { scanned: waiting.length, stalled: 0, applicants: 0, officers: 0 };
  const officers = waiting.some((c) => due(c) !== null) ? (await p.officers.list()).filter(canDecide) : [];
  for (const seen of waiting) {
    if (!due(seen)) continue;
    await p.uow.run(async (tx) => {
      const req = await p.cases.get(seen.id, tx);
      const stall = req?.status === 'submitted_to_ca' ? due(req) : null;
      if (!req || !stall) return;
      const details = { ...req.details, [remindedKey(stall.step)]: at };
      if (!(await p.cases.change(req.id, req.version, { status: req.status, details, updatedAt: req.updatedAt }, tx))) return;
      const model = { requestId: req.id, kind: stall.step, step: stall.step, days: stall.days };
      const out: Notification[] = [];
      if (BSRE_STEP_ACTOR[stall.step] === 'applicant') {
        out.push({
          dedupeKey: `bsre-stalled:${req.id}:${stall.step}`, channel: req.channel, recipient: replyRecipient(req), template: 'bsre-stalled',
          model: { ...model, name: req.applicant.name }, caseId: req.id,
        });
      }
      for (const o of officers) {
        out.push({
          dedupeKey: `bsre-stalled-officer:${req.id}:${stall.step}:${o.telegramId}`, channel: 'telegram', recipient: o.telegramId,
          template: 'bsre-stalled-officer', model, caseId: req.id,
        });
      }
      const queued = out.length > 0 ? await p.notifier.enqueueMany(out, tx) : [];
      counts.stalled++;
      out.forEach((n, i) => { if (queued[i]) counts[n.template === 'bsre-stalled' ? 'applicants' : 'officers']++; });
    });
  }
  if (counts.stalled > 0) {
    await p.uow.run((tx) => p.audit.append({
      actor: SYSTEM_ACTOR, action: 'bsre.reminders', subject: `bsre-reminders:${at.slice(0, 10)}`,
      outcome: `stalled:${counts.stalled}/applicant:${counts.applicants}/officer:${counts.officers}`,
    }, tx));
  }
  return counts;
}
