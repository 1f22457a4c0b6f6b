import { benchPerson, mixOf, scriptFor, type BenchPerson, type Step } from './bot-workload.ts';

/**
 * Who takes part in each pass of `npm run bench -- bot`. Shared by the bot's side (which seeds the
 * bindings of the `bound` users) and Telegram's side (bot-telegram-side.ts, which plays the users).
 */

export interface Population {
  readonly warm: number;
  readonly users: number;
}

/** One simulated user: a Telegram account and its ten steps. */
export interface SimUser {
  readonly telegramId: number;
  readonly firstName: string;
  /** Prefix of its steps' labels in the per-step figures, e.g. `bound`. */
  readonly mix: string;
  readonly steps: readonly Step[];
}

export const PHASES = ['warm-up', 'flat out', 'paced'] as const;

/** Telegram ids: 2xx,xxx,xxx; the digit after the 2 is the turn, the next one the phase. */
export const telegramId = (turn: number, phase: number, i: number): number => 200_000_000 + turn * 10_000_000 + phase * 1_000_000 + i;

const firstPersonOf = (pop: Population, phase: number): number => (phase === 0 ? 0 : pop.warm + (phase - 1) * pop.users);
/** How many users phase `phase` has: the warm-up's, or a timed pass's. */
export const countOf = (pop: Population, phase: number): number => (phase === 0 ? pop.warm : pop.users);

/** Phase `phase` of turn `turn`: its users, each mapped to its own roster person. */
export function usersOf(pop: Population, turn: number, phase: number): SimUser[] {
  const first = firstPersonOf(pop, phase);
  return Array.from({ length: countOf(pop, phase) }, (_, i) => {
    const id = telegramId(turn, phase, i);
    return { telegramId: id, firstName: `Pengguna ${i + 1}`, mix: mixOf(i), steps: scriptFor(mixOf(i), benchPerson(first + i), id) };
  });
}

/** The roster persons of the `bound` users of every phase (ra-desk's turn only binds those). */
export function boundUsers(pop: Population, turn: number): { telegramId: number; person: BenchPerson }[] {
  return PHASES.flatMap((_, phase) => Array.from({ length: countOf(pop, phase) }, (_, i) => i)
    .filter((i) => mixOf(i) === 'bound')
    .map((i) => ({ telegramId: telegramId(turn, phase, i), person: benchPerson(firstPersonOf(pop, phase) + i) })));
}
