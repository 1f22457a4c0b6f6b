import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { confirmRevocation, forwardRevocation } from '../../domain/use-cases/forward-revocation.ts';
import { officerActor } from '../../domain/audit/audit-event.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';
import { refuseNonOfficer } from './officer-guard.ts';

/**
 * After an officer approves a revocation it goes to the CA at once (Pasal 18(1)): the sandbox revokes on
 * the spot; with BSrE by hand the officer revokes on BSrE's portal and then taps "BSrE sudah mencabut".
 */
export async function forwardApprovedRevocation(ctx: BotContext, requestId: string): Promise<void> {
  const req = await ctx.desk.ports.cases.get(requestId);
  if (req?.kind !== 'revocation') return;
  const r = await forwardRevocation(ctx.desk.ports, ctx.desk.ca, { requestId, actor: officerActor(String(ctx.from!.id)) });
  const confirm = new InlineKeyboard().text(ctx.say('BOT.BTN_REVOKED_AT_BSRE'), `rvok:${requestId}`);
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params), r.code === 'FORWARD.CA_FAILED' ? { reply_markup: confirm } : {}));
  if (r.value.status === 'completed') return void (await ctx.reply(ctx.say('BOT.REVOKED_AT_CA', { id: requestId, serial: r.value.serial })));
  await ctx.reply(ctx.say('BOT.REVOKE_AT_BSRE', { id: requestId, serial: r.value.serial }), { reply_markup: confirm });
}

export const officerRevocation = new DeskComposer<BotContext>();

officerRevocation.callbackQuery(/^rvok:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'request.confirm_revocation')) return;
  ctx.acknowledge();
  const id = ctx.match[1]!;
  const r = await confirmRevocation(ctx.desk.ports, { requestId: isCaseId(id) ? id : '-', officerTelegramId: String(ctx.from.id) });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  await ctx.reply(ctx.say('BOT.REVOKED_AT_CA', { id: r.value.requestId, serial: r.value.serial }));
});
