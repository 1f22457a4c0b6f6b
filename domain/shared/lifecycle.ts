import { ok, refuse, type Result } from './result.ts';

/** The code every lifecycle returns for a move its table does not allow. */
export const ILLEGAL_TRANSITION = 'LIFECYCLE.ILLEGAL_TRANSITION' as const;

export interface Lifecycle<S extends string, E extends string> {
  readonly kind: string;
  readonly statuses: readonly S[];
  readonly events: readonly E[];
  /** The status after `event`, or a refusal naming the kind, status and event (no personal data). */
  next(status: S, event: E): Result<S, typeof ILLEGAL_TRANSITION>;
  /** Statuses from which no event leads anywhere. */
  readonly terminal: readonly S[];
}

/**
 * Builds a lifecycle from a transition table. Each request or ticket kind declares its own table in its
 * own module (STYLE.md §4); this is only the mechanism, so every kind refuses illegal moves the same way.
 */
export function defineLifecycle<S extends string, E extends string>(
  kind: string,
  statuses: readonly S[],
  table: Readonly<Record<E, { readonly from: readonly S[]; readonly to: S }>>,
): Lifecycle<S, E> {
  const events = Object.keys(table) as E[];
  const terminal = statuses.filter((s) => !events.some((e) => table[e].from.includes(s)));
  return {
    kind,
    statuses,
    events,
    terminal,
    next(status, event) {
      // Own properties only: an event named `constructor` from a chat must be refused, not crash.
      const rule = Object.hasOwn(table, event) ? table[event] : undefined;
      if (rule?.from.includes(status)) return ok(rule.to);
      return refuse(ILLEGAL_TRANSITION, { kind, from: status, event });
    },
  };
}
