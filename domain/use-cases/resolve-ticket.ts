import { ok, refuse, type Result } from '../shared/result.ts';
import type { DeskPorts } from './desk-ports.ts';
import { lifecycles } from './lifecycle-for.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';
import type { TicketKind } from '../requests/case-kind.ts';

export type ResolveCode = TicketActionCode | 'RESOLVE.NOT_ALLOWED' | 'INCIDENT.BUSY';

/**
 * An officer closes a ticket ("Selesai"): it leaves the SLA clock. An incident can be closed only once it
 * has been reported (its lifecycle allows `resolve` from `escalated` only, Pasal 24(1)).
 */
export async function resolveTicket(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string }): Promise<Result<{ ticketId: string }, ResolveCode>> {
  return p.uow.run(async (tx) => {
    const opened = await openTicketAction(p, tx, cmd, 'ticket.resolve');
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: ResolveCode) => {
      await p.audit.append({ actor, action: 'ticket.resolve', subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id });
    };
    const next = lifecycles[ticket.kind as TicketKind].next(ticket.status, 'resolve');
    if (!next.ok) return refused('RESOLVE.NOT_ALLOWED');
    const at = p.clock.now().toISOString();
    if (!(await p.cases.change(ticket.id, ticket.version, { status: next.value, details: { ...ticket.details, resolvedAt: at }, updatedAt: at }, tx))) return refused('INCIDENT.BUSY');
    await p.audit.append({ actor, action: 'ticket.resolve', subject: ticket.id, outcome: next.value }, tx);
    return ok({ ticketId: ticket.id });
  });
}
