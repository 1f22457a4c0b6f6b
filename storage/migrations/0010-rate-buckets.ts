import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Abuse limits (domain/limits/token-bucket.ts): one token bucket per sender and kind. `key` is a keyed
 * hash (HMAC) of kind and sender, never the address or Telegram id itself; tokens are kept in
 * thousandths so the column is an integer on SQLite and PostgreSQL alike.
 */
export class RateBuckets1764000000010 implements MigrationInterface {
  name = 'RateBuckets1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'rate_buckets',
      columns: [
        { name: 'key', type: 'text', isPrimary: true },
        { name: 'tokens_milli', type: 'integer' },
        { name: 'updated_at', type: 'text' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rate_buckets');
  }
}
