import { ok, refuse, type Result } from '../shared/result.ts';
import { parseNip } from '../identity/nip.ts';
import { canManage, isOfficerRole, isTelegramId, type Officer } from '../people/officer.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';

export interface AddOfficerCommand {
  readonly telegramId: string;
  readonly nip: string;
  readonly role: string;
  /** Reference of the appointment letter (surat penunjukan, Pasal 9(4)). */
  readonly appointmentRef: string;
  readonly actor?: Actor;
}

export type OfficerCode =
  | 'OFFICER.BAD_TELEGRAM_ID' | 'OFFICER.BAD_ROLE' | 'OFFICER.APPOINTMENT_MISSING' | 'OFFICER.NOT_ON_ROSTER'
  | 'OFFICER.ROSTER_INACTIVE' | 'OFFICER.NOT_FOUND' | 'OFFICER.TELEGRAM_ID_TAKEN' | 'OFFICER.LAST_MANAGER';

/** True when `telegramId` is the only active Pengelola: the desk must never be left without one. */
async function isLastManager(p: DeskPorts, telegramId: string): Promise<boolean> {
  const managers = (await p.officers.list()).filter(canManage);
  return managers.length === 1 && managers[0]!.telegramId === telegramId;
}

/** An appointment that passed every check, with the roster name to show before it is confirmed. */
export interface Appointment {
  readonly officer: Officer;
  readonly name: string;
}

/**
 * Checks an appointment without writing anything, so a channel can show what will happen and ask for
 * confirmation; {@link addOfficer} runs the same checks again when it writes.
 */
export async function checkAppointment(p: DeskPorts, cmd: AddOfficerCommand): Promise<Result<Appointment, OfficerCode | string>> {
  const telegramId = cmd.telegramId.trim();
  if (!isTelegramId(telegramId)) return refuse('OFFICER.BAD_TELEGRAM_ID');
  if (!isOfficerRole(cmd.role)) return refuse('OFFICER.BAD_ROLE', { given: cmd.role.slice(0, 20) });
  const appointmentRef = cmd.appointmentRef.trim();
  if (!appointmentRef) return refuse('OFFICER.APPOINTMENT_MISSING');
  const nip = parseNip(cmd.nip);
  if (!nip.ok) return nip;
  const person = await p.roster.findByNip(nip.value.value);
  if (!person) return refuse('OFFICER.NOT_ON_ROSTER');
  if (!person.active) return refuse('OFFICER.ROSTER_INACTIVE');
  const existing = await p.officers.findByTelegramId(telegramId);
  if (existing && existing.active && existing.personId !== person.personId) return refuse('OFFICER.TELEGRAM_ID_TAKEN');
  if (existing && cmd.role !== 'manager' && (await isLastManager(p, telegramId))) return refuse('OFFICER.LAST_MANAGER');
  return ok({ officer: { telegramId, personId: person.personId, nip: nip.value.value, role: cmd.role, appointmentRef, active: true }, name: person.name });
}

/** Appoints an officer, the Pengelola or an agency admin; each must be an ASN on the roster (Pasal 9(4)). */
export async function addOfficer(p: DeskPorts, cmd: AddOfficerCommand): Promise<Result<Officer, OfficerCode | string>> {
  const checked = await checkAppointment(p, cmd);
  if (!checked.ok) return checked;
  const { officer } = checked.value;
  const { telegramId } = officer;
  const at = p.clock.now().toISOString();
  await p.uow.run(async (tx) => {
    await p.officers.save(officer, at, tx);
    await p.audit.append({ actor: cmd.actor ?? SYSTEM_ACTOR, action: 'officer.add', subject: `officer:${telegramId}`, outcome: officer.role }, tx);
  });
  return ok(officer);
}

/** The active officer a removal would deactivate, checked without writing (see {@link checkAppointment}). */
export async function checkRemoval(p: DeskPorts, telegramId: string): Promise<Result<Officer, OfficerCode>> {
  const id = telegramId.trim();
  if (!isTelegramId(id)) return refuse('OFFICER.BAD_TELEGRAM_ID');
  const officer = await p.officers.findByTelegramId(id);
  if (!officer?.active) return refuse('OFFICER.NOT_FOUND');
  if (await isLastManager(p, id)) return refuse('OFFICER.LAST_MANAGER');
  return ok(officer);
}

/** Deactivates an officer (the row stays, for the audit trail); the last active Pengelola stays. */
export async function removeOfficer(p: DeskPorts, telegramId: string, actor: Actor = SYSTEM_ACTOR): Promise<Result<void, OfficerCode>> {
  if (!isTelegramId(telegramId.trim())) return refuse('OFFICER.BAD_TELEGRAM_ID');
  if (await isLastManager(p, telegramId.trim())) return refuse('OFFICER.LAST_MANAGER');
  const at = p.clock.now().toISOString();
  const removed = await p.uow.run(async (tx) => {
    const done = await p.officers.deactivate(telegramId.trim(), at, tx);
    if (done) await p.audit.append({ actor, action: 'officer.remove', subject: `officer:${telegramId.trim()}`, outcome: 'removed' }, tx);
    return done;
  });
  return removed ? ok(undefined) : refuse('OFFICER.NOT_FOUND');
}
