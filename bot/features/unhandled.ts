import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import { mainMenu } from '../keyboards.ts';

/** Last: anything no feature took gets the menu (or the way to bind), never silence. */
export const unhandled = new DeskComposer<BotContext>();

unhandled.on('callback_query', async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.say('BOT.UNKNOWN_BUTTON') });
});

unhandled.chatType('private').on('message', async (ctx) => {
  if (ctx.binding) await ctx.reply(ctx.say('BOT.USE_MENU'), { reply_markup: mainMenu(ctx) });
  else await ctx.reply(ctx.say('BOT.START_FIRST'));
});
