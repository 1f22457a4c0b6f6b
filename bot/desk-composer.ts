import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from 'grammy';

/**
 * grammY's `Composer` with a middleware chain that allocates less per update. The features register
 * about seventy handlers in one chain, and every update walks it until a handler takes it; at a thousand
 * updates a second grammY's own chain was a quarter of the bot's garbage (bench/bot.ts under
 * `--cpu-prof`), and collecting it most of the gap to the target. Two changes, behaviour otherwise
 * grammY's:
 * - `branch` (behind every `on`, `command`, `callbackQuery`, `filter`) decides with the predicate and
 *   calls one of its two middlewares; grammY builds it with `lazy`, which makes a new Composer and its
 *   chain for every update that passes by;
 * - `use` links a layer to the next with one plain closure; grammY wraps each link in two async functions
 *   to detect a `next` called twice, which no feature here does.
 *
 * @example
 * export const asnMenu = new DeskComposer<BotContext>();
 * asnMenu.callbackQuery('menu:guide', (ctx) => ctx.reply(ctx.say('BOT.GUIDE')));
 */
export class DeskComposer<C extends Context> extends Composer<C> {}

/** Resolved when the update arrives, not when the chain is built: a composer may still grow after it is added. */
const flatten = <C extends Context>(mw: Middleware<C>): MiddlewareFn<C> =>
  typeof mw === 'function' ? mw : (ctx, next) => mw.middleware()(ctx, next);

const pass: MiddlewareFn<Context> = (_ctx, next) => next();

/** `next()` promises a promise; a middleware that finished synchronously returned none. */
const done = Promise.resolve();
const settled = (r: unknown): Promise<void> => (r instanceof Promise ? (r as Promise<void>) : done);

type Predicate = (ctx: Context) => boolean | Promise<boolean>;
/** grammY's `handler` field, private in its types: the chain `use` extends. */
type Chained = { handler: MiddlewareFn<Context> };

// Assigned on the prototype rather than declared as overrides: grammY's overloads (type guards narrowing
// the context) stay exactly as they are, only the implementations change.
Object.assign(DeskComposer.prototype, {
  use(this: DeskComposer<Context>, ...middleware: Middleware<Context>[]) {
    const composer = new DeskComposer<Context>(...middleware);
    const self = this as unknown as Chained;
    const first = self.handler;
    const then = flatten(composer);
    self.handler = (ctx: Context, next: NextFunction) => first(ctx, () => settled(then(ctx, next)));
    return composer;
  },
  filter(this: DeskComposer<Context>, predicate: Predicate, ...middleware: Middleware<Context>[]) {
    // A DeskComposer, so chained filters (`chatType('private').on('message')`) branch cheaply too.
    const composer = new DeskComposer<Context>(...middleware);
    this.branch(predicate, composer, pass);
    return composer;
  },
  branch(this: DeskComposer<Context>, predicate: Predicate, onTrue: Middleware<Context>, onFalse: Middleware<Context>) {
    const yes = flatten(onTrue);
    const no = flatten(onFalse);
    return this.use((ctx: Context, next: NextFunction) => {
      const decided = predicate(ctx);
      // grammY's filter queries, commands and callback data decide synchronously: no promise then.
      if (typeof decided === 'boolean') return decided ? yes(ctx, next) : no(ctx, next);
      return decided.then((ok) => (ok ? yes(ctx, next) : no(ctx, next)));
    });
  },
});
