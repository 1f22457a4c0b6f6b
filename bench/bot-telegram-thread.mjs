// The thread entry of bench/bot-telegram-side.ts: worker threads do not inherit tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./bot-telegram-side.ts');
