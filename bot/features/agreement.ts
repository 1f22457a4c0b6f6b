import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { acceptAgreement } from '../../domain/use-cases/accept-agreement.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';

import { agreementSha256, agreementText } from '../../templates/agreement.ts';

/**
 * Pasal 16(5), 19(1): after approval the applicant reads the subscriber agreement and the duties of
 * Pasal 20 and taps "Saya setuju". Only the bound applicant of that request can.
 */
export const agreement = new DeskComposer<BotContext>();

agreement.callbackQuery(/^agr:(.+)$/, async (ctx) => {
  ctx.acknowledge();
  const id = ctx.match[1]!;
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  if (!isCaseId(id)) return void (await ctx.reply(ctx.say('AGREEMENT.NOT_FOUND', { requestId: '?' })));
  await ctx.reply(agreementText(ctx.desk.t, id), { reply_markup: new InlineKeyboard().text(ctx.say('BOT.BTN_AGREE'), `agree:${id}`) });
});

agreement.callbackQuery(/^agree:(.+)$/, async (ctx) => {
  ctx.acknowledge();
  const id = ctx.match[1]!;
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const r = await acceptAgreement(ctx.desk.ports, { requestId: id, personId: ctx.binding.personId, agreementSha256: isCaseId(id) ? agreementSha256(ctx.desk.t, id) : '', ca: ctx.desk.ca?.kind ?? 'bsre-manual' });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  if (!ctx.desk.ca) return void (await ctx.reply(ctx.say('BOT.CA_MANUAL', { id })));
  ctx.conversation = { step: 'await_csr', requestId: id };
  await ctx.reply(ctx.say('BOT.AGREEMENT_ACCEPTED', { id }));
});
