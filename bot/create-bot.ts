import { Bot, type BotError } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import type { BotContext } from './context.ts';
import type { BotDeps } from './bot-deps.ts';
import { deskContext } from './middleware/desk-context.ts';
import { DeskComposer } from './desk-composer.ts';
import { tolerateStaleCallbackAnswers } from './middleware/stale-callback.ts';
import { start } from './features/start.ts';
import { secretsGuard } from './features/secrets-guard.ts';
import { apply } from './features/apply.ts';
import { asnMenu } from './features/asn-menu.ts';
import { officer } from './features/officer.ts';
import { allowOutsiderCommand, manager } from './features/manager.ts';
import { agreement } from './features/agreement.ts';
import { delivery } from './features/delivery.ts';
import { unhandled } from './features/unhandled.ts';
import { renew } from './features/renew.ts';
import { certCheck } from './features/cert-check.ts';
import { revoke } from './features/revoke.ts';
import { officerRevocation } from './features/officer-revocation.ts';
import { oversight } from './features/oversight.ts';
import { needs } from './features/needs.ts';
import { officerBsre } from './features/officer-bsre.ts';
import { report } from './features/report.ts';
import { uploadLimit } from './features/abuse-limits.ts';

export interface BotOptions {
  readonly token: string;
  readonly apiRoot: string;
  /** Called with the error class and update id only: never the message text (it may hold personal data). */
  readonly onError?: (e: { name: string; updateId: number }) => void;
}

/**
 * The composition root of the bot: one Composer per feature, one error boundary around them all, and
 * the "unhandled" feature last (bot-base/telegram-bot-template). Updates of one chat run in order.
 */
export function createDeskBot(deps: BotDeps, o: BotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(o.token, { client: { apiRoot: o.apiRoot } });
  // 429s wait `retry_after` and try again instead of failing the handler.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  bot.api.config.use(tolerateStaleCallbackAnswers);
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(deskContext(deps));
  // `/izinkan` carries a NIK by design: it deletes the message itself, so it runs before the secrets guard;
  // the guard runs before /start, so a NIK typed where the NIP is asked is deleted too.
  const features = new DeskComposer<BotContext>();
  for (const feature of [uploadLimit, allowOutsiderCommand, secretsGuard, start, apply, renew, revoke, certCheck, asnMenu, agreement, delivery, officer, officerRevocation, officerBsre, report, oversight, needs, manager, unhandled]) {
    // One at a time: DeskComposer links each with one closure (grammY would wrap a list in its own chain).
    features.use(feature);
  }
  bot.errorBoundary(async (err: BotError<BotContext>) => {
    o.onError?.({ name: (err.error as Error)?.name ?? 'Error', updateId: err.ctx.update.update_id });
    await err.ctx.reply(deps.t.message('BOT.ERROR')).catch(() => undefined);
  }, features);
  bot.catch((err) => o.onError?.({ name: (err.error as Error)?.name ?? 'Error', updateId: err.ctx.update.update_id }));
  return bot;
}
