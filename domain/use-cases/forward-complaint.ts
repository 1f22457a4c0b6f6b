import { ok, refuse, type Result } from '../shared/result.ts';
import type { DeskPorts } from './desk-ports.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { Notification } from '../ports/notifier.ts';
import { oversightOf } from '../oversight/officer-alerts.ts';
import { COMPLAINT_FORWARD_ROLES } from '../oversight/oversight-settings.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';
import { redactIdentifiers } from '../oversight/redact.ts';

export type ForwardComplaintCode = TicketActionCode | 'COMPLAINT.NOT_ABOUT_OFFICER' | 'COMPLAINT.NO_ADDRESSEES' | 'COMPLAINT.ALREADY_FORWARDED' | 'COMPLAINT.CLOSED' | 'INCIDENT.BUSY';

/**
 * The Pengelola forwards a complaint about an officer as Pasal 9(7) says: to BSSN through BSrE, and to the
 * Walikota — one e-mail each to the `bsre:` and `walikota:` addresses of `RA_INCIDENT_RECIPIENTS`. Manager
 * only; the complaint becomes `escalated`. The mail names the officer (name and appointment decree: a report
 * about an officer must say who) and the request concerned; the complainant's identity stays at the desk.
 */
export async function forwardComplaint(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string }): Promise<Result<{ ticketId: string; recipients: number }, ForwardComplaintCode>> {
  const addressees = oversightOf(p).incidentRecipients.filter((r) => (COMPLAINT_FORWARD_ROLES as readonly string[]).includes(r.role ?? ''));
  return p.uow.run(async (tx) => {
    const opened = await openTicketAction(p, tx, cmd, 'complaint.forward', { managerOnly: true });
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: ForwardComplaintCode) => {
      await p.audit.append({ actor, action: 'complaint.forward', subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id });
    };
    const about = ticket.kind === 'complaint' ? ticket.details['aboutOfficer'] : undefined;
    if (!about) return refused('COMPLAINT.NOT_ABOUT_OFFICER');
    if (ticket.details['forwardedAt']) return refused('COMPLAINT.ALREADY_FORWARDED');
    if (addressees.length === 0) return refused('COMPLAINT.NO_ADDRESSEES');
    const next = lifecycles.complaint.next(ticket.status, 'escalate');
    if (!next.ok) return refused('COMPLAINT.CLOSED');
    const at = p.clock.now().toISOString();
    if (!(await p.cases.change(ticket.id, ticket.version, { status: next.value, details: { ...ticket.details, forwardedAt: at, forwardedBy: opened.officer.telegramId }, updatedAt: at }, tx))) {
      return refused('INCIDENT.BUSY');
    }
    const subjectOfficer = await p.officers.findByTelegramId(about, tx);
    const person = subjectOfficer ? await p.roster.findByPersonId(subjectOfficer.personId, tx) : null;
    const model = {
      ticketId: ticket.id, requestId: ticket.details['aboutRequest'] ?? '', openedAt: ticket.createdAt, forwardedAt: at,
      officerName: person?.name ?? '', appointmentRef: subjectOfficer?.appointmentRef ?? '', description: redactIdentifiers(ticket.details['subject'] ?? ''),
    };
    const mails: Notification[] = addressees.map((r) => ({
      dedupeKey: `complaint-forward:${ticket.id}:${r.address}`, channel: 'email', recipient: r.address, template: 'complaint-forward',
      model: { ...model, addressee: r.role ?? '' }, caseId: ticket.id,
    }));
    const queued = (await p.notifier.enqueueMany(mails, tx)).filter(Boolean).length;
    await p.audit.append({ actor, action: 'complaint.forward', subject: ticket.id, outcome: `forwarded:${queued}` }, tx);
    return ok({ ticketId: ticket.id, recipients: queued });
  });
}
