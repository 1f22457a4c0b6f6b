import type { LimitKind, Take } from '../limits/token-bucket.ts';
import type { TransactionHandle } from './transaction.ts';

/**
 * Token buckets per sender and kind (domain/limits/token-bucket.ts), kept in storage so every process of
 * the desk shares them. `subject` is a channel-qualified id (`mail:budi@pontianak.go.id`,
 * `telegram:12345`); storage keeps only a keyed hash of it.
 */
export interface RateLimiter {
  /** Takes one token inside `tx`; a refusal writes nothing. */
  take(kind: LimitKind, subject: string, tx: TransactionHandle): Promise<Take>;
}
