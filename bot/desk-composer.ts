import { Composer, type Context, type Middleware, type MiddlewareFn } from 'grammy';

/**
 * grammY's `Composer` with a `branch` that allocates nothing per update. Every `on`, `command`,
 * `callbackQuery` and `filter` is a branch, and grammY builds a branch with `lazy`, which makes a new
 * Composer and its middleware chain for every update that passes by. The features register about
 * seventy handlers, so at a thousand updates a second that was a quarter of all the bot's garbage
 * (bench/bot.ts under `--cpu-prof`). Behaviour is grammY's: the predicate decides, per update, which
 * of the two middlewares runs with the same `next`.
 *
 * @example
 * export const asnMenu = new DeskComposer<BotContext>();
 * asnMenu.callbackQuery('menu:guide', (ctx) => ctx.reply(ctx.say('BOT.GUIDE')));
 */
export class DeskComposer<C extends Context> extends Composer<C> {}

/** Resolved when the update arrives, not when the branch is built: a composer may still grow after it is added. */
const flatten = <C extends Context>(mw: Middleware<C>): MiddlewareFn<C> =>
  typeof mw === 'function' ? mw : (ctx, next) => mw.middleware()(ctx, next);

const pass: MiddlewareFn<Context> = (_ctx, next) => next();

// Assigned on the prototype rather than declared as overrides: grammY's overloads of `filter` (type
// guards narrowing the context) stay exactly as they are, only the implementation changes.
Object.assign(DeskComposer.prototype, {
  filter(this: DeskComposer<Context>, predicate: (ctx: Context) => boolean | Promise<boolean>, ...middleware: Middleware<Context>[]) {
    // A DeskComposer, so chained filters (`chatType('private').on('message')`) branch cheaply too.
    const composer = new DeskComposer<Context>(...middleware);
    this.branch(predicate, composer, pass);
    return composer;
  },
  branch(this: DeskComposer<Context>, predicate: (ctx: Context) => boolean | Promise<boolean>, onTrue: Middleware<Context>, onFalse: Middleware<Context>) {
    const yes = flatten(onTrue);
    const no = flatten(onFalse);
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? yes(ctx, next) : no(ctx, next)));
  },
});
