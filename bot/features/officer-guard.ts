import type { BotContext } from '../context.ts';
import { officerActor, SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { isTelegramId } from '../../domain/people/officer.ts';

/**
 * True (and the attempt audited, the user told) when the sender is not an officer who may act: officers
 * are known only by their numeric Telegram id in the officer table, never by username.
 */
export async function refuseNonOfficer(ctx: BotContext, action: string): Promise<boolean> {
  if (ctx.officer && ctx.officer.role !== 'agency_admin') return false;
  const id = String(ctx.from?.id ?? '');
  const actor = isTelegramId(id) ? officerActor(id) : SYSTEM_ACTOR;
  await ctx.desk.ports.uow.run((tx) => ctx.desk.ports.audit.append({ actor, action, subject: 'officer_tools', outcome: 'refused:NOT_AN_OFFICER' }, tx));
  // A crafted callback may carry an id Telegram will not let us answer; the refusal is said in the chat anyway.
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.say('DECISION.NOT_AN_OFFICER'), show_alert: true }).catch(() => undefined);
  await ctx.reply(ctx.say('DECISION.NOT_AN_OFFICER'));
  return true;
}
