import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { parseNik } from '../../domain/identity/nik.ts';

/** Looks like key material or a passphrase being shared: PEM blocks, "passphrase: …", "PIN …". */
const SECRET = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(pass\s*phrase|passphrase|kata\s*sandi|password|sandi\s+sertifikat|pin\s+(tte|bsre|sertifikat))\b\s*[:=]?\s*\S+/i;
const NIK_LIKE = /(?<!\d)\d{16}(?!\d)/;
/** The steps that ask for a NIK; their own handler deletes the message after reading it. */
const NIK_STEPS: readonly string[] = ['apply_nik', 'renew_nik'];

/**
 * The bot never asks for a passphrase or private key (Pasal 20 d). A message that looks like one, or
 * that carries a NIK outside the step that asks for it, is deleted where Telegram allows and the sender
 * is warned; the NIK itself is never echoed.
 */
export const secretsGuard = new DeskComposer<BotContext>();

secretsGuard.on('message:text', async (ctx, next) => {
  const text = ctx.message.text;
  const secret = SECRET.test(text);
  const nik = !NIK_STEPS.includes(ctx.conversation.step) && [...text.matchAll(new RegExp(NIK_LIKE, 'g'))].some((m) => parseNik(m[0]).ok);
  if (!secret && !nik) return next();
  await ctx.deleteMessage().catch(() => undefined);
  await ctx.reply(ctx.say(secret ? 'BOT.SECRET_WARNING' : 'BOT.NIK_WARNING'));
});
