import { createHash } from 'node:crypto';
import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { acceptAgreement } from '../../domain/use-cases/accept-agreement.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';

/** The text shown is the text agreed to: its SHA-256 is what the audit row and the request record. */
// Trimmed as Telegram trims it, so the hash is of exactly what the person saw.
const agreementText = (ctx: BotContext, requestId: string) => ctx.desk.t.render('agreement.txt', { requestId }).trim();
export const agreementSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Pasal 16(5), 19(1): after approval the applicant reads the subscriber agreement and the duties of
 * Pasal 20 and taps "Saya setuju". Only the bound applicant of that request can.
 */
export const agreement = new Composer<BotContext>();

agreement.callbackQuery(/^agr:(.+)$/, async (ctx) => {
  await ctx.answerCallbackQuery().catch(() => undefined);
  const id = ctx.match[1]!;
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  if (!isCaseId(id)) return void (await ctx.reply(ctx.say('AGREEMENT.NOT_FOUND', { requestId: '?' })));
  await ctx.reply(agreementText(ctx, id), { reply_markup: new InlineKeyboard().text(ctx.say('BOT.BTN_AGREE'), `agree:${id}`) });
});

agreement.callbackQuery(/^agree:(.+)$/, async (ctx) => {
  await ctx.answerCallbackQuery().catch(() => undefined);
  const id = ctx.match[1]!;
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const text = isCaseId(id) ? agreementText(ctx, id) : '';
  const r = await acceptAgreement(ctx.desk.ports, { requestId: id, personId: ctx.binding.personId, agreementSha256: agreementSha256(text) });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  if (!ctx.desk.ca) return void (await ctx.reply(ctx.say('BOT.CA_MANUAL', { id })));
  ctx.conversation = { step: 'await_csr', requestId: id };
  await ctx.reply(ctx.say('BOT.AGREEMENT_ACCEPTED', { id }));
});
