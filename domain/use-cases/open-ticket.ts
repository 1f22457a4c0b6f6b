import { ok, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import type { Channel, TicketKind } from '../requests/case-kind.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import type { RosterPerson } from '../roster/roster-person.ts';
import { incidentCategoryOf, isIncidentCategory, type IncidentCategory } from '../incident/incident-category.ts';
import { complaintReaders, dutyOfficers, incidentAlerts, oversightOf, ticketAlerts } from '../oversight/officer-alerts.ts';
import { isCaseId } from '../requests/case-id.ts';

export interface TicketInput {
  readonly kind: TicketKind;
  readonly channel: Channel;
  readonly email: string;
  /** Short subject line shown to officers; the full text is archived in the vault by the channel. */
  readonly subject: string;
  readonly telegramChatId?: string;
  readonly replyTo?: ReplyContext;
  /** The desk could not tell what was asked: reply with what it can do instead of a plain acknowledgement. */
  readonly unclassified?: boolean;
  /** False when the channel answers on the spot (the bot). */
  readonly acknowledge?: boolean;
  /** An incident's category (Pasal 24(3)) as the reporter chose it; else guessed from the subject. */
  readonly category?: IncidentCategory;
  /**
   * A complaint about how one of the complainant's own requests was handled: the officer who decided it
   * is the one complained about (Pasal 9(7)). Ignored unless the request is the complainant's and decided.
   */
  readonly aboutRequestId?: string;
}

export interface TicketOutcome {
  readonly ticketId: string;
}

/**
 * Opens a ticket: a security incident (Pasal 24), a help request (Pasal 22) or a complaint (Pasal 9(7),
 * 10(1)j). Served by the mail handler and the bot. Officers' alerts and SLA timers hang off the
 * `ticket.open` audit row and the ticket's status; they arrive with the oversight issue.
 */
export async function openTicket(p: DeskPorts, input: TicketInput): Promise<Result<TicketOutcome, never>> {
  const email = normaliseEmail(input.email);
  const person = email ? await p.roster.findByEmail(email) : null;
  const details: Record<string, string> = {};
  if (input.kind === 'complaint' && input.aboutRequestId && isCaseId(input.aboutRequestId)) {
    const request = await p.cases.get(input.aboutRequestId);
    const own = request !== null && (person ? request.applicant.personId === person.personId : email !== '' && request.applicant.email === email);
    if (own && request.decision) Object.assign(details, { aboutRequest: request.id, aboutOfficer: request.decision.officerTelegramId });
  }
  const ticketId = await p.uow.run((tx) => createTicket(p, tx, { ...input, email, details }, person));
  return ok({ ticketId });
}

/**
 * Writes a ticket inside the caller's transaction: for use cases that open one as part of their own
 * work (a lost-key revocation is also an incident, Pasal 24(3)a), so both commit or neither does.
 */
export async function createTicket(
  p: DeskPorts, tx: TransactionHandle, input: TicketInput & { readonly details?: Readonly<Record<string, string>> }, person: RosterPerson | null,
): Promise<string> {
  const email = normaliseEmail(input.email);
  const now = p.clock.now();
  const at = now.toISOString();
  const subject = input.subject.replace(/\s+/g, ' ').trim().slice(0, 200);
  const id = await p.cases.nextId(input.kind, now.getUTCFullYear(), tx);
  const given = input.details?.['category'] ?? input.category;
  const category = input.kind === 'incident' ? { category: given && isIncidentCategory(given) ? given : incidentCategoryOf(subject) } : {};
  await p.cases.create({
    id, kind: input.kind, status: 'open', channel: input.channel,
    applicant: { personId: person?.personId ?? null, nip: person?.nip ?? null, email, name: person?.name ?? email },
    applicantNik: null, certificateType: null, uses: [],
    details: {
      ...input.details, ...category, subject, ...(input.telegramChatId ? { telegramChatId: input.telegramChatId } : {}), ...(input.unclassified ? { unclassified: 'yes' } : {}),
    },
    checks: [], reviewRound: 0, createdAt: at,
  }, tx);
  await p.audit.append({ actor: person ? personActor(person.personId) : SYSTEM_ACTOR, action: 'ticket.open', subject: id, outcome: input.kind }, tx);
  await alertOfficers(p, tx, id, input.kind);
  if (input.acknowledge !== false) await p.notifier.enqueue({
    dedupeKey: `received:${id}`, channel: input.channel,
    recipient: input.channel === 'telegram' && input.telegramChatId ? input.telegramChatId : email,
    template: input.unclassified ? 'desk-capabilities' : 'ticket-received',
    model: { ticketId: id, kind: input.kind }, caseId: id,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
  }, tx);
  return id;
}

/**
 * Officers hear of an incident at once (Pasal 24(1): the report must go "segera"), each once, with the
 * "Laporkan" button; the Pengelola hears of a complaint about an officer (Pasal 9(7)). Other tickets wait
 * in the queue and the SLA sweep.
 */
async function alertOfficers(p: DeskPorts, tx: TransactionHandle, id: string, kind: TicketInput['kind']): Promise<void> {
  // A help ticket alerts nobody: no need to read it back (most tickets are help requests).
  if (kind !== 'incident' && kind !== 'complaint') return;
  const ticket = await p.cases.get(id, tx);
  if (!ticket) return;
  const officers = await dutyOfficers(p);
  if (ticket.kind === 'incident') await p.notifier.enqueueMany(incidentAlerts(ticket, 0, officers, oversightOf(p).officeHours.timeZone), tx);
  if (ticket.kind === 'complaint' && ticket.details['aboutOfficer']) {
    await p.notifier.enqueueMany(ticketAlerts(ticket, 'complaint-officer', 'complaint-about-officer', complaintReaders(officers, ticket), { requestId: ticket.details['aboutRequest'] ?? '-' }), tx);
  }
}
