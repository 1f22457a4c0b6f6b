import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext, UploadedDoc } from '../context.ts';
import { parseNik, maskNik } from '../../domain/identity/nik.ts';
import { checkFileType } from '../../domain/documents/file-type.ts';
import { downloadAll } from './receive-document.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { allowedUses, defaultUses, isCertificateType, isCertificateUse, type CertificateType } from '../../domain/certificates/certificate.ts';
import { allowed } from './abuse-limits.ts';

/** The order the bot asks for the files of Pasal 15(2)a, b, d. */
const DOC_ORDER: readonly UploadedDoc['kind'][] = ['cover_letter', 'recommendation', 'ktp_scan'];

/**
 * "Ajukan sertifikat" in at most six steps for a prepared applicant: type, uses, NIK, three files. Each
 * file is checked by its bytes on arrival; the checklist shows what is still missing. Only a bound
 * account may apply (Pasal 16(4)).
 */
export const apply = new DeskComposer<BotContext>();

apply.callbackQuery('menu:apply', async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const k = new InlineKeyboard()
    .text(ctx.say('BOT.TYPE_individual'), 'apply:type:individual').row()
    .text(ctx.say('BOT.TYPE_position'), 'apply:type:position').row()
    .text(ctx.say('BOT.TYPE_system'), 'apply:type:system');
  await ctx.reply(ctx.say('BOT.ASK_TYPE'), { reply_markup: k });
});

/** Toggle buttons for the uses a type allows (Pasal 13(5)), ✅ on the chosen ones, and "Lanjut". */
function usesKeyboard(ctx: BotContext, type: CertificateType, chosen: readonly string[]): InlineKeyboard {
  const k = new InlineKeyboard();
  for (const use of allowedUses(type)) k.text(`${chosen.includes(use) ? '✅' : '⬜'} ${ctx.say(`BOT.USE_${use}`)}`, `apply:use:${use}`).row();
  return k.text(ctx.say('BOT.BTN_USES_DONE'), 'apply:uses:done');
}

apply.callbackQuery(/^apply:type:(individual|position|system)$/, async (ctx) => {
  ctx.acknowledge();
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const type = ctx.match[1] as CertificateType;
  const uses = defaultUses(type);
  ctx.conversation = { step: 'apply_uses', certificateType: type, uses };
  await ctx.reply(ctx.say('BOT.ASK_USES'), { reply_markup: usesKeyboard(ctx, type, uses) });
});

// Callback data comes from the client and is not trusted: anything but an allowed use of the chosen type is refused.
apply.callbackQuery(/^apply:use:(.*)$/, async (ctx) => {
  const c = ctx.conversation;
  if (c.step !== 'apply_uses' || !isCertificateType(c.certificateType)) {
    return void (await ctx.answerCallbackQuery({ text: ctx.say('BOT.UNKNOWN_BUTTON') }).catch(() => undefined));
  }
  const use = ctx.match[1]!;
  if (!isCertificateUse(use) || !allowedUses(c.certificateType).includes(use)) {
    await ctx.answerCallbackQuery({ text: ctx.say('BOT.USE_NOT_ALLOWED'), show_alert: true }).catch(() => undefined);
    return void (await ctx.reply(ctx.say('BOT.USE_NOT_ALLOWED')));
  }
  const uses = allowedUses(c.certificateType).filter((u) => (u === use) !== c.uses.includes(u));
  ctx.conversation = { ...c, uses };
  ctx.acknowledge();
  await ctx.editMessageReplyMarkup({ reply_markup: usesKeyboard(ctx, c.certificateType, uses) }).catch(() => undefined);
});

apply.callbackQuery('apply:uses:done', async (ctx) => {
  ctx.acknowledge();
  const c = ctx.conversation;
  if (c.step !== 'apply_uses') return void (await ctx.reply(ctx.say('BOT.UNKNOWN_BUTTON')));
  if (!ctx.binding) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  if (c.uses.length === 0) return void (await ctx.reply(ctx.say('BOT.USES_NONE')));
  ctx.conversation = { step: 'apply_nik', certificateType: c.certificateType, uses: c.uses };
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  const chosen = c.uses.map((u) => ctx.say(`BOT.USE_${u}`)).join(', ');
  await ctx.reply(`${ctx.say('BOT.USES_CHOSEN', { uses: chosen })}\n\n${ctx.say('BOT.ASK_NIK')}`);
});

