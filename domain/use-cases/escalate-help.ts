import { ok, refuse, type Result } from '../shared/result.ts';
import type { DeskPorts } from './desk-ports.ts';
import { lifecycles } from './lifecycle-for.ts';
import { oversightOf } from '../oversight/officer-alerts.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';
import { redactIdentifiers } from '../oversight/redact.ts';

export type EscalateHelpCode = TicketActionCode | 'ESCALATE.NOT_HELP' | 'ESCALATE.NO_ADDRESS' | 'ESCALATE.NOT_OPEN' | 'INCIDENT.BUSY';

/**
 * The Pengelola's desk asks BSrE for technical help with a user's problem (Pasal 22(2)): one e-mail to
 * `RA_BSRE_SUPPORT_EMAIL` with the ticket number and the problem as described (identifiers masked), and
 * the ticket becomes `escalated`, which pauses its resolution SLA. BSrE's answer comes back by mail on the
 * ticket's thread, is archived with the ticket and announced to the officers (mail/inbound/authority-reply.ts);
 * the officer then answers the user as usual.
 */
export async function escalateHelp(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string }): Promise<Result<{ ticketId: string }, EscalateHelpCode>> {
  const address = oversightOf(p).bsreSupportEmail;
  return p.uow.run(async (tx) => {
    const opened = await openTicketAction(p, tx, cmd, 'ticket.escalate');
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: EscalateHelpCode) => {
      await p.audit.append({ actor, action: 'ticket.escalate', subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id });
    };
    if (ticket.kind !== 'help') return refused('ESCALATE.NOT_HELP');
    if (!address) return refused('ESCALATE.NO_ADDRESS');
    const next = lifecycles.help.next(ticket.status, 'escalate');
    if (!next.ok) return refused('ESCALATE.NOT_OPEN');
    const at = p.clock.now().toISOString();
    const details = { ...ticket.details, escalatedAt: at, escalatedBy: opened.officer.telegramId };
    if (!(await p.cases.change(ticket.id, ticket.version, { status: next.value, details, updatedAt: at }, tx))) return refused('INCIDENT.BUSY');
    await p.notifier.enqueue({
      dedupeKey: `help-escalation:${ticket.id}:${ticket.version}`, channel: 'email', recipient: address, template: 'help-escalation',
      model: { ticketId: ticket.id, description: redactIdentifiers(ticket.details['subject'] ?? ''), openedAt: ticket.createdAt, channel: ticket.channel }, caseId: ticket.id,
    }, tx);
    await p.audit.append({ actor, action: 'ticket.escalate', subject: ticket.id, outcome: 'bsre' }, tx);
    return ok({ ticketId: ticket.id });
  });
}
