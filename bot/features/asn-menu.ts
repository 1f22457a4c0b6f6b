import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import { allowed } from './abuse-limits.ts';

/** Status, guide, help tickets, complaints and incident reports from the ASN menu. */
export const asnMenu = new Composer<BotContext>();

asnMenu.callbackQuery('menu:status', async (ctx) => {
  await ctx.answerCallbackQuery();
  const person = ctx.binding ? await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId) : null;
  if (!person?.nip) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const cases = await ctx.desk.ports.cases.list({ applicantNip: person.nip, limit: 20 });
  if (cases.length === 0) return void (await ctx.reply(ctx.say('BOT.STATUS_NONE')));
  await ctx.reply(cases.map((c) => ctx.say('BOT.STATUS_LINE', { id: c.id, kind: ctx.say(`MAIL.KIND.${c.kind}`), status: ctx.say(`BOT.STATUS_${c.status}`) })).join('\n'));
});

asnMenu.callbackQuery('menu:guide', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.say('BOT.GUIDE'));
});

asnMenu.callbackQuery(/^menu:(help|complaint|incident)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const kind = ctx.match[1] as 'help' | 'complaint' | 'incident';
  ctx.conversation = { step: 'help_text', kind };
  await ctx.reply(ctx.say(`BOT.ASK_TICKET_${kind}`));
});

asnMenu.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'help_text') return next();
  if (!(await allowed(ctx, 'request'))) return;
  const person = ctx.binding ? await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId) : null;
  const r = await openTicket(ctx.desk.ports, {
    kind: c.kind, channel: 'telegram', email: person?.email ?? '', subject: ctx.message.text,
    telegramChatId: String(ctx.chat.id), acknowledge: false,
  });
  ctx.conversation = { step: 'idle' };
  if (r.ok) await ctx.reply(ctx.say('BOT.TICKET_OPENED', { id: r.value.ticketId }));
});