apply.on('message:text', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'apply_nik') return next();
  const nik = parseNik(ctx.message.text);
  // The NIK must not stay in the chat history: delete the message whatever it held.
  await ctx.deleteMessage().catch(() => undefined);
  if (!nik.ok) return void (await ctx.reply(ctx.say(nik.code, nik.params)));
  ctx.conversation = { step: 'apply_docs', certificateType: c.certificateType, uses: c.uses ?? [], nikSealed: ctx.desk.seal(nik.value.value), docs: [] };
  await ctx.reply(ctx.say('BOT.NIK_RECEIVED', { masked: maskNik(nik.value) }) + '\n\n' + ctx.say(`BOT.ASK_DOC_${DOC_ORDER[0]}`));
});

apply.on(['message:document', 'message:photo'], async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'apply_docs') return next();
  const kind = DOC_ORDER.find((k) => !c.docs.some((d) => d.kind === k))!;
  const doc = ctx.message.document;
  const photo = ctx.message.photo?.at(-1);
  const size = doc?.file_size ?? photo?.file_size ?? 0;
  const max = ctx.desk.ports.settings.maxFileBytes;
  if (size > max) return void (await ctx.reply(ctx.say('DOCUMENT.TOO_LARGE', { maxMb: Math.round(max / 1048576), sizeMb: (size / 1048576).toFixed(1) })));
  const file = await ctx.getFile();
  const bytes = await ctx.desk.download(file.file_path ?? '');
  const type = checkFileType(bytes, { maxBytes: max });
  if (!type.ok) return void (await ctx.reply(ctx.say(type.code, type.params) + '\n\n' + ctx.say(`BOT.ASK_DOC_${kind}`)));
  const docs = [...c.docs, { kind, fileId: file.file_id, filename: doc?.file_name ?? `${kind}.jpg` }];
  const missing = DOC_ORDER.filter((k) => !docs.some((d) => d.kind === k));
  const checklist = DOC_ORDER.map((k) => `${missing.includes(k) ? '⬜' : '✅'} ${ctx.say(`BOT.DOC_${k}`)}`).join('\n');
  if (missing.length > 0) {
    ctx.conversation = { ...c, docs };
    return void (await ctx.reply(`${checklist}\n\n${ctx.say(`BOT.ASK_DOC_${missing[0]}`)}`));
  }
  await submit(ctx, c.certificateType, c.uses ?? [], c.nikSealed, docs);
});

async function submit(ctx: BotContext, certificateType: string, uses: readonly string[], nikSealed: string, docs: readonly UploadedDoc[]): Promise<void> {
  const person = await ctx.desk.ports.roster.findByPersonId(ctx.binding!.personId);
  if (!person) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  // Refused: the conversation stays at its last step, so sending the last file again later submits.
  if (!(await allowed(ctx, 'request'))) return;
  const documents = await downloadAll(ctx, docs);
  const r = await submitApplication(ctx.desk.ports, {
    channel: 'telegram', email: person.email, nik: ctx.desk.unseal(nikSealed), nip: person.nip, name: person.name,
    certificateType, uses, documents, telegramChatId: String(ctx.chat!.id), acknowledge: false,
  });
  ctx.conversation = { step: 'idle' };
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  const missing = r.value.checks.filter((k) => !k.pass).map((k) => `• ${ctx.say(k.code, k.params)}`);
  await ctx.reply(ctx.say(r.value.status === 'pending_review' ? 'BOT.APPLIED' : 'BOT.APPLIED_INCOMPLETE', { id: r.value.requestId })
    + (missing.length ? `\n\n${missing.join('\n')}` : ''));
}
