import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext, UploadedDoc } from '../context.ts';
import { parseNik, maskNik } from '../../domain/identity/nik.ts';
import { requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { requestsAboutCertificate } from '../../domain/use-cases/requests-about-certificate.ts';
import { supplementApplication } from '../../domain/use-cases/supplement-application.ts';
import type { CheckResult } from '../../domain/requests/case-record.ts';
import { downloadAll, receiveDocument } from './receive-document.ts';
import { allowed } from './abuse-limits.ts';
import { isUuid } from '../../domain/shared/uuid.ts';

const DOC_ORDER: readonly UploadedDoc['kind'][] = ['cover_letter', 'recommendation', 'ktp_scan'];

/**
 * "Perpanjang" (pembaruan, Pasal 17): the owner picks one of their certificates still in force and the
 * renewal is asked in one tap when nothing about them changed; when the roster shows a new name, agency
 * or position, the bot asks for the NIK and the three letters as for a new application. The reminder's
 * one-tap button (`renew:<certificate id>`) lands here too.
 */
export const renew = new DeskComposer<BotContext>();

renew.callbackQuery('menu:renew', async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const now = ctx.desk.ports.clock.now().toISOString();
  const mine = (await ctx.desk.ports.certificates.listByOwner(ctx.binding.personId)).filter((c) => c.state === 'active' && c.notAfter > now);
  if (mine.length === 0) return void (await ctx.reply(ctx.say('BOT.RENEW_NONE')));
  const k = new InlineKeyboard();
  for (const c of mine) k.text(ctx.say('BOT.CERT_BUTTON', { serial: c.serial.slice(0, 16), notAfter: c.notAfter.slice(0, 10) }), `renew:${c.id}`).row();
  await ctx.reply(ctx.say('BOT.RENEW_PICK'), { reply_markup: k });
});

renew.callbackQuery(/^renew:(.+)$/, async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const certificateId = ctx.match[1]!;
  if (!(await allowed(ctx, 'request'))) return;
  const r = await requestRenewal(ctx.desk.ports, {
    channel: 'telegram', personId: ctx.binding.personId, certificateId: isUuid(certificateId) ? certificateId : '-',
    telegramChatId: String(ctx.chat!.id), acknowledge: false,
  });
  if (!r.ok && r.code === 'RENEW.ALREADY_REQUESTED') {
    // Started before and left half way (the letters were still to come): carry on where it stopped.
    const waiting = await incompleteRenewal(ctx, certificateId);
    if (waiting) {
      ctx.conversation = { step: 'renew_nik', requestId: waiting };
      return void (await ctx.reply(ctx.say('BOT.RENEW_DATA_CHANGED', { id: waiting }) + '\n\n' + ctx.say('BOT.RENEW_ASK_NIK')));
    }
  }
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  if (r.value.status === 'pending_review') return void (await ctx.reply(ctx.say('BOT.RENEW_SUBMITTED', { id: r.value.requestId, serial: r.value.serial })));
  if (!r.value.dataChanged) return void (await ctx.reply(ctx.say('BOT.RENEW_BLOCKED', { id: r.value.requestId }) + missingLines(ctx, r.value.checks)));
  ctx.conversation = { step: 'renew_nik', requestId: r.value.requestId };
  await ctx.reply(ctx.say('BOT.RENEW_DATA_CHANGED', { id: r.value.requestId }) + '\n\n' + ctx.say('BOT.RENEW_ASK_NIK'));
});

renew.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'renew_nik') return next();
  const nik = parseNik(ctx.message.text);
  // The NIK must not stay in the chat history: delete the message whatever it held.
  await ctx.deleteMessage().catch(() => undefined);
  if (!nik.ok) return void (await ctx.reply(ctx.say(nik.code, nik.params)));
  ctx.conversation = { step: 'renew_docs', requestId: c.requestId, nikSealed: ctx.desk.seal(nik.value.value), docs: [] };
  await ctx.reply(ctx.say('BOT.NIK_RECEIVED', { masked: maskNik(nik.value) }) + '\n\n' + ctx.say(`BOT.RENEW_ASK_DOC_${DOC_ORDER[0]}`));
});

renew.on(['message:document', 'message:photo'], async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'renew_docs') return next();
  const kind = DOC_ORDER.find((k) => !c.docs.some((d) => d.kind === k))!;
  const file = await receiveDocument(ctx, `${kind}.jpg`, ctx.say(`BOT.RENEW_ASK_DOC_${kind}`));
  if (!file) return;
  const docs = [...c.docs, { kind, ...file }];
  const missing = DOC_ORDER.filter((k) => !docs.some((d) => d.kind === k));
  if (missing.length > 0) {
    ctx.conversation = { ...c, docs };
    return void (await ctx.reply(ctx.say(`BOT.RENEW_ASK_DOC_${missing[0]}`)));
  }
  const person = await ctx.desk.ports.roster.findByPersonId(ctx.binding?.personId ?? '');
  ctx.conversation = { step: 'idle' };
  if (!person) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const r = await supplementApplication(ctx.desk.ports, {
    requestId: c.requestId, email: person.email, nik: ctx.desk.unseal(c.nikSealed), nip: person.nip,
    documents: await downloadAll(ctx, docs), acknowledge: false,
  });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  if (r.value.status === 'pending_review') return void (await ctx.reply(ctx.say('BOT.RENEW_COMPLETE', { id: r.value.requestId })));
  await ctx.reply(ctx.say('BOT.APPLIED_INCOMPLETE', { id: r.value.requestId }) + missingLines(ctx, r.value.checks));
});

const missingLines = (ctx: BotContext, checks: readonly CheckResult[]): string => {
  const lines = checks.filter((k) => !k.pass).map((k) => `• ${ctx.say(k.code, k.params)}`);
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
};

async function incompleteRenewal(ctx: BotContext, certificateId: string): Promise<string | null> {
  const person = await ctx.desk.ports.roster.findByPersonId(ctx.binding?.personId ?? '');
  const waiting = await requestsAboutCertificate(ctx.desk.ports, 'renewal', person?.nip ?? null, certificateId, 'incomplete');
  return waiting.find((c) => c.details['dataChanged'] === 'yes')?.id ?? null;
}
