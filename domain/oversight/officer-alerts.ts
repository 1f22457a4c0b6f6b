import type { Notification } from '../ports/notifier.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import { canDecide, canManage, type Officer } from '../people/officer.ts';
import type { DeskPorts } from '../use-cases/desk-ports.ts';
import { isIncidentCategory } from '../incident/incident-category.ts';
import { DEFAULT_OVERSIGHT, type OversightSettings } from './oversight-settings.ts';
import { mayRead } from './ticket-visibility.ts';

export const oversightOf = (p: DeskPorts): OversightSettings => p.settings.oversight ?? DEFAULT_OVERSIGHT;

/** Officers on duty: active officers and the Pengelola (agency admins do not handle tickets). */
export async function dutyOfficers(p: DeskPorts): Promise<Officer[]> {
  return (await p.officers.list()).filter(canDecide);
}

/** A short, single-line stand-in for what the reporter wrote, for officers' alerts. */
const gist = (c: CaseRecord): string => (c.details['subject'] ?? '').slice(0, 300);

/** A moment as an Indonesian reader writes it, in the desk's zone: "25 November 2026 pukul 14.05 WIB". */
export const deskTime = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));

/**
 * The Telegram alert of an incident (Pasal 24(1)) to each officer on duty, with "Laporkan". `round` 0 is
 * the alert on creation, `n` the re-alert in the n-th hour while no officer has reported it; the dedupe
 * key (incident, round, officer) makes each officer get each round at most once.
 *
 * The model's `kind` is the category, so the Telegram sender picks `TG.incident-alert.<category>`.
 */
export function incidentAlerts(c: CaseRecord, round: number, officers: readonly Officer[], timeZone: string): Notification[] {
  const category = c.details['category'] && isIncidentCategory(c.details['category']) ? c.details['category'] : 'other';
  const model = {
    ticketId: c.id, kind: category, subject: gist(c), name: c.applicant.name || '-', openedAt: deskTime(c.createdAt, timeZone),
    round, hours: round,
  };
  return officers.map((o) => ({
    dedupeKey: `incident-alert:${c.id}:${round}:${o.telegramId}`, channel: 'telegram' as const, recipient: o.telegramId,
    template: round === 0 ? 'incident-alert' : 'incident-realert', model, caseId: c.id,
  }));
}

/** A one-line alert to officers about a ticket (SLA breach, PDP deadline), keyed once per officer and event. */
export function ticketAlerts(c: CaseRecord, event: string, template: string, officers: readonly Officer[], model: Readonly<Record<string, string | number>>): Notification[] {
  return officers.filter((o) => mayRead(o, c)).map((o) => ({
    dedupeKey: `${event}:${c.id}:${o.telegramId}`, channel: 'telegram' as const, recipient: o.telegramId,
    template, model: { ticketId: c.id, subject: gist(c), ...model }, caseId: c.id,
  }));
}

/** Managers who may read a complaint (not the officer it is about). */
export const complaintReaders = (officers: readonly Officer[], c: CaseRecord): Officer[] => officers.filter((o) => canManage(o) && mayRead(o, c));
