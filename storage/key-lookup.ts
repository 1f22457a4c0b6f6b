import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';
import type { TransactionHandle } from '../domain/ports/transaction.ts';
import { createRawSql } from './raw-sql.ts';
import { toQueryRunner } from './transaction.ts';

/**
 * `findOneBy({ [key]: value })` for the lookups every bot update makes (who is this Telegram id, which
 * roster person), without typeorm's query builder (raw-sql.ts). The builder re-creates and re-escapes the
 * whole SELECT on every call; at a thousand updates a second that was a tenth of the bot's CPU and much
 * of its garbage (bench/bot.ts under `--cpu-prof`). The statement is written once from the entity's metadata, so the
 * columns and their names stay those of the schema, and each value is hydrated by the driver exactly as
 * `findOneBy` would (booleans from SQLite's 0/1, for one).
 *
 * @example
 * const byTelegramId = keyLookup(ds, OfficerSchema, 'telegramId');
 * const row = await byTelegramId('5550001');
 */
export function keyLookup<T extends ObjectLiteral>(ds: DataSource, schema: EntitySchema<T>, key: keyof T & string) {
  let prepared: { sql: string; hydrate: (raw: Record<string, unknown>) => T } | undefined;
  // Metadata exists only once the data source is initialised: the statement is built at first use.
  const prepare = () => {
    const meta = ds.getMetadata(schema);
    const keyColumn = meta.findColumnWithPropertyName(key);
    if (!keyColumn) throw new Error(`${meta.name} has no column ${key}`);
    const q = (name: string) => ds.driver.escape(name);
    const sql = `SELECT ${meta.columns.map((c) => q(c.databaseName)).join(', ')} FROM ${q(meta.tableName)} `
      + `WHERE ${q(keyColumn.databaseName)} = ? LIMIT 1`;
    const hydrate = (raw: Record<string, unknown>): T => {
      const row: Record<string, unknown> = {};
      for (const c of meta.columns) row[c.propertyName] = ds.driver.prepareHydratedValue(raw[c.databaseName], c);
      return row as T;
    };
    return { sql, hydrate };
  };
  const raw = createRawSql(ds);
  return async (value: string, tx?: TransactionHandle): Promise<T | null> => {
    prepared ??= prepare();
    const rows = await raw.rows(prepared.sql, [value], tx ? toQueryRunner(tx) : undefined);
    return rows[0] ? prepared.hydrate(rows[0]) : null;
  };
}
