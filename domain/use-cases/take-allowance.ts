import { ok, refuse, type Result } from '../shared/result.ts';
import { noticeWindow, retryMinutes, type LimitKind, type LimitRules } from '../limits/token-bucket.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import type { DeskPorts } from './desk-ports.ts';

/** `LIMIT.request`, `LIMIT.otp`, `LIMIT.upload`: each says what was limited and in how many minutes to retry. */
export type LimitCode = `LIMIT.${LimitKind}`;

/** Generous enough for a desk's busiest honest sender, low enough to stop a flood (README, Configuration). */
export const DEFAULT_LIMIT_RULES: LimitRules = { request: { perHour: 60 }, otp: { perHour: 20 }, upload: { perHour: 120 } };

/** Who is limited: one bucket per channel identity, whatever they claim to be. */
export const limitSubject = (channel: 'mail' | 'telegram', id: string): string => `${channel}:${id.trim().toLowerCase()}`;

/**
 * Takes one token of `kind` for `subject` inside the caller's transaction, before anything else is
 * written. Refused: `LIMIT.<kind>` with `minutes` until the next token and `window`, the notice window
 * (domain/limits/token-bucket.ts) a channel uses to answer a flood once; nothing is written.
 *
 * @example
 * const a = await takeAllowance(p, 'request', limitSubject('mail', sender), tx);
 * if (!a.ok) return reply(t.message(a.code, a.params));
 */
export async function takeAllowance(p: DeskPorts, kind: LimitKind, subject: string, tx: TransactionHandle): Promise<Result<void, LimitCode>> {
  const take = await p.limits.take(kind, subject, tx);
  if (take.allowed) return ok(undefined);
  const rule = (p.settings.limits ?? DEFAULT_LIMIT_RULES)[kind];
  return refuse(`LIMIT.${kind}` as const, { minutes: retryMinutes(take.retryAfterMs), window: noticeWindow(rule, p.clock.now()) });
}
