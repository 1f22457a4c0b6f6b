import type { DataSource, QueryRunner } from 'typeorm';
import type { Database, Statement } from 'better-sqlite3';
import { durable, inWriteTransaction, inWriteTurn, isSqlite, type Durability } from './data-source.ts';

export type Row = Record<string, unknown>;

/**
 * Fixed statements on the hot path of every bot update (its claim, who the sender is), run without
 * typeorm's per-query machinery: on SQLite each is prepared once on the connection typeorm itself uses,
 * so inside a transaction it runs in that transaction, exactly like `qr.query`; on PostgreSQL it goes
 * through the query runner as usual. Write them with `?` placeholders; PostgreSQL gets `$1, $2, …`.
 */
export interface RawSql {
  /** The statement's rows; none for a statement without a result (an UPDATE without RETURNING). */
  rows(sql: string, params: readonly (string | number | null)[], qr?: QueryRunner): Promise<Row[]>;
  /**
   * One write transaction for `rows` statements, with the same guarantees as `inWriteTransaction`
   * (BEGIN IMMEDIATE, this process's writers taking turns, rollback on a throw, a WAL fsync before a
   * `full` one resolves). On SQLite BEGIN and COMMIT are prepared statements too, and `qr` is undefined:
   * everything runs on the one connection. Pass `qr` on to `rows`. Inside it, write only with `rows`:
   * typeorm does not know this transaction is open (a `save()` would try to open its own).
   */
  transaction<T>(work: (qr: QueryRunner | undefined) => Promise<T>, durability: Durability): Promise<T>;
}

/** Prepared statements per connection: a data source destroyed and opened again has a new one. */
const prepared = new WeakMap<Database, Map<string, Statement>>();

function sqliteRows(ds: DataSource): RawSql['rows'] {
  return (sql, params) => {
    // typeorm's better-sqlite3 driver keeps its one connection here.
    const db = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = new Map()));
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    if (stmt.reader) return Promise.resolve(stmt.all(...params) as Row[]);
    stmt.run(...params);
    return Promise.resolve([]);
  };
}

function sqliteTransaction(ds: DataSource, rows: RawSql['rows']): RawSql['transaction'] {
  return async (work, durability) => {
    const result = await inWriteTurn(ds, async () => {
      await rows('BEGIN IMMEDIATE', []);
      try {
        const out = await work(undefined);
        await rows('COMMIT', []);
        return out;
      } catch (e) {
        // SQLite ends some failed transactions itself (a full disk, say): the original error is the one to report.
        try {
          await rows('ROLLBACK', []);
        } catch {
          // no transaction left to roll back
        }
        throw e;
      }
    });
    if (durability === 'full') await durable(ds);
    return result;
  };
}

export function createRawSql(ds: DataSource): RawSql {
  if (isSqlite(ds)) {
    const rows = sqliteRows(ds);
    return { rows, transaction: sqliteTransaction(ds, rows) };
  }
  const numbered = new Map<string, string>();
  return {
    async rows(sql, params, qr) {
      let text = numbered.get(sql);
      if (text === undefined) {
        let n = 0;
        numbered.set(sql, (text = sql.replace(/\?/g, () => `$${++n}`)));
      }
      const runner = qr ?? ds.createQueryRunner();
      try {
        // The structured result: its `records` are the rows whatever the statement (an UPDATE's plain result is not).
        return ((await runner.query(text, [...params], true)) as { records?: Row[] }).records ?? [];
      } finally {
        if (!qr) await runner.release();
      }
    },
    transaction: (work, durability) => inWriteTransaction(ds, work, durability),
  };
}
