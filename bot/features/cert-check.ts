import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { CERT_FILE_MAX_BYTES } from '../../storage/ca/certificate-file.ts';
import { describeCertificateStatus } from '../../templates/certificate-status.ts';
import { checkCertificate } from '../../domain/use-cases/check-certificate.ts';

/**
 * `/cek`: anyone (a relying party too) sends a certificate file and hears whether it is valid, expired,
 * revoked or from an unknown issuer, with each check (Pasal 14(2)). A certificate is public; nothing is
 * stored.
 */
export const certCheck = new DeskComposer<BotContext>();

certCheck.command('cek', async (ctx) => {
  ctx.conversation = { step: 'cert_check' };
  await ctx.reply(ctx.say('BOT.CERT_CHECK_ASK'));
});

certCheck.on('message:document', async (ctx, next) => {
  if (ctx.conversation.step !== 'cert_check') return next();
  if ((ctx.message.document.file_size ?? 0) > CERT_FILE_MAX_BYTES) return void (await ctx.reply(ctx.say('BOT.CERT_CHECK_TOO_BIG')));
  const file = await ctx.getFile();
  const bytes = await ctx.desk.download(file.file_path ?? '');
  ctx.conversation = { step: 'idle' };
  const report = await checkCertificate(ctx.desk.ports, { ca: ctx.desk.ca, verifier: ctx.desk.verifier }, bytes, ctx.desk.ports.clock.now());
  await ctx.reply(report ? describeCertificateStatus(ctx.desk.t, report) : ctx.say('BOT.CERT_CHECK_UNAVAILABLE'));
});
