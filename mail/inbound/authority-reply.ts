import type { EntityManager } from 'typeorm';
import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import { isTicketKind } from '../../domain/requests/case-kind.ts';
import { dutyOfficers, oversightOf, ticketAlerts } from '../../domain/oversight/officer-alerts.ts';
import type { InboundMessage } from './inbound-message.ts';
import { findThreadCase } from './find-thread.ts';

/** The roles of RA_INCIDENT_RECIPIENTS, and BSrE support, as officers read them. */
const LABEL: Readonly<Record<string, string>> = { walikota: 'Wali Kota', gubernur: 'Gubernur', bssn: 'BSSN', bsre: 'BSrE' };

/** Who, among the authorities the desk writes to (Pasal 9(7), 22(2), 24(1)), sent this; null for anyone else. */
export function authorityOf(ports: DeskPorts, sender: string): string | null {
  const o = oversightOf(ports);
  const address = sender.trim().toLowerCase();
  if (o.bsreSupportEmail === address) return 'BSrE';
  const r = o.incidentRecipients.find((x) => x.address === address);
  return r ? (r.role ? LABEL[r.role] ?? r.role : address) : null;
}

/**
 * A reply from an authority the desk wrote to (an incident report, a help request to BSrE, a forwarded
 * complaint) is no request: it is archived with its ticket and the officers who may read the ticket are
 * told on Telegram. It is never answered — no "use your dinas address" or "you are not the applicant"
 * mail goes back to the Governor or to BSrE. A mail from an authority outside the city's domains with no
 * ticket thread is quarantined, silently. Returns null when the mail is not such a reply: the Walikota
 * writing from a city address about their own certificate (Pasal 13(1)a) is an applicant like any other.
 */
export async function handleAuthorityReply(
  ports: DeskPorts, manager: EntityManager, tx: TransactionHandle, msg: InboundMessage, who: string, foreign: boolean,
  audit: (action: string, subject: string, outcome: string) => Promise<unknown>,
): Promise<{ outcome: 'supplement' | 'quarantined'; caseId: string | null; reason: string; folder: 'processed' | 'quarantine' } | null> {
  const caseId = await findThreadCase(manager, msg);
  const found = caseId ? await ports.cases.get(caseId, tx) : null;
  const ticket = found && isTicketKind(found.kind) && found.applicant.email !== (msg.from ?? '').toLowerCase() ? found : null;
  if (!ticket) {
    if (!foreign) return null;
    await audit('mail.quarantine', 'mail', 'authority_no_thread');
    return { outcome: 'quarantined', caseId: null, reason: 'authority_no_thread', folder: 'quarantine' };
  }
  await ports.vault.store({ requestId: ticket.id, kind: 'original_message', bytes: msg.raw, mediaType: 'message/rfc822' }, tx);
  const officers = await dutyOfficers(ports);
  const key = `authority-reply:${msg.messageId ?? String(msg.raw.length)}`.slice(0, 180);
  await ports.notifier.enqueueMany(ticketAlerts(ticket, key, 'authority-reply', officers, { from: who }), tx);
  await audit('mail.authority_reply', ticket.id, ticket.kind);
  return { outcome: 'supplement', caseId: ticket.id, reason: 'authority_reply', folder: 'processed' };
}
