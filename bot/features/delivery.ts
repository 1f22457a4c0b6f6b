import { InlineKeyboard, InputFile } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { confirmReceipt, issueCertificate, recordCertificateDelivery } from '../../domain/use-cases/issue-certificate.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';
import { receiptText } from '../../templates/receipt.ts';

const MAX_CSR_BYTES = 64 * 1024;

/**
 * After the agreement: the applicant sends their CSR (never a private key), the CA issues, the bot hands
 * the certificate over and asks for the receipt (Pasal 16(6)).
 */
export const delivery = new DeskComposer<BotContext>();

delivery.on('message:document', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'await_csr' || !ctx.binding) return next();
  if (!ctx.desk.ca) {
    ctx.conversation = { step: 'idle' };
    return void (await ctx.reply(ctx.say('BOT.CA_MANUAL', { id: c.requestId })));
  }
  if ((ctx.message.document.file_size ?? 0) > MAX_CSR_BYTES) return void (await ctx.reply(ctx.say('BOT.CSR_TOO_BIG')));
  const file = await ctx.getFile();
  const csrPem = (await ctx.desk.download(file.file_path ?? '')).toString('utf8');
  const r = await issueCertificate(ctx.desk.ports, ctx.desk.ca, { requestId: c.requestId, personId: ctx.binding.personId, csrPem });
  if (!r.ok) {
    const detail = typeof r.params['reason'] === 'string' && ctx.desk.t.has(r.params['reason']) ? `\n${ctx.say(r.params['reason'], r.params)}` : '';
    return void (await ctx.reply(ctx.say(r.code, r.params) + detail));
  }
  ctx.conversation = { step: 'idle' };
  await ctx.replyWithDocument(new InputFile(Buffer.from(r.value.pem + r.value.chainPem, 'utf8'), `sertifikat-${c.requestId}.pem`), {
    caption: ctx.say('BOT.CERT_ISSUED', { id: c.requestId, serial: r.value.serial, notAfter: r.value.notAfter.slice(0, 10) }),
    reply_markup: new InlineKeyboard().text(ctx.say('BOT.BTN_RECEIVED'), `rcpt:${c.requestId}`),
  });
  await recordCertificateDelivery(ctx.desk.ports, c.requestId);
});

delivery.callbackQuery(/^rcpt:(.+)$/, async (ctx) => {
  ctx.acknowledge();
  const id = ctx.match[1]!;
  if (!ctx.binding || !isCaseId(id)) return void (await ctx.reply(ctx.say('BOT.BIND_FIRST')));
  const person = await ctx.desk.ports.roster.findByPersonId(ctx.binding.personId);
  const cert = await ctx.desk.ports.certificates.findByRequest(id);
  const at = ctx.desk.ports.clock.now().toISOString();
  const text = receiptText(ctx.desk.t, { requestId: id, certificate: cert, name: person?.name ?? '-', nip: person?.nip ?? null, at, channel: 'Telegram' });
  const r = await confirmReceipt(ctx.desk.ports, { requestId: id, personId: ctx.binding.personId, receiptText: text });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  await ctx.reply(ctx.say('BOT.RECEIPT_DONE', { id, at: r.value.at.slice(0, 16).replace('T', ' ') }));
});
