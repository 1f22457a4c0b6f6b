import { ok, refuse, type Result } from '../shared/result.ts';
import { lifecycles } from './lifecycle-for.ts';
import { isIncidentCategory } from '../incident/incident-category.ts';
import type { Notification } from '../ports/notifier.ts';
import type { DeskPorts } from './desk-ports.ts';
import { deskTime, oversightOf } from '../oversight/officer-alerts.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';
import { redactIdentifiers } from '../oversight/redact.ts';

export type ReportIncidentCode = TicketActionCode | 'INCIDENT.NOT_AN_INCIDENT' | 'INCIDENT.ALREADY_REPORTED' | 'INCIDENT.NO_RECIPIENTS' | 'INCIDENT.CLOSED' | 'INCIDENT.BUSY';

/**
 * "Laporkan": an officer sends the incident report of Pasal 24(1) to the Walikota, the Gubernur, the
 * Kepala BSSN and the Kepala BSrE (`RA_INCIDENT_RECIPIENTS`), one e-mail each, and the incident becomes
 * `escalated` and reported, which stops the hourly re-alerts. Only an officer's tap sends it: a keyword
 * in a mail only opens the ticket and alerts the officers. A second tap queues nothing.
 *
 * The report carries what the addressees need to act and no identifiers of the person: the ticket number,
 * the category (24(3)a/b), when it was reported and by which channel, the affected owner's agency, the
 * certificate serial and revocation request when there is one, whether personal data is involved and the
 * UU PDP notice deadline, and the reporter's description with NIK/NIP-like numbers and e-mail addresses
 * masked. The owner's name, NIK, NIP and address stay at the desk, for the officers to give on request.
 */
export async function reportIncident(p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string }): Promise<Result<{ ticketId: string; recipients: number }, ReportIncidentCode>> {
  const settings = oversightOf(p);
  return p.uow.run(async (tx) => {
    const opened = await openTicketAction(p, tx, cmd, 'incident.report');
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: ReportIncidentCode, params: Record<string, string> = {}) => {
      await p.audit.append({ actor, action: 'incident.report', subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id, ...params });
    };
    if (ticket.kind !== 'incident') return refused('INCIDENT.NOT_AN_INCIDENT');
    if (ticket.details['reportedAt']) return refused('INCIDENT.ALREADY_REPORTED', { at: deskTime(ticket.details['reportedAt'], settings.officeHours.timeZone) });
    if (settings.incidentRecipients.length === 0) return refused('INCIDENT.NO_RECIPIENTS');
    const next = ticket.status === 'escalated' ? { ok: true as const, value: ticket.status } : lifecycles.incident.next(ticket.status, 'escalate');
    if (!next.ok) return refused('INCIDENT.CLOSED');
    const at = p.clock.now().toISOString();
    const details = { ...ticket.details, reportedAt: at, reportedBy: opened.officer.telegramId };
    if (!(await p.cases.change(ticket.id, ticket.version, { status: next.value, details, updatedAt: at }, tx))) return refused('INCIDENT.BUSY');

    const person = ticket.applicant.personId ? await p.roster.findByPersonId(ticket.applicant.personId, tx) : null;
    const revocation = ticket.details['revocationId'] ? await p.cases.get(ticket.details['revocationId'], tx) : null;
    const category = ticket.details['category'] && isIncidentCategory(ticket.details['category']) ? ticket.details['category'] : 'other';
    const model = {
      ticketId: ticket.id, category, openedAt: ticket.createdAt, reportedAt: at, channel: ticket.channel,
      agency: person?.agency ?? '', description: redactIdentifiers(ticket.details['subject'] ?? ''),
      revocationId: revocation?.id ?? '', serial: revocation?.details['serial'] ?? '',
      personalData: ticket.details['personalData'] === 'yes' ? 'yes' : 'no', pdpDeadline: ticket.details['pdpDeadline'] ?? '',
      timeZone: settings.officeHours.timeZone,
    };
    const mails: Notification[] = settings.incidentRecipients.map((r) => ({
      dedupeKey: `incident-report:${ticket.id}:${r.address}`, channel: 'email', recipient: r.address, template: 'incident-report',
      model: { ...model, addressee: r.role ?? '' }, caseId: ticket.id,
    }));
    const queued = (await p.notifier.enqueueMany(mails, tx)).filter(Boolean).length;
    await p.audit.append({ actor, action: 'incident.report', subject: ticket.id, outcome: `reported:${queued}` }, tx);
    return ok({ ticketId: ticket.id, recipients: queued });
  });
}
