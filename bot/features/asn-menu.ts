import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { InlineKeyboard } from 'grammy';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import { INCIDENT_CATEGORIES, isIncidentCategory } from '../../domain/incident/incident-category.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';
import { allowed } from './abuse-limits.ts';

/** Status, guide, help tickets, complaints and incident reports from the ASN menu. */
export const asnMenu = new DeskComposer<BotContext>();

asnMenu.callbackQuery('menu:status', async (ctx) => {
  ctx.acknowledge();
  const person = ctx.binding ? await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId) : null;
  if (!person?.nip) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const cases = await ctx.desk.ports.cases.list({ applicantNip: person.nip, limit: 20 });
  if (cases.length === 0) return void (await ctx.reply(ctx.say('BOT.STATUS_NONE')));
  await ctx.reply(cases.map((c) => ctx.say('BOT.STATUS_LINE', { id: c.id, kind: ctx.say(`MAIL.KIND.${c.kind}`), status: ctx.say(`BOT.STATUS_${c.status}`) })).join('\n'));
});

asnMenu.callbackQuery('menu:guide', async (ctx) => {
  ctx.acknowledge();
  await ctx.reply(ctx.say('BOT.GUIDE'));
});

asnMenu.callbackQuery('menu:help', async (ctx) => {
  ctx.acknowledge();
  ctx.conversation = { step: 'help_text', kind: 'help' };
  await ctx.reply(ctx.say('BOT.ASK_TICKET_help'));
});

/** An incident starts with its category (Pasal 24(3)a, b, or other), then the story. */
asnMenu.callbackQuery('menu:incident', async (ctx) => {
  ctx.acknowledge();
  const k = new InlineKeyboard();
  for (const c of INCIDENT_CATEGORIES) k.text(ctx.say(`INCIDENT.BTN.${c}`), `inc:${c}`).row();
  await ctx.reply(ctx.say('OVERSIGHT.ASK_INCIDENT_CATEGORY'), { reply_markup: k });
});

asnMenu.callbackQuery(/^inc:(.*)$/, async (ctx) => {
  ctx.acknowledge();
  const category = ctx.match[1]!;
  if (!isIncidentCategory(category)) return void (await ctx.reply(ctx.say('RECLASSIFY.BAD_CATEGORY')));
  ctx.conversation = { step: 'help_text', kind: 'incident', category };
  await ctx.reply(ctx.say('BOT.ASK_TICKET_incident'));
});

/**
 * A complaint may be about the officer who handled one of the complainant's own decided requests
 * (Pasal 9(7)): the decision record names the officer, so nobody has to type a colleague's name or NIP.
 */
asnMenu.callbackQuery('menu:complaint', async (ctx) => {
  ctx.acknowledge();
  const decided = (await ownRequests(ctx)).filter((c) => c.decision !== null).slice(-8);
  if (decided.length === 0) {
    ctx.conversation = { step: 'help_text', kind: 'complaint' };
    return void (await ctx.reply(ctx.say('BOT.ASK_TICKET_complaint')));
  }
  const k = new InlineKeyboard().text(ctx.say('OVERSIGHT.BTN_COMPLAINT_GENERAL'), 'cpl:general').row();
  for (const c of decided) k.text(ctx.say('OVERSIGHT.BTN_COMPLAINT_ABOUT', { id: c.id }), `cpl:${c.id}`).row();
  await ctx.reply(ctx.say('OVERSIGHT.ASK_COMPLAINT_ABOUT'), { reply_markup: k });
});

asnMenu.callbackQuery(/^cpl:(.*)$/, async (ctx) => {
  ctx.acknowledge();
  const choice = ctx.match[1]!;
  if (choice === 'general') {
    ctx.conversation = { step: 'help_text', kind: 'complaint' };
    return void (await ctx.reply(ctx.say('BOT.ASK_TICKET_complaint')));
  }
  const mine = (await ownRequests(ctx)).find((c) => c.id === choice && c.decision !== null);
  if (!mine) return void (await ctx.reply(ctx.say('REQUESTS.NOT_FOUND', { id: isCaseId(choice) ? choice : '?' })));
  ctx.conversation = { step: 'help_text', kind: 'complaint', aboutRequestId: mine.id };
  await ctx.reply(ctx.say('BOT.ASK_TICKET_complaint'));
});

/** The bound person's own requests, by their roster NIP; none for an unbound chat. */
async function ownRequests(ctx: BotContext) {
  const person = ctx.binding ? await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId) : null;
  return person?.nip ? ctx.desk.ports.cases.list({ applicantNip: person.nip, limit: 200 }) : [];
}

asnMenu.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'help_text') return next();
  if (!(await allowed(ctx, 'request'))) return;
  const person = ctx.binding ? await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId) : null;
  const r = await openTicket(ctx.desk.ports, {
    kind: c.kind, channel: 'telegram', email: person?.email ?? '', subject: ctx.message.text,
    telegramChatId: String(ctx.chat.id), acknowledge: false,
    ...(c.category && isIncidentCategory(c.category) ? { category: c.category } : {}), ...(c.aboutRequestId ? { aboutRequestId: c.aboutRequestId } : {}),
  });
  ctx.conversation = { step: 'idle' };
  if (r.ok) await ctx.reply(ctx.say('BOT.TICKET_OPENED', { id: r.value.ticketId }));
});
