import { ok, refuse, type Result } from '../shared/result.ts';
import type { DeskPorts } from './desk-ports.ts';
import { isIncidentCategory } from '../incident/incident-category.ts';
import { dutyOfficers, incidentAlerts, oversightOf } from '../oversight/officer-alerts.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';

export type ReclassifyCode = TicketActionCode | 'RECLASSIFY.NOT_HELP' | 'RECLASSIFY.BAD_CATEGORY' | 'RECLASSIFY.CLOSED' | 'INCIDENT.BUSY';

/**
 * An officer reclassifies a help ticket as a security incident: problems of authentication, authenticity
 * or non-repudiation are incidents (Pasal 24(3)b), and so is a key the owner can no longer reach (24(3)a).
 * The ticket keeps its number (tickets share the TK- sequence) and its status; officers are alerted with
 * "Laporkan" at once, as for any new incident, and the PDP and re-alert clocks run from its creation.
 */
export async function reclassifyAsIncident(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string; category: string }): Promise<Result<{ ticketId: string }, ReclassifyCode>> {
  const officers = await dutyOfficers(p);
  return p.uow.run(async (tx) => {
    const opened = await openTicketAction(p, tx, cmd, 'ticket.reclassify');
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: ReclassifyCode) => {
      await p.audit.append({ actor, action: 'ticket.reclassify', subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id });
    };
    if (ticket.kind !== 'help') return refused('RECLASSIFY.NOT_HELP');
    if (!isIncidentCategory(cmd.category)) return refused('RECLASSIFY.BAD_CATEGORY');
    if (ticket.status === 'resolved') return refused('RECLASSIFY.CLOSED');
    const at = p.clock.now().toISOString();
    const details = { ...ticket.details, category: cmd.category, reclassifiedFrom: 'help', reclassifiedBy: opened.officer.telegramId };
    // A help ticket escalated to BSrE support is an open incident: its report to the addressees is still due.
    const status = ticket.status === 'escalated' ? 'open' : ticket.status;
    if (!(await p.cases.change(ticket.id, ticket.version, { kind: 'incident', status, details, updatedAt: at }, tx))) return refused('INCIDENT.BUSY');
    await p.audit.append({ actor, action: 'ticket.reclassify', subject: ticket.id, outcome: `help_to_incident:${cmd.category}` }, tx);
    const updated = await p.cases.get(ticket.id, tx);
    if (updated) await p.notifier.enqueueMany(incidentAlerts(updated, 0, officers, oversightOf(p).officeHours.timeZone), tx);
    return ok({ ticketId: ticket.id });
  });
}
