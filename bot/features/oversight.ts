import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import type { CaseRecord } from '../../domain/requests/case-record.ts';
import type { Params } from '../../domain/shared/result.ts';
import { reportIncident } from '../../domain/use-cases/report-incident.ts';
import { markIncidentPersonalData } from '../../domain/use-cases/incident-personal-data.ts';
import { reclassifyAsIncident } from '../../domain/use-cases/reclassify-ticket.ts';
import { escalateHelp } from '../../domain/use-cases/escalate-help.ts';
import { resolveTicket } from '../../domain/use-cases/resolve-ticket.ts';
import { forwardComplaint } from '../../domain/use-cases/forward-complaint.ts';
import { answerTicket } from '../../domain/use-cases/answer-ticket.ts';
import { slaDeadlines } from '../../domain/use-cases/oversight-sweep.ts';
import { INCIDENT_CATEGORIES, isIncidentCategory } from '../../domain/incident/incident-category.ts';
import { CANNED_ANSWERS } from '../../domain/help/canned-answers.ts';
import { mayRead } from '../../domain/oversight/ticket-visibility.ts';
import { deskTime, oversightOf } from '../../domain/oversight/officer-alerts.ts';
import { canManage } from '../../domain/people/officer.ts';
import { officerActor } from '../../domain/audit/audit-event.ts';
import { refuseNonOfficer } from './officer-guard.ts';

/**
 * Officers' tools for tickets (Pasal 9(7), 22, 24): Laporkan, personal data (UU 27/2022 Pasal 46),
 * reclassify a help ticket as an incident, ask BSrE for help, canned answers, close, and — for the
 * Pengelola — forward a complaint about an officer. Each button calls one use case, which checks who is
 * asking and audits refusals; the handler only renders the outcome.
 */
export const oversight = new DeskComposer<BotContext>();

type Outcome = { ok: true; value: { ticketId: string; recipients?: number; deadline?: string } } | { ok: false; code: string; params: Params };

async function say(ctx: BotContext, r: Outcome, done: string): Promise<void> {
  ctx.acknowledge();
  await ctx.reply(r.ok ? ctx.say(done, { id: r.value.ticketId, count: r.value.recipients ?? 0, deadline: r.value.deadline ?? '' }) : ctx.say(r.code, r.params));
}

const who = (ctx: BotContext) => String(ctx.from?.id ?? '');

oversight.callbackQuery(/^irep:(.+)$/, async (ctx) => say(ctx, await reportIncident(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx) }), 'OVERSIGHT.REPORTED'));
oversight.callbackQuery(/^ipdp:(.+)$/, async (ctx) => say(ctx, await markIncidentPersonalData(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx), step: 'involved' }), 'OVERSIGHT.PDP_MARKED'));
oversight.callbackQuery(/^ipdn:(.+)$/, async (ctx) => say(ctx, await markIncidentPersonalData(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx), step: 'notified' }), 'OVERSIGHT.PDP_NOTIFIED'));
oversight.callbackQuery(/^esc:(.+)$/, async (ctx) => say(ctx, await escalateHelp(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx) }), 'OVERSIGHT.ESCALATED'));
oversight.callbackQuery(/^rsv:(.+)$/, async (ctx) => say(ctx, await resolveTicket(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx) }), 'OVERSIGHT.RESOLVED'));
oversight.callbackQuery(/^fwd:(.+)$/, async (ctx) => say(ctx, await forwardComplaint(ctx.desk.ports, { ticketId: ctx.match[1]!, officerTelegramId: who(ctx) }), 'OVERSIGHT.FORWARDED'));
oversight.callbackQuery(/^rcl:([a-z_]+):(.+)$/, async (ctx) => say(ctx, await reclassifyAsIncident(ctx.desk.ports, { ticketId: ctx.match[2]!, officerTelegramId: who(ctx), category: ctx.match[1]! }), 'OVERSIGHT.RECLASSIFIED'));

oversight.callbackQuery(/^recl:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'ticket.reclassify')) return;
  ctx.acknowledge();
  const k = new InlineKeyboard();
  for (const c of INCIDENT_CATEGORIES) k.text(ctx.say(`INCIDENT.BTN.${c}`), `rcl:${c}:${ctx.match[1]!}`).row();
  await ctx.reply(ctx.say('OVERSIGHT.ASK_CATEGORY', { id: ctx.match[1]!.slice(0, 20) }), { reply_markup: k });
});

oversight.callbackQuery(/^cnd:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'ticket.answer')) return;
  ctx.acknowledge();
  const k = new InlineKeyboard();
  CANNED_ANSWERS.forEach((c, i) => k.text(ctx.say(`CANNED.${c}.TITLE`), `cna:${i}:${ctx.match[1]!}`).row());
  await ctx.reply(ctx.say('OVERSIGHT.ASK_CANNED', { id: ctx.match[1]!.slice(0, 20) }), { reply_markup: k });
});

