import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';
import type { TransactionHandle } from '../domain/ports/transaction.ts';
import { createRawSql } from './raw-sql.ts';
import { toQueryRunner } from './transaction.ts';

/**
 * `insert(row)` for the rows a mail sync writes for every message (documents, audit entries, dedupe
 * rows), without typeorm's query builder (raw-sql.ts), as `keyLookup` does for reads: the builder
 * re-creates the INSERT on every call, and after it re-reads any column that has a database default.
 * The statement is written once from the entity's metadata, naming every column, and each value is
 * prepared by the driver as `insert` would (booleans to SQLite's 0/1, for one). Every column must be
 * given: a missing property is written as NULL, never left to a default.
 *
 * @example
 * const insertDocument = rowInsert(ds, DocumentSchema);
 * await insertDocument(row, tx);
 */
export function rowInsert<T extends ObjectLiteral>(ds: DataSource, schema: EntitySchema<T>) {
  let prepared: { sql: string; values: (row: T) => (string | number | null)[] } | undefined;
  // Metadata exists only once the data source is initialised: the statement is built at first use.
  const prepare = () => {
    const meta = ds.getMetadata(schema);
    const q = (name: string) => ds.driver.escape(name);
    const sql = `INSERT INTO ${q(meta.tableName)} (${meta.columns.map((c) => q(c.databaseName)).join(', ')}) `
      + `VALUES (${meta.columns.map(() => '?').join(', ')})`;
    const values = (row: T) => meta.columns.map((c) => {
      const v: unknown = ds.driver.preparePersistentValue(row[c.propertyName as keyof T] ?? null, c);
      return v === undefined ? null : (v as string | number | null);
    });
    return { sql, values };
  };
  const raw = createRawSql(ds);
  return async (row: T, tx?: TransactionHandle): Promise<void> => {
    prepared ??= prepare();
    await raw.rows(prepared.sql, prepared.values(row), tx ? toQueryRunner(tx) : undefined);
  };
}
