import type { DeskPorts } from './desk-ports.ts';
import type { Notification } from '../ports/notifier.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import { SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { RaError } from '../shared/ra-error.ts';
import { HOUR_MS, pdpReminderDue } from '../incident/pdp-deadline.ts';
import { addOfficeHours } from '../help/office-hours.ts';
import { deskTime, dutyOfficers, incidentAlerts, oversightOf, ticketAlerts } from '../oversight/officer-alerts.ts';

const LIVE = ['open', 'answered', 'escalated'] as const;

/** What one sweep queued; counts only (the audit row and the CLI show these). */
export interface OversightReport {
  readonly incidents: number;
  /** Re-alerts of incidents not yet reported (Pasal 24(1)), one per officer per hour at most. */
  readonly realerts: number;
  /** UU PDP Pasal 46 reminders (48 h, 66 h) and overdue alerts. */
  readonly pdpReminders: number;
  readonly helpTickets: number;
  /** SLA breach alerts (first response, resolution), one per breach per officer. */
  readonly slaBreaches: number;
}

/**
 * The help-ticket SLA deadlines (Pasal 22), in office hours from when the ticket was opened, or from the
 * reporter's follow-up that put it back in the queue (follow-up-ticket.ts).
 */
export function slaDeadlines(p: DeskPorts, c: CaseRecord): { firstResponse: Date; resolution: Date } {
  const s = oversightOf(p);
  const opened = new Date(c.details['followUpAt'] ?? c.createdAt);
  return { firstResponse: addOfficeHours(opened, s.firstResponseHours, s.officeHours), resolution: addOfficeHours(opened, s.resolutionHours, s.officeHours) };
}

/**
 * The hourly oversight sweep, run by `ra-desk serve` and `ra-desk oversight run`:
 * - an incident no officer has reported yet is re-alerted to every officer on duty, once per hour since
 *   it was opened (Pasal 24(1) says "segera");
 * - an incident involving personal data whose UU PDP notice is not recorded reminds the officers at 48 h
 *   and 66 h, and once more when the 72 h have passed;
 * - a help ticket past its first-response or resolution deadline (office hours) alerts the officers once
 *   per breach. An escalated ticket waits for BSrE and is not counted against the resolution deadline.
 * Idempotent: every message has a dedupe key naming the event, so two runs in the same hour (cron and
 * serve) queue each message once. One audit row per run, counts only.
 */
export async function runOversightSweep(p: DeskPorts, input: { now: Date }): Promise<OversightReport> {
  const now = input.now;
  if (!Number.isFinite(now.getTime())) throw new RaError('OVERSIGHT.BAD_NOW', 'The sweep needs a valid point in time');
  const zone = oversightOf(p).officeHours.timeZone;
  const officers = await dutyOfficers(p);
  // Only tickets still open: a year of resolved tickets is never read (the register filters by kind and status).
  const live = async (kind: 'incident' | 'help'): Promise<CaseRecord[]> => (await Promise.all(LIVE.map((status) => p.cases.list({ kind, status, limit: 100_000 }))))
    .flat().filter((c) => new Date(c.createdAt) <= now);
  const incidents = await live('incident');
  const helps = await live('help');
  const realerts: Notification[] = [];
  const pdp: Notification[] = [];
  const sla: Notification[] = [];

  for (const c of incidents) {
    const hours = Math.floor((now.getTime() - new Date(c.createdAt).getTime()) / HOUR_MS);
    if (!c.details['reportedAt'] && hours >= 1) realerts.push(...incidentAlerts(c, hours, officers, zone));
    if (c.details['personalData'] === 'yes' && !c.details['pdpNoticeAt']) {
      const due = pdpReminderDue(new Date(c.createdAt), now);
      const deadline = deskTime(c.details['pdpDeadline'] ?? c.createdAt, zone);
      if (due !== null) pdp.push(...ticketAlerts(c, `pdp:${due}`, due === 'overdue' ? 'pdp-overdue' : 'pdp-reminder', officers, { deadline, hours: due === 'overdue' ? 72 : due }));
    }
  }
  for (const c of helps) {
    const { firstResponse, resolution } = slaDeadlines(p, c);
    // Each follow-up round has its own deadlines, so its breaches are alerted too.
    const round = c.details['followUpAt'] ? `:${c.details['followUpAt']}` : '';
    if (!c.details['firstResponseAt'] && now > firstResponse) {
      sla.push(...ticketAlerts(c, `sla:first${round}`, 'sla-breach', officers, { kind: 'first', deadline: deskTime(firstResponse.toISOString(), zone) }));
    }
    if (c.status !== 'escalated' && now > resolution) {
      sla.push(...ticketAlerts(c, `sla:resolution${round}`, 'sla-breach', officers, { kind: 'resolution', deadline: deskTime(resolution.toISOString(), zone) }));
    }
  }

  return p.uow.run(async (tx) => {
    const count = async (ns: Notification[]) => (ns.length > 0 ? (await p.notifier.enqueueMany(ns, tx)).filter(Boolean).length : 0);
    const report: OversightReport = {
      incidents: incidents.length, realerts: await count(realerts), pdpReminders: await count(pdp), helpTickets: helps.length, slaBreaches: await count(sla),
    };
    await p.audit.append({
      actor: SYSTEM_ACTOR, action: 'oversight.run', subject: `oversight:${now.toISOString().slice(0, 13)}`,
      outcome: `realerts:${report.realerts}/pdp:${report.pdpReminders}/sla:${report.slaBreaches}`,
    }, tx);
    return report;
  });
}
