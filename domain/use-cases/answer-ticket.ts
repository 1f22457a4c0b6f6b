import { ok, refuse, type Result } from '../shared/result.ts';
import { canDecide, isTelegramId } from '../people/officer.ts';
import { isTicketKind } from '../requests/case-kind.ts';
import { isCaseId } from '../requests/case-id.ts';
import { officerActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { DeskPorts } from './desk-ports.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';
import { mayRead } from '../oversight/ticket-visibility.ts';

export type AnswerCode = 'ANSWER.NOT_AN_OFFICER' | 'ANSWER.NOT_FOUND' | 'ANSWER.EMPTY' | 'ANSWER.NOT_OPEN';

/**
 * An officer answers a help ticket, an incident or a complaint (Pasal 22, 24, 9(7)); the answer reaches
 * the person on the channel they used. Served by the bot (and the CLI later).
 */
export async function answerTicket(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string; answer: string }): Promise<Result<{ ticketId: string }, AnswerCode>> {
  const actor = isTelegramId(cmd.officerTelegramId) ? officerActor(cmd.officerTelegramId) : SYSTEM_ACTOR;
  const subject = isCaseId(cmd.ticketId) ? cmd.ticketId : 'unknown';
  const officer = actor === SYSTEM_ACTOR ? null : await p.officers.findByTelegramId(cmd.officerTelegramId);
  const answer = cmd.answer.trim().slice(0, 4000);
  return p.uow.run(async (tx) => {
    const refused = async (code: AnswerCode) => {
      await p.audit.append({ actor, action: 'ticket.answer', subject, outcome: `refused:${code}` }, tx);
      return refuse(code, { ticketId: subject });
    };
    if (!officer || !canDecide(officer)) return refused('ANSWER.NOT_AN_OFFICER');
    if (!answer) return refused('ANSWER.EMPTY');
    const ticket = subject === 'unknown' ? null : await p.cases.get(subject, tx);
    // A complaint about the officer themself is not theirs to see, let alone answer (Pasal 9(7)).
    if (!ticket || !isTicketKind(ticket.kind) || !mayRead(officer, ticket)) return refused('ANSWER.NOT_FOUND');
    const next = lifecycles[ticket.kind].next(ticket.status, 'answer');
    if (!next.ok) return refused('ANSWER.NOT_OPEN');
    const at = p.clock.now().toISOString();
    // The first answer stops the help SLA's first-response clock (Pasal 22).
    const details = ticket.details['firstResponseAt'] ? ticket.details : { ...ticket.details, firstResponseAt: at };
    if (!(await p.cases.change(ticket.id, ticket.version, { status: next.value, details, updatedAt: at }, tx))) return refused('ANSWER.NOT_OPEN');
    await p.audit.append({ actor, action: 'ticket.answer', subject: ticket.id, outcome: next.value }, tx);
    await p.notifier.enqueue({
      dedupeKey: `answer:${ticket.id}:${ticket.version}`, channel: ticket.channel,
      recipient: replyRecipient(ticket),
      template: 'ticket-answered', model: { ticketId: ticket.id, answer }, caseId: ticket.id,
    }, tx);
    return ok({ ticketId: ticket.id });
  });
}
