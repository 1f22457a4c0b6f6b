import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { rankedNeeds, submitNeeds } from '../../domain/use-cases/submit-needs.ts';
import { needsTotal, type NeedsSubmission } from '../../domain/needs/needs-inventory.ts';
import { canManage } from '../../domain/people/officer.ts';
import { createNeedsStore } from '../../storage/repositories/needs-store.ts';

/** Lines of the ranking in one message (Telegram holds 4,096 characters). */
const MAX_LINES = 40;

/**
 * `/kebutuhan` (Pasal 10(2)-(3)): an agency admin sends `/kebutuhan 10 2 1` (individual, position,
 * system); the Pengelola sends `/kebutuhan` alone and gets the agencies ranked by total (Pasal 10(1)e).
 */
export const needs = new DeskComposer<BotContext>();

needs.command('kebutuhan', async (ctx) => {
  const store = createNeedsStore(ctx.desk.ds);
  const text = ctx.match.trim();
  const from = String(ctx.from?.id ?? '');
  if (text === '' && ctx.officer && canManage(ctx.officer)) {
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Pontianak', year: 'numeric' }).format(ctx.desk.ports.clock.now()));
    const r = await rankedNeeds(ctx.desk.ports, store, { telegramId: from, year });
    if (!r.ok) return void (await ctx.reply(ctx.say(r.code)));
    if (r.value.length === 0) return void (await ctx.reply(ctx.say('NEEDS.RANKED_NONE', { year })));
    const lines = r.value.slice(0, MAX_LINES).map((s, i) => line(ctx, s, i + 1));
    if (r.value.length > MAX_LINES) lines.push(ctx.say('NEEDS.RANKED_MORE', { more: r.value.length - MAX_LINES }));
    return void (await ctx.reply([ctx.say('NEEDS.RANKED_TITLE', { year }), ...lines].join('\n')));
  }
  if (text === '' && ctx.officer?.role === 'agency_admin' && ctx.officer.active) return void (await ctx.reply(ctx.say('NEEDS.USAGE')));
  const r = await submitNeeds(ctx.desk.ports, store, { telegramId: from }, text);
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.reply(ctx.say('NEEDS.RECORDED', { agency: r.value.agency, year: r.value.year, ...r.value.counts, total: needsTotal(r.value.counts) }));
});

const line = (ctx: BotContext, s: NeedsSubmission, rank: number): string => ctx.say('NEEDS.RANKED_LINE', {
  rank, agency: s.agency, total: needsTotal(s.counts), ...s.counts,
  date: new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Pontianak', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(s.submittedAt)),
});
