import { InlineKeyboard, InputFile } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { answerTicket } from '../../domain/use-cases/answer-ticket.ts';
import { isTicketKind } from '../../domain/requests/case-kind.ts';
import { findCaseId, isCaseId } from '../../domain/requests/case-id.ts';
import { REQUEST_STATUSES } from '../../domain/requests/request-status.ts';
import type { DecisionOutcome } from '../../domain/requests/case-record.ts';
import { forwardApprovedRevocation } from './officer-revocation.ts';
import { refuseNonOfficer } from './officer-guard.ts';
import { showTicketCard } from './oversight.ts';
import { mayRead } from '../../domain/oversight/ticket-visibility.ts';
import { bsreCard } from './officer-bsre.ts';
import { CANNED_REASON_CODES } from '../../domain/reports/annual-report.ts';

/** Canned reasons officers pick from (Pasal 15(5)); free text is also accepted. The annual report counts them. */
const REASONS = CANNED_REASON_CODES;

/**
 * Officers (recognised only by numeric id in the officer table): the queue, a request's checklist and
 * documents, and the decision buttons. Every refusal of a non-officer is audited.
 */
export const officer = new DeskComposer<BotContext>();


officer.command('antrian', async (ctx) => {
  if (await refuseNonOfficer(ctx, 'officer.queue')) return;
  const all = await ctx.desk.ports.cases.list({ limit: 5000 });
  const counts = REQUEST_STATUSES.map((s) => `${ctx.say(`BOT.STATUS_${s}`)}: ${all.filter((c) => c.status === s).length}`).join('\n');
  const pending = all.filter((c) => c.status === 'pending_review').slice(0, 10);
  const k = new InlineKeyboard();
  for (const c of pending) k.text(`${c.id} · ${c.applicant.name}`, `open:${c.id}`).row();
  // Open tickets too, except complaints this officer may not read (Pasal 9(7)).
  const tickets = all.filter((c) => isTicketKind(c.kind) && c.status !== 'resolved' && mayRead(ctx.officer!, c)).slice(-10);
  for (const c of tickets) k.text(`${c.id} · ${ctx.say(`MAIL.KIND.${c.kind}`)} · ${ctx.say(`BOT.STATUS_${c.status}`)}`, `open:${c.id}`).row();
  // bsre-manual: requests waiting at BSrE, whose steps the officers tick off (officer-bsre.ts).
  for (const c of all.filter((x) => x.status === 'submitted_to_ca' && (x.kind === 'issuance' || x.kind === 'renewal')).slice(0, 10)) k.text(`⏳ ${c.id} · ${c.applicant.name}`, `open:${c.id}`).row();
  await ctx.reply(`${ctx.say('BOT.QUEUE_TITLE')}\n${counts}`, { reply_markup: k });
});

officer.command('cari', async (ctx) => {
  if (await refuseNonOfficer(ctx, 'officer.search')) return;
  const q = ctx.match.trim();
  const id = findCaseId(q.toUpperCase());
  const found = (id ? [await ctx.desk.ports.cases.get(id)].filter((c) => c !== null) : /^\d{18}$/.test(q) ? await ctx.desk.ports.cases.list({ applicantNip: q, limit: 20 }) : [])
    .filter((c) => mayRead(ctx.officer!, c));
  if (found.length === 0) return void (await ctx.reply(ctx.say('BOT.SEARCH_NONE')));
  const k = new InlineKeyboard();
  for (const c of found) k.text(`${c!.id} · ${ctx.say(`BOT.STATUS_${c!.status}`)}`, `open:${c!.id}`).row();
  await ctx.reply(ctx.say('BOT.SEARCH_RESULTS', { count: found.length }), { reply_markup: k });
});

officer.callbackQuery(/^open:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'officer.open')) return;
  ctx.acknowledge();
  const id = ctx.match[1]!;
  const c = isCaseId(id) ? await ctx.desk.ports.cases.get(id) : null;
  if (!c) return void (await ctx.reply(ctx.say('REQUESTS.NOT_FOUND', { id: isCaseId(id) ? id : '?' })));
  if (isTicketKind(c.kind)) return void (await showTicketCard(ctx, c));
  const lines = c.checks.map((k) => `${k.pass ? '✅' : '❌'} ${ctx.say(`MAIL.RULE.${k.rule}`)}${k.pass ? '' : ` — ${ctx.say(k.code, k.params)}`}`);
  const k = new InlineKeyboard();
  if (c.status === 'pending_review') k.text(ctx.say('BOT.BTN_APPROVE'), `dec:approve:${c.id}`).text(ctx.say('BOT.BTN_REJECT'), `dec:reject:${c.id}`).row().text(ctx.say('BOT.BTN_RETURN'), `dec:return:${c.id}`);
  if (c.kind === 'revocation' && c.status === 'submitted_to_ca') k.text(ctx.say('BOT.BTN_REVOKED_AT_BSRE'), `rvok:${c.id}`);
  await ctx.reply(ctx.say('BOT.REQUEST_CARD', { id: c.id, name: c.applicant.name, nip: c.applicant.nip ?? '-', status: ctx.say(`BOT.STATUS_${c.status}`) })
    + requestFacts(ctx, c.kind, c.details) + `\n${lines.join('\n')}` + bsreCard(ctx, c, k), { reply_markup: k });
  for (const d of await ctx.desk.ports.vault.list(c.id)) {
    if (d.kind === 'original_message') continue;
    const bytes = await ctx.desk.ports.vault.read(d.id, c.id);
    const ext = d.mediaType === 'application/pdf' ? 'pdf' : d.mediaType === 'image/png' ? 'png' : d.mediaType === 'application/x-pem-file' ? 'pem' : 'jpg';
    const caption = ctx.desk.t.has(`MAIL.RULE.${d.kind}`) ? ctx.say(`MAIL.RULE.${d.kind}`) : d.kind;
    await ctx.replyWithDocument(new InputFile(Buffer.from(bytes), `${c.id}-${d.kind}.${ext}`), { caption });
  }
});

