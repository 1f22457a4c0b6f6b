import { ok, refuse, type Result } from '../shared/result.ts';
import { parseOfficialEmail, type EmailCode } from '../shared/email.ts';
import { maskNik, parseNik, type NikCode } from '../identity/nik.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import { requireManager, type ManagerCode } from './manager-authority.ts';
import type { DeskPorts } from './desk-ports.ts';

export interface AllowOutsiderCommand {
  readonly email: string;
  /** Personal data: hashed at once with the desk's keyed hasher, never stored, logged or audited in clear. */
  readonly nik: string;
  readonly name: string;
  /** The Pengelola's letter (nomor surat) or reason. */
  readonly reference: string;
  /** The Pengelola in the bot. Absent from the CLI, whose operator holds the server and the master key (actor `system`). */
  readonly managerTelegramId?: string;
}

export interface OutsiderAllowed {
  readonly permitId: string;
  readonly email: string;
  /** The NIK as it may be echoed (`6171********0003`). */
  readonly maskedNik: string;
  readonly name: string;
}

export type OutsiderCode =
  | ManagerCode | EmailCode | NikCode
  | 'OUTSIDER.NAME_MISSING' | 'OUTSIDER.REFERENCE_MISSING' | 'OUTSIDER.ON_ROSTER' | 'OUTSIDER.ALREADY_PERMITTED' | 'OUTSIDER.NOT_FOUND';

/** Longest name or reference kept: a person's full name with titles, a letter number. */
const MAX_TEXT = 200;

async function actorFor(p: DeskPorts, managerTelegramId: string | undefined, action: string): Promise<Result<Actor, ManagerCode>> {
  return managerTelegramId === undefined ? ok(SYSTEM_ACTOR) : requireManager(p, managerTelegramId, action);
}

/** What a permit will say, checked without writing, so a channel can ask for confirmation first. */
export interface OutsiderPermitDraft {
  readonly email: string;
  readonly maskedNik: string;
  readonly name: string;
  readonly reference: string;
}

/**
 * Checks a permit's fields (no authority check, no write): a dinas address, since an application from
 * any other address fails Pasal 15(2)c anyway; a well-formed NIK; a name; the Pengelola's reference; and
 * someone not on the roster, who needs no permit. Refusals never carry the NIK.
 */
export async function checkOutsider(p: DeskPorts, cmd: Omit<AllowOutsiderCommand, 'managerTelegramId'>): Promise<Result<OutsiderPermitDraft, OutsiderCode>> {
  const email = parseOfficialEmail(cmd.email, p.settings.officialDomains);
  if (!email.ok) return email;
  const nik = parseNik(cmd.nik);
  if (!nik.ok) return nik;
  const reference = cmd.reference.trim().slice(0, MAX_TEXT);
  if (!reference) return refuse('OUTSIDER.REFERENCE_MISSING');
  const name = cmd.name.trim().replace(/\s+/g, ' ').slice(0, MAX_TEXT);
  if (!name) return refuse('OUTSIDER.NAME_MISSING');
  if (await p.roster.findByEmail(email.value)) return refuse('OUTSIDER.ON_ROSTER');
  if (await p.permits.findByEmail(email.value)) return refuse('OUTSIDER.ALREADY_PERMITTED');
  return ok({ email: email.value, maskedNik: maskNik(nik.value), name, reference });
}

/**
 * The Pengelola allows a "pihak lain" — someone not on the ASN roster — to apply (Pasal 13(1)c). The
 * permit binds the dinas address to the keyed hash of the NIK: an application passes the roster item
 * only with both (see `gatherIdentityFacts`). Fields are checked by {@link checkOutsider}. Audited as
 * `outsider.allow` with the permit id only: no NIK, name or address in the log.
 *
 * @example
 * const r = await allowOutsider(ports, { email: 'tenaga.ahli@pontianak.go.id', nik, name: 'Rina', reference: '800/45/DISKOMINFO/2026', managerTelegramId: '5550007' });
 * if (r.ok) reply(`NIK ${r.value.maskedNik}`);
 */
export async function allowOutsider(p: DeskPorts, cmd: AllowOutsiderCommand): Promise<Result<OutsiderAllowed, OutsiderCode>> {
  const who = await actorFor(p, cmd.managerTelegramId, 'outsider.allow');
  if (!who.ok) return who;
  const draft = await checkOutsider(p, cmd);
  if (!draft.ok) return draft;
  const { email, name, reference, maskedNik } = draft.value;
  const at = p.clock.now().toISOString();
  const permitId = await p.uow.run(async (tx) => {
    // Checked again inside the transaction: two confirmations at once make one permit.
    if (await p.permits.findByEmail(email, tx)) return null;
    const id = await p.permits.grant({ email, nikLookup: p.hasher.nikLookup(cmd.nik.replace(/\s+/g, '')), name, grantedBy: who.value, reference, at }, tx);
    await p.audit.append({ actor: who.value, action: 'outsider.allow', subject: `permit:${id}`, outcome: 'allowed' }, tx);
    return id;
  });
  if (permitId === null) return refuse('OUTSIDER.ALREADY_PERMITTED');
  return ok({ permitId, email, maskedNik, name });
}

/**
 * Withdraws a permit: later applications from that address fail the roster item again. Requests
 * already made are not touched — an officer decides them. Audited as `outsider.revoke`.
 */
export async function revokeOutsider(
  p: DeskPorts, cmd: { readonly email: string; readonly managerTelegramId?: string },
): Promise<Result<{ permitId: string }, ManagerCode | 'EMAIL.MALFORMED' | 'OUTSIDER.NOT_FOUND'>> {
  const who = await actorFor(p, cmd.managerTelegramId, 'outsider.revoke');
  if (!who.ok) return who;
  const email = parseOfficialEmail(cmd.email, p.settings.officialDomains);
  if (!email.ok) return email.code === 'EMAIL.MALFORMED' ? refuse('EMAIL.MALFORMED') : refuse('OUTSIDER.NOT_FOUND');
  const at = p.clock.now().toISOString();
  const permitId = await p.uow.run(async (tx) => {
    const id = await p.permits.revoke(email.value, who.value, at, tx);
    if (id) await p.audit.append({ actor: who.value, action: 'outsider.revoke', subject: `permit:${id}`, outcome: 'revoked' }, tx);
    return id;
  });
  return permitId ? ok({ permitId }) : refuse('OUTSIDER.NOT_FOUND');
}