oversight.callbackQuery(/^cna:(\d+):(.+)$/, async (ctx) => {
  ctx.acknowledge();
  const canned = CANNED_ANSWERS[Number(ctx.match[1])];
  // An index the bot never offered is answered like a bad ticket: nothing is sent to the user.
  const answer = canned ? ctx.say(`CANNED.${canned}.TEXT`) : '';
  const r = await answerTicket(ctx.desk.ports, { ticketId: ctx.match[2]!, officerTelegramId: who(ctx), answer });
  await ctx.reply(r.ok ? ctx.say('BOT.ANSWERED', { id: r.value.ticketId }) : ctx.say(r.code, r.params));
});

/**
 * The ticket card an officer opens (`open:<id>`): what it is, its oversight facts, and the buttons that
 * apply. A complaint about the officer themself is refused like an unknown ticket, and audited.
 */
export async function showTicketCard(ctx: BotContext, c: CaseRecord): Promise<void> {
  const officer = ctx.officer!;
  if (!mayRead(officer, c)) {
    await ctx.desk.ports.uow.run((tx) => ctx.desk.ports.audit.append({ actor: officerActor(officer.telegramId), action: 'officer.open', subject: c.id, outcome: 'refused:TICKET.NOT_FOUND' }, tx));
    return void (await ctx.reply(ctx.say('TICKET.NOT_FOUND', { id: c.id })));
  }
  const zone = oversightOf(ctx.desk.ports).officeHours.timeZone;
  const d = c.details;
  const facts: string[] = [];
  const k = new InlineKeyboard();
  const open = c.status !== 'resolved';
  if (open) k.text(ctx.say('BOT.BTN_ANSWER'), `ans:${c.id}`).text(ctx.say('OVERSIGHT.BTN_CANNED'), `cnd:${c.id}`).row();
  if (c.kind === 'incident') {
    facts.push(ctx.say('OVERSIGHT.CARD_CATEGORY', { category: ctx.say(`INCIDENT.CATEGORY.${d['category'] && isIncidentCategory(d['category']) ? d['category'] : 'other'}`) }));
    facts.push(d['reportedAt'] ? ctx.say('OVERSIGHT.CARD_REPORTED', { at: deskTime(d['reportedAt'], zone) }) : ctx.say('OVERSIGHT.CARD_NOT_REPORTED'));
    if (d['personalData'] === 'yes') facts.push(ctx.say('OVERSIGHT.CARD_PDP', { deadline: deskTime(d['pdpDeadline'] ?? c.createdAt, zone), notice: d['pdpNoticeAt'] ? ctx.say('OVERSIGHT.CARD_PDP_DONE') : '' }));
    if (open && !d['reportedAt']) k.text(ctx.say('OVERSIGHT.BTN_REPORT'), `irep:${c.id}`).row();
    if (open && d['personalData'] !== 'yes') k.text(ctx.say('OVERSIGHT.BTN_PDP'), `ipdp:${c.id}`).row();
    if (open && d['personalData'] === 'yes' && !d['pdpNoticeAt']) k.text(ctx.say('OVERSIGHT.BTN_PDP_DONE'), `ipdn:${c.id}`).row();
  }
  if (c.kind === 'help') {
    const sla = slaDeadlines(ctx.desk.ports, c);
    facts.push(ctx.say('OVERSIGHT.CARD_SLA', { first: deskTime(sla.firstResponse.toISOString(), zone), resolution: deskTime(sla.resolution.toISOString(), zone) }));
    if (open) k.text(ctx.say('OVERSIGHT.BTN_RECLASSIFY'), `recl:${c.id}`).row();
    if (c.status === 'open' || c.status === 'answered') k.text(ctx.say('OVERSIGHT.BTN_ESCALATE'), `esc:${c.id}`).row();
  }
  if (c.kind === 'complaint' && d['aboutOfficer']) {
    facts.push(ctx.say('OVERSIGHT.CARD_ABOUT_OFFICER', { requestId: d['aboutRequest'] ?? '-', forwarded: d['forwardedAt'] ? ctx.say('OVERSIGHT.CARD_FORWARDED') : '' }));
    if (canManage(officer) && !d['forwardedAt'] && (c.status === 'open' || c.status === 'answered')) k.text(ctx.say('OVERSIGHT.BTN_FORWARD'), `fwd:${c.id}`).row();
  }
  if (open && (c.kind !== 'incident' || c.status === 'escalated')) k.text(ctx.say('OVERSIGHT.BTN_RESOLVE'), `rsv:${c.id}`);
  const card = ctx.say('BOT.TICKET_CARD', { id: c.id, kind: ctx.say(`MAIL.KIND.${c.kind}`), name: c.applicant.name || '-', status: ctx.say(`BOT.STATUS_${c.status}`), subject: d['subject'] ?? '' });
  await ctx.reply([card, ...facts].join('\n'), { reply_markup: k });
}
