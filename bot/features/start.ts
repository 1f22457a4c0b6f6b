import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { guestMenu, mainMenu } from '../keyboards.ts';
import { confirmBinding, startBinding } from '../../domain/use-cases/bind-telegram.ts';

/** `/start`: bound users get the menu; others prove their dinas address with a mailed one-time code. */
export const start = new DeskComposer<BotContext>();
const priv = start.chatType('private');

priv.command('start', async (ctx) => {
  if (ctx.binding) {
    ctx.conversation = { step: 'idle' };
    await ctx.reply(ctx.say('BOT.WELCOME_BACK'), { reply_markup: mainMenu(ctx) });
    return;
  }
  ctx.conversation = { step: 'bind_identifier' };
  await ctx.reply(ctx.say('BOT.ASK_IDENTIFIER'), { reply_markup: guestMenu(ctx) });
});

priv.on('message:text', async (ctx, next) => {
  if (ctx.conversation.step === 'bind_identifier') {
    const r = await startBinding(ctx.desk.ports, { telegramId: String(ctx.from.id), identifier: ctx.message.text });
    if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
    ctx.conversation = { step: 'bind_code' };
    return void (await ctx.reply(ctx.say('BOT.CODE_SENT', { email: r.value.maskedEmail })));
  }
  if (ctx.conversation.step === 'bind_code') {
    const r = await confirmBinding(ctx.desk.ports, { telegramId: String(ctx.from.id), chatId: String(ctx.chat.id), code: ctx.message.text });
    if (!r.ok) {
      if (r.code === 'BIND.EXPIRED' || r.code === 'BIND.TOO_MANY_ATTEMPTS' || r.code === 'BIND.NO_CHALLENGE') ctx.conversation = { step: 'idle' };
      return void (await ctx.reply(ctx.say(r.code, r.params)));
    }
    ctx.conversation = { step: 'idle' };
    ctx.binding = await ctx.desk.ports.telegramBindings.findByTelegramId(String(ctx.from.id));
    return void (await ctx.reply(ctx.say('BOT.BOUND', { name: r.value.name }), { reply_markup: mainMenu(ctx) }));
  }
  return next();
});
