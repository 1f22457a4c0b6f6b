import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import { isTicketKind } from '../requests/case-kind.ts';
import type { CaseStatus } from '../requests/request-status.ts';
import type { DeskPorts } from './desk-ports.ts';
import { lifecycles } from './lifecycle-for.ts';

export interface FollowUpOutcome {
  /** The ticket's status afterwards. */
  readonly status: CaseStatus;
  /** True when the message put the ticket back in the officers' queue. */
  readonly reopened: boolean;
}

/**
 * The reporter writes again on a ticket's thread, as the "ticket answered" mail invites them to (Pasal
 * 22, 24, 9(7)). Where the ticket's lifecycle allows it, an answered ticket goes back to the queue
 * (`follow_up`) and a resolved one is reopened (`reopen`); the help SLA clocks then run again from now
 * (`followUpAt`, see slaDeadlines), since the follow-up is a question nobody has answered yet. An open or
 * escalated ticket stays as it is: the message is kept with it (by the channel) for the officer handling
 * it. The reporter hears once per status the ticket reaches in each round, never once per message.
 * Runs inside the caller's transaction: the channel archives the message in the same one. Null when
 * `ticketId` is not a ticket.
 */
export async function followUpTicket(
  p: DeskPorts, tx: TransactionHandle, input: { ticketId: string; email: string; replyTo?: ReplyContext },
): Promise<FollowUpOutcome | null> {
  const ticket = await p.cases.get(input.ticketId, tx);
  if (!ticket || !isTicketKind(ticket.kind)) return null;
  const actor = ticket.applicant.personId ? personActor(ticket.applicant.personId) : SYSTEM_ACTOR;
  const event = ticket.status === 'answered' ? 'follow_up' : ticket.status === 'resolved' ? 'reopen' : null;
  const next = event === null ? null : lifecycles[ticket.kind].next(ticket.status, event);
  let status = ticket.status;
  let round = ticket.details['followUpAt'] ?? '';
  let reopened = false;
  if (next?.ok) {
    const at = p.clock.now().toISOString();
    // A new round: the SLA's first response is owed again, from now.
    const { firstResponseAt: _answered, ...details } = ticket.details;
    if (await p.cases.change(ticket.id, ticket.version, { status: next.value, details: { ...details, followUpAt: at }, updatedAt: at }, tx)) {
      status = next.value;
      round = at;
      reopened = true;
    }
  }
  await p.audit.append({ actor, action: 'ticket.follow_up', subject: ticket.id, outcome: reopened ? `reopened:${status}` : `kept:${status}` }, tx);
  await p.notifier.enqueue({
    dedupeKey: `follow-up:${ticket.id}:${status}:${round}`, channel: 'email', recipient: input.email,
    template: 'ticket-follow-up', model: { ticketId: ticket.id, status, reopened: reopened ? 'yes' : 'no' }, caseId: ticket.id,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
  }, tx);
  return { status, reopened };
}
