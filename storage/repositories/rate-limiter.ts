import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RateLimiter } from '../../domain/ports/rate-limits.ts';
import { takeToken, type LimitRules } from '../../domain/limits/token-bucket.ts';
import { toQueryRunner } from '../transaction.ts';
import { Binder, dialectOf } from '../sql-binder.ts';

/**
 * Token buckets in `rate_buckets` (migration 0010). The key is an HMAC of kind and sender under the
 * lookup key, so the table holds no address or Telegram id. SQLite write transactions are serialised
 * (BEGIN IMMEDIATE); on PostgreSQL the row is locked with FOR UPDATE while it is read and written.
 */
export function createRateLimiter(ds: DataSource, o: { lookupKey: Buffer; rules: LimitRules; now: () => Date }): RateLimiter {
  const dialect = dialectOf(ds);
  return {
    async take(kind, subject, tx) {
      const rule = o.rules[kind];
      const now = o.now();
      if (rule.perHour <= 0) return takeToken(null, rule, now);
      const key = createHmac('sha256', o.lookupKey).update(`rate|${kind}|${subject}`).digest('hex');
      const qr = toQueryRunner(tx);
      const read = new Binder(dialect);
      const rows = await qr.query(
        `SELECT tokens_milli AS "tokensMilli", updated_at AS "updatedAt" FROM rate_buckets WHERE key = ${read.bind(key)}${dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
        read.values,
      ) as Array<{ tokensMilli: number | string; updatedAt: string }>;
      const row = rows[0];
      const take = takeToken(row ? { tokens: Number(row.tokensMilli) / 1000, at: row.updatedAt } : null, rule, now);
      if (!take.allowed) return take; // a refusal writes nothing
      const write = new Binder(dialect);
      const milli = Math.floor(take.bucket.tokens * 1000);
      await qr.query(
        `INSERT INTO rate_buckets (key, tokens_milli, updated_at) VALUES (${write.bind(key)}, ${write.bind(milli)}, ${write.bind(take.bucket.at)})
         ON CONFLICT (key) DO UPDATE SET tokens_milli = excluded.tokens_milli, updated_at = excluded.updated_at`,
        write.values,
      );
      return take;
    },
  };
}
