import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import type { LimitKind } from '../../domain/limits/token-bucket.ts';
import { limitSubject, takeAllowance } from '../../domain/use-cases/take-allowance.ts';

/**
 * Takes one `kind` token for the Telegram user behind this update (domain/limits/token-bucket.ts). When
 * the bucket is empty the user is told in how many minutes to try again and false is returned: the
 * caller stops there, and nothing else is written.
 *
 * @example
 * if (!(await allowed(ctx, 'request'))) return;
 */
export async function allowed(ctx: BotContext, kind: LimitKind): Promise<boolean> {
  if (!ctx.from) return true;
  const p = ctx.desk.ports;
  const subject = limitSubject('telegram', String(ctx.from.id));
  // A token taken is bookkeeping: lost to a power cut, it is simply not counted (domain/ports/transaction.ts).
  const r = await p.uow.run((tx) => takeAllowance(p, kind, subject, tx), { durability: 'relaxed' });
  if (r.ok) return true;
  await ctx.reply(ctx.say(r.code, { minutes: r.params['minutes'] ?? 1 }));
  return false;
}

/** Every file or photo sent to the bot takes an upload token before any feature downloads it. */
export const uploadLimit = new DeskComposer<BotContext>();

uploadLimit.on(['message:document', 'message:photo'], async (ctx, next) => {
  if (await allowed(ctx, 'upload')) await next();
});
