import { ok, refuse, type Result } from '../shared/result.ts';
import { canManage, isTelegramId } from '../people/officer.ts';
import { officerActor, SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';

export type ManagerCode = 'MANAGER.NOT_A_MANAGER';

/**
 * Only the Pengelola (Pasal 8(2)) appoints and removes officers (Pasal 9(4)) and allows "pihak lain"
 * (Pasal 13(1)c). Recognised by the Telegram numeric id in the officer table, never by a username.
 * A refusal is audited (Pasal 26(2)) under the caller's id, or `system` when the id is no person's
 * (GroupAnonymousBot, Telegram's service account, a malformed id).
 *
 * @example
 * const who = await requireManager(ports, String(ctx.from.id), 'manager.appoint');
 * if (!who.ok) return reply(t.message(who.code));
 * await addOfficer(ports, { ...cmd, actor: who.value });
 */
export async function requireManager(p: DeskPorts, telegramId: string | null, action: string): Promise<Result<Actor, ManagerCode>> {
  const id = telegramId?.trim() ?? '';
  const officer = isTelegramId(id) ? await p.officers.findByTelegramId(id) : null;
  if (officer && canManage(officer)) return ok(officerActor(id));
  const actor = isTelegramId(id) ? officerActor(id) : SYSTEM_ACTOR;
  await p.uow.run((tx) => p.audit.append({ actor, action, subject: 'manager_tools', outcome: 'refused:NOT_A_MANAGER' }, tx));
  return refuse('MANAGER.NOT_A_MANAGER');
}
