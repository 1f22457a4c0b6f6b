import { InlineKeyboard } from 'grammy';
import type { BotContext } from './context.ts';

/** The ASN main menu (Indonesian labels from the catalogue). */
export function mainMenu(ctx: BotContext): InlineKeyboard {
  const k = new InlineKeyboard()
    .text(ctx.say('BOT.MENU_APPLY'), 'menu:apply').row()
    .text(ctx.say('BOT.MENU_STATUS'), 'menu:status').text(ctx.say('BOT.MENU_GUIDE'), 'menu:guide').row()
    .text(ctx.say('BOT.MENU_RENEW'), 'menu:renew').text(ctx.say('BOT.MENU_REVOKE'), 'menu:revoke').row()
    .text(ctx.say('BOT.MENU_INCIDENT'), 'menu:incident').row()
    .text(ctx.say('BOT.MENU_HELP'), 'menu:help').text(ctx.say('BOT.MENU_COMPLAINT'), 'menu:complaint');
  return k;
}

/** What an unbound user may do (Pasal 16(4) limits the rest to bound accounts): read the guide, ask for help. */
export function guestMenu(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.say('BOT.MENU_GUIDE'), 'menu:guide').text(ctx.say('BOT.MENU_HELP'), 'menu:help');
}