/** What a renewal or revocation is about: the certificate, and why it is revoked (Pasal 17, 18). */
function requestFacts(ctx: BotContext, kind: string, details: Readonly<Record<string, string>>): string {
  if (kind === 'revocation') {
    const ground = details['ground'] ?? 'other';
    return `\n${ctx.say('BOT.CARD_REVOCATION', { serial: details['serial'] ?? '-', ground: ctx.desk.t.has(`GROUND.${ground}`) ? ctx.say(`GROUND.${ground}`) : ground })}`
      + (details['note'] ? `\n${ctx.say('BOT.CARD_NOTE', { note: details['note'] })}` : '')
      + (details['incidentId'] ? `\n${ctx.say('BOT.CARD_INCIDENT', { id: details['incidentId'] })}` : '')
      + (details['askedBy'] ? `\n${ctx.say('BOT.CARD_ASKED_BY_RA')}` : '');
  }
  if (kind === 'renewal') return `\n${ctx.say(details['dataChanged'] === 'yes' ? 'BOT.CARD_RENEWAL_CHANGED' : 'BOT.CARD_RENEWAL', { serial: details['renewsSerial'] ?? '-' })}`;
  return '';
}

async function decide(ctx: BotContext, requestId: string, outcome: DecisionOutcome, reasons: string[]): Promise<void> {
  const r = await decideRequest(ctx.desk.ports, { requestId, officerTelegramId: String(ctx.from!.id), outcome, reasons });
  await ctx.reply(r.ok ? ctx.say('BOT.DECIDED', { id: requestId, outcome: ctx.say(`BOT.OUTCOME_${outcome}`) }) : ctx.say(r.code, r.params));
  if (r.ok && outcome === 'approve') await forwardApprovedRevocation(ctx, requestId);
}

officer.callbackQuery(/^dec:(approve|reject|return):(.+)$/, async (ctx) => {
  const [, outcome, id] = ctx.match as unknown as [string, DecisionOutcome, string];
  if (outcome === 'approve') {
    // The use case checks (and audits) who is deciding; the button is only acknowledged afterwards.
    await decide(ctx, id, 'approve', []);
    ctx.acknowledge();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    return;
  }
  if (await refuseNonOfficer(ctx, 'request.decide')) return;
  ctx.acknowledge();
  const k = new InlineKeyboard();
  REASONS.forEach((code, i) => k.text(ctx.say(code), `why:${outcome}:${i}:${id}`).row());
  ctx.conversation = { step: 'reject_reason', requestId: id, outcome };
  await ctx.reply(ctx.say('BOT.ASK_REASON'), { reply_markup: k });
});

officer.callbackQuery(/^why:(reject|return):(\d):(.+)$/, async (ctx) => {
  ctx.acknowledge();
  const [, outcome, index, id] = ctx.match as unknown as [string, 'reject' | 'return', string, string];
  const code = REASONS[Number(index)];
  ctx.conversation = { step: 'idle' };
  await decide(ctx, id, outcome, code ? [ctx.say(code)] : []);
});

officer.callbackQuery(/^ans:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'ticket.answer')) return;
  ctx.acknowledge();
  ctx.conversation = { step: 'answer_ticket', ticketId: ctx.match[1]! };
  await ctx.reply(ctx.say('BOT.ASK_ANSWER', { id: ctx.match[1]! }));
});

officer.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step === 'answer_ticket') {
    ctx.conversation = { step: 'idle' };
    const r = await answerTicket(ctx.desk.ports, { ticketId: c.ticketId, officerTelegramId: String(ctx.from.id), answer: ctx.message.text });
    return void (await ctx.reply(r.ok ? ctx.say('BOT.ANSWERED', { id: r.value.ticketId }) : ctx.say(r.code, r.params)));
  }
  if (c.step !== 'reject_reason') return next();
  ctx.conversation = { step: 'idle' };
  await decide(ctx, c.requestId, c.outcome, [ctx.message.text]);
});
