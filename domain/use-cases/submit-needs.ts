import { ok, refuse, type Result } from '../shared/result.ts';
import { isTelegramId } from '../people/officer.ts';
import { normaliseEmail } from '../shared/email.ts';
import { officerActor, personActor, SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import { canManage } from '../people/officer.ts';
import { parseNeedsCounts, needsTotal, rankNeeds, type NeedsSubmission } from '../needs/needs-inventory.ts';
import type { NeedsStore } from '../ports/needs-store.ts';
import type { DeskPorts } from './desk-ports.ts';
import { agencyKey, deskDate } from '../certificates/reminders.ts';
import type { Officer } from '../people/officer.ts';

export type SubmitNeedsCode = 'NEEDS.NOT_AGENCY_ADMIN' | 'NEEDS.NO_AGENCY' | 'NEEDS.BAD_COUNTS';

/** Who is sending: an agency admin's Telegram account (bot) or their dinas address, authenticated by the mail channel. */
export type NeedsSender = { readonly telegramId: string } | { readonly email: string };

/**
 * An agency's `agency_admin` sends its needs inventory (Pasal 10(2)-(3)); a later one the same year
 * replaces it in the Pengelola's ranking (both are kept). The agency is the admin's own, from the roster:
 * nobody can file for another agency. Bad counts write nothing. Audited with ids and the total only.
 */
export async function submitNeeds(p: DeskPorts, store: NeedsStore, sender: NeedsSender, text: string): Promise<Result<NeedsSubmission, SubmitNeedsCode>> {
  const officers = await p.officers.list();
  let admin: Officer | null;
  let actor: Actor = SYSTEM_ACTOR;
  if ('telegramId' in sender) {
    const id = sender.telegramId.trim();
    if (isTelegramId(id)) actor = officerActor(id);
    admin = officers.find((o) => o.telegramId === id) ?? null;
  } else {
    const person = await p.roster.findByEmail(normaliseEmail(sender.email));
    if (person) actor = personActor(person.personId);
    admin = person ? officers.find((o) => o.personId === person.personId && o.role === 'agency_admin' && o.active) ?? null : null;
  }
  const refused = async (code: SubmitNeedsCode) => {
    await p.uow.run((tx) => p.audit.append({ actor, action: 'needs.submit', subject: 'needs_inventory', outcome: `refused:${code}` }, tx));
    return refuse(code, code === 'NEEDS.BAD_COUNTS' ? { max: 20_000 } : {});
  };
  if (!admin || !admin.active || admin.role !== 'agency_admin') return refused('NEEDS.NOT_AGENCY_ADMIN');
  const person = await p.roster.findByPersonId(admin.personId);
  if (!person?.agency) return refused('NEEDS.NO_AGENCY');
  const counts = parseNeedsCounts(text);
  if (!counts.ok) return refused('NEEDS.BAD_COUNTS');
  const now = p.clock.now();
  const submission: NeedsSubmission = {
    agency: person.agency, year: Number(deskDate(now).slice(0, 4)),
    counts: counts.value, submittedBy: actor, channel: 'telegramId' in sender ? 'telegram' : 'email', submittedAt: now.toISOString(),
  };
  await p.uow.run(async (tx) => {
    await store.record(submission, tx);
    await p.audit.append({ actor, action: 'needs.submit', subject: `agency:${agencyKey(person.agency)}`, outcome: `total:${needsTotal(counts.value)}` }, tx);
  });
  return ok(submission);
}

/** The Pengelola's ranked view (Pasal 10(1)e) for a year; only a manager may read it (refusals audited). */
export async function rankedNeeds(p: DeskPorts, store: NeedsStore, cmd: { telegramId: string; year: number }): Promise<Result<NeedsSubmission[], 'NEEDS.NOT_A_MANAGER'>> {
  const id = cmd.telegramId.trim();
  const officer = isTelegramId(id) ? await p.officers.findByTelegramId(id) : null;
  if (!officer || !canManage(officer)) {
    await p.uow.run((tx) => p.audit.append({ actor: isTelegramId(id) ? officerActor(id) : SYSTEM_ACTOR, action: 'needs.read', subject: 'needs_inventory', outcome: 'refused:NEEDS.NOT_A_MANAGER' }, tx));
    return refuse('NEEDS.NOT_A_MANAGER');
  }
  return ok(rankNeeds(await store.latest(cmd.year)));
}
