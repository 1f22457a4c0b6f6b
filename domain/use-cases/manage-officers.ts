import { ok, refuse, type Result } from '../shared/result.ts';
import { parseNip } from '../identity/nip.ts';
import { isOfficerRole, isTelegramId, type Officer } from '../people/officer.ts';
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
  | 'OFFICER.ROSTER_INACTIVE' | 'OFFICER.NOT_FOUND' | 'OFFICER.TELEGRAM_ID_TAKEN';

/** Appoints an officer, the Pengelola or an agency admin; each must be an ASN on the roster (Pasal 9(4)). */
export async function addOfficer(p: DeskPorts, cmd: AddOfficerCommand): Promise<Result<Officer, OfficerCode | string>> {
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
  const officer: Officer = { telegramId, personId: person.personId, nip: nip.value.value, role: cmd.role, appointmentRef, active: true };
  const at = p.clock.now().toISOString();
  await p.uow.run(async (tx) => {
    await p.officers.save(officer, at, tx);
    await p.audit.append({ actor: cmd.actor ?? SYSTEM_ACTOR, action: 'officer.add', subject: `officer:${telegramId}`, outcome: cmd.role }, tx);
  });
  return ok(officer);
}

export async function removeOfficer(p: DeskPorts, telegramId: string, actor: Actor = SYSTEM_ACTOR): Promise<Result<void, OfficerCode>> {
  if (!isTelegramId(telegramId.trim())) return refuse('OFFICER.BAD_TELEGRAM_ID');
  const at = p.clock.now().toISOString();
  const removed = await p.uow.run(async (tx) => {
    const done = await p.officers.deactivate(telegramId.trim(), at, tx);
    if (done) await p.audit.append({ actor, action: 'officer.remove', subject: `officer:${telegramId.trim()}`, outcome: 'removed' }, tx);
    return done;
  });
  return removed ? ok(undefined) : refuse('OFFICER.NOT_FOUND');
}
