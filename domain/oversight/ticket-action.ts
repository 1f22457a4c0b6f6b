import { refuse, type Refusal } from '../shared/result.ts';
import { canDecide, canManage, isTelegramId, type Officer } from '../people/officer.ts';
import { isTicketKind } from '../requests/case-kind.ts';
import { isCaseId } from '../requests/case-id.ts';
import { officerActor, SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import type { DeskPorts } from '../use-cases/desk-ports.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import { mayRead } from './ticket-visibility.ts';

export type TicketActionCode = 'TICKET.NOT_AN_OFFICER' | 'TICKET.NOT_A_MANAGER' | 'TICKET.NOT_FOUND';

export interface TicketActor {
  readonly officer: Officer;
  readonly actor: Actor;
  readonly ticket: CaseRecord;
}

/**
 * The common opening of an officer's action on a ticket, inside the caller's transaction: the caller is
 * an officer on duty (or the Pengelola when `managerOnly`), the ticket exists and they may read it
 * (a complaint about themself is "not found" to them, Pasal 9(7)). Every refusal is audited under
 * `action` with ids only.
 */
export async function openTicketAction(
  p: DeskPorts, tx: TransactionHandle, cmd: { ticketId: string; officerTelegramId: string }, action: string, options: { managerOnly?: boolean } = {},
): Promise<TicketActor | Refusal<TicketActionCode>> {
  const id = cmd.officerTelegramId.trim();
  const actor = isTelegramId(id) ? officerActor(id) : SYSTEM_ACTOR;
  const subject = isCaseId(cmd.ticketId) ? cmd.ticketId : 'unknown';
  const refused = async (code: TicketActionCode) => {
    await p.audit.append({ actor, action, subject, outcome: `refused:${code}` }, tx);
    return refuse(code, { id: subject === 'unknown' ? '?' : subject });
  };
  const officer = actor === SYSTEM_ACTOR ? null : await p.officers.findByTelegramId(id, tx);
  if (!officer || !canDecide(officer)) return refused('TICKET.NOT_AN_OFFICER');
  if (options.managerOnly && !canManage(officer)) return refused('TICKET.NOT_A_MANAGER');
  const ticket = subject === 'unknown' ? null : await p.cases.get(subject, tx);
  if (!ticket || !isTicketKind(ticket.kind) || !mayRead(officer, ticket)) return refused('TICKET.NOT_FOUND');
  return { officer, actor, ticket };
}

export const isRefusal = (r: TicketActor | Refusal): r is Refusal => 'ok' in r && r.ok === false;
