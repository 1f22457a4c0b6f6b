import { ok, refuse, type Result } from '../shared/result.ts';
import type { DeskPorts } from './desk-ports.ts';
import { pdpDeadline } from '../incident/pdp-deadline.ts';
import { deskTime, oversightOf } from '../oversight/officer-alerts.ts';
import { openTicketAction, isRefusal, type TicketActionCode } from '../oversight/ticket-action.ts';

export type PersonalDataCode = TicketActionCode | 'INCIDENT.NOT_AN_INCIDENT' | 'PDP.ALREADY_MARKED' | 'PDP.NOT_MARKED' | 'PDP.ALREADY_NOTIFIED' | 'INCIDENT.BUSY';

/**
 * An officer judges that an incident involves personal data ("melibatkan data pribadi"): the UU 27/2022
 * Pasal 46 notice is then due within 3 × 24 hours of the incident's creation, and the sweep reminds the
 * officers before it passes (`pdp-deadline.ts`). `notified` records that the notice went out, which ends
 * the reminders. Whether personal data is involved is the officer's call, never automatic: a lost token
 * exposes no data by itself (the certificate is public), a leaked mailbox does.
 */
export async function markIncidentPersonalData(
  p: DeskPorts, cmd: { ticketId: string; officerTelegramId: string; step: 'involved' | 'notified' },
): Promise<Result<{ ticketId: string; deadline: string }, PersonalDataCode>> {
  const zone = oversightOf(p).officeHours.timeZone;
  return p.uow.run(async (tx) => {
    const action = cmd.step === 'involved' ? 'incident.personal_data' : 'incident.pdp_notified';
    const opened = await openTicketAction(p, tx, cmd, action);
    if (isRefusal(opened)) return opened;
    const { ticket, actor } = opened;
    const refused = async (code: PersonalDataCode) => {
      await p.audit.append({ actor, action, subject: ticket.id, outcome: `refused:${code}` }, tx);
      return refuse(code, { id: ticket.id });
    };
    if (ticket.kind !== 'incident') return refused('INCIDENT.NOT_AN_INCIDENT');
    const marked = ticket.details['personalData'] === 'yes';
    if (cmd.step === 'involved' && marked) return refused('PDP.ALREADY_MARKED');
    if (cmd.step === 'notified' && !marked) return refused('PDP.NOT_MARKED');
    if (cmd.step === 'notified' && ticket.details['pdpNoticeAt']) return refused('PDP.ALREADY_NOTIFIED');
    const at = p.clock.now().toISOString();
    const deadline = ticket.details['pdpDeadline'] ?? pdpDeadline(new Date(ticket.createdAt)).toISOString();
    const details = cmd.step === 'involved'
      ? { ...ticket.details, personalData: 'yes', pdpDeadline: deadline }
      : { ...ticket.details, pdpNoticeAt: at, pdpNoticeBy: opened.officer.telegramId };
    if (!(await p.cases.change(ticket.id, ticket.version, { status: ticket.status, details, updatedAt: at }, tx))) return refused('INCIDENT.BUSY');
    await p.audit.append({ actor, action, subject: ticket.id, outcome: cmd.step === 'involved' ? 'marked' : 'notified' }, tx);
    return ok({ ticketId: ticket.id, deadline: deskTime(deadline, zone) });
  });
}
