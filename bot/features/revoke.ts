import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext, EvidenceDoc } from '../context.ts';
import { requestRevocation } from '../../domain/use-cases/request-revocation.ts';
import { isRevocationGround, needsLossEvidence, REVOCATION_GROUNDS } from '../../domain/revocation/revocation-grounds.ts';
import { downloadAll, receiveDocument } from './receive-document.ts';
import { allowed } from './abuse-limits.ts';
import { isUuid } from '../../domain/shared/uuid.ts';

const EVIDENCE_ORDER: readonly EvidenceDoc['kind'][] = ['police_report', 'owner_statement'];

/**
 * "Cabut" (pencabutan, Pasal 18): the owner picks the certificate and the reason. For a lost, damaged or
 * inaccessible key the bot asks for the report to the authorities and the owner's statement (18(3)) and
 * tells them it is also recorded as an incident (24(3)a) and that they apply again afterwards (18(2)b).
 * Other reasons are confirmed with one tap; "other" asks for a sentence.
 */
export const revoke = new DeskComposer<BotContext>();

revoke.callbackQuery('menu:revoke', async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const mine = (await ctx.desk.ports.certificates.listByOwner(ctx.binding.personId)).filter((c) => c.state === 'active');
  if (mine.length === 0) return void (await ctx.reply(ctx.say('BOT.REVOKE_NONE')));
  const k = new InlineKeyboard();
  for (const c of mine) k.text(ctx.say('BOT.CERT_BUTTON', { serial: c.serial.slice(0, 16), notAfter: c.notAfter.slice(0, 10) }), `rvk:${c.id}`).row();
  await ctx.reply(ctx.say('BOT.REVOKE_PICK'), { reply_markup: k });
});

revoke.callbackQuery(/^rvk:(.+)$/, async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const id = ctx.match[1]!;
  if (!isUuid(id)) return void (await ctx.reply(ctx.say('REVOKE.CERTIFICATE_UNKNOWN')));
  const k = new InlineKeyboard();
  for (const g of REVOCATION_GROUNDS) k.text(ctx.say(`GROUND.${g}`), `rvg:${g}:${id}`).row();
  await ctx.reply(ctx.say('BOT.REVOKE_ASK_GROUND'), { reply_markup: k });
});

revoke.callbackQuery(/^rvg:([a-z_]+):(.+)$/, async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const [, ground, id] = ctx.match as unknown as [string, string, string];
  if (!isRevocationGround(ground)) return void (await ctx.reply(ctx.say('REVOKE.BAD_GROUND', { given: ground.slice(0, 20) })));
  if (!isUuid(id)) return void (await ctx.reply(ctx.say('REVOKE.CERTIFICATE_UNKNOWN')));
  if (ground === 'other') {
    ctx.conversation = { step: 'revoke_note', certificateId: id };
    return void (await ctx.reply(ctx.say('BOT.REVOKE_ASK_NOTE')));
  }
  if (needsLossEvidence(ground)) {
    ctx.conversation = { step: 'revoke_docs', certificateId: id, ground, docs: [] };
    return void (await ctx.reply(ctx.say('BOT.REVOKE_EVIDENCE_INTRO') + '\n\n' + ctx.say('BOT.REVOKE_ASK_police_report')));
  }
  const k = new InlineKeyboard().text(ctx.say('BOT.BTN_REVOKE_CONFIRM'), `rvc:${ground}:${id}`);
  await ctx.reply(ctx.say('BOT.REVOKE_CONFIRM', { ground: ctx.say(`GROUND.${ground}`) }), { reply_markup: k });
});

revoke.callbackQuery(/^rvc:([a-z_]+):(.+)$/, async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const [, ground, id] = ctx.match as unknown as [string, string, string];
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  await submit(ctx, id, ground, '', []);
});

revoke.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'revoke_note') return next();
  ctx.conversation = { step: 'idle' };
  await submit(ctx, c.certificateId, 'other', ctx.message.text, []);
});

revoke.on(['message:document', 'message:photo'], async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'revoke_docs') return next();
  const kind = EVIDENCE_ORDER.find((k) => !c.docs.some((d) => d.kind === k))!;
  const file = await receiveDocument(ctx, `${kind}.jpg`, ctx.say(`BOT.REVOKE_ASK_${kind}`));
  if (!file) return;
  const docs = [...c.docs, { kind, ...file }];
  const missing = EVIDENCE_ORDER.filter((k) => !docs.some((d) => d.kind === k));
  if (missing.length > 0) {
    ctx.conversation = { ...c, docs };
    return void (await ctx.reply(ctx.say(`BOT.REVOKE_ASK_${missing[0]}`)));
  }
  ctx.conversation = { step: 'idle' };
  await submit(ctx, c.certificateId, c.ground, '', docs);
});

async function submit(ctx: BotContext, certificateId: string, ground: string, note: string, docs: readonly EvidenceDoc[]): Promise<void> {
  if (!(await allowed(ctx, 'request'))) return;
  const r = await requestRevocation(ctx.desk.ports, {
    channel: 'telegram', personId: ctx.binding!.personId, certificateId: isUuid(certificateId) ? certificateId : '-', ground, note,
    documents: await downloadAll(ctx, docs), telegramChatId: String(ctx.chat!.id), acknowledge: false,
  });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  const lines = [ctx.say(r.value.status === 'pending_review' ? 'BOT.REVOKE_SUBMITTED' : 'BOT.APPLIED_INCOMPLETE', { id: r.value.requestId, serial: r.value.serial })];
  lines.push(...r.value.checks.filter((k) => !k.pass).map((k) => `• ${ctx.say(k.code, k.params)}`));
  if (r.value.incidentId) lines.push(ctx.say('BOT.REVOKE_INCIDENT', { id: r.value.incidentId }));
  if (isRevocationGround(ground) && needsLossEvidence(ground)) lines.push(ctx.say('BOT.REVOKE_REAPPLY'));
  await ctx.reply(lines.join('\n\n'));
}
