/**
 * Abuse limits as token buckets: each sender (an e-mail address, a Telegram user) has a bucket per kind
 * of action holding up to `perHour` tokens, refilled evenly over the hour. An action takes one token; an
 * empty bucket refuses with the time until the next token. A burst of `perHour` is allowed, a flood is
 * not, and a person who waits is never locked out for long.
 */

/** What is limited: opening a new request or ticket, asking for or trying a one-time code, sending a file. */
export const LIMIT_KINDS = ['request', 'otp', 'upload'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** `perHour` 0 turns the limit off. */
export interface BucketRule {
  readonly perHour: number;
}

export type LimitRules = Readonly<Record<LimitKind, BucketRule>>;

/** A bucket as stored: tokens left (fractional while refilling) at `at`. */
export interface Bucket {
  readonly tokens: number;
  readonly at: string;
}

export type Take =
  | { readonly allowed: true; readonly bucket: Bucket }
  | { readonly allowed: false; readonly retryAfterMs: number };

const HOUR_MS = 3_600_000;

/**
 * Takes one token from `previous` (null: a full bucket) at `now`. The refused attempt changes nothing,
 * so a flood of refused attempts does not push the retry time further out.
 *
 * @example
 * const t = takeToken(null, { perHour: 3 }, new Date());
 * // { allowed: true, bucket: { tokens: 2, at: … } }
 */
export function takeToken(previous: Bucket | null, rule: BucketRule, now: Date): Take {
  if (rule.perHour <= 0) return { allowed: true, bucket: { tokens: 0, at: now.toISOString() } };
  const capacity = rule.perHour;
  const elapsed = previous ? Math.max(0, now.getTime() - Date.parse(previous.at)) : 0;
  const refilled = previous ? Math.min(capacity, previous.tokens + (elapsed * capacity) / HOUR_MS) : capacity;
  if (refilled >= 1) return { allowed: true, bucket: { tokens: refilled - 1, at: now.toISOString() } };
  return { allowed: false, retryAfterMs: Math.ceil(((1 - refilled) * HOUR_MS) / capacity) };
}

/** Whole minutes to tell a person, never "0 menit". */
export const retryMinutes = (retryAfterMs: number): number => Math.max(1, Math.ceil(retryAfterMs / 60_000));

/**
 * The window a refusal notice belongs to: one notice per sender and kind per window, so a flood of
 * refused mail produces one reply, not a flood of backscatter.
 */
export const noticeWindow = (rule: BucketRule, now: Date): number =>
  Math.floor(now.getTime() / Math.max(60_000, Math.ceil(HOUR_MS / Math.max(1, rule.perHour))));
