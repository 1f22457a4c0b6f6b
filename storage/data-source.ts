import 'reflect-metadata';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type QueryRunner } from 'typeorm';
import { allSchemas } from './entities/schemas.ts';
import { migrations } from './migrations/index.ts';
import { walSync, type WalSync } from './wal-sync.ts';

export interface DatabaseOptions {
  /** Folder holding `ra-desk.sqlite` when no URL is given. */
  readonly dataDir: string;
  /** `postgres://…` switches to PostgreSQL with the same migrations. */
  readonly databaseUrl?: string | undefined;
  /** Milliseconds a writer waits for SQLite's lock before giving up. */
  readonly busyTimeoutMs?: number;
}

export const sqliteFile = (dataDir: string): string => join(dataDir, 'ra-desk.sqlite');

/**
 * Opens the database and applies pending migrations. `synchronize` is never used: the migrations are
 * the schema, on SQLite and PostgreSQL alike.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const common = { entities: allSchemas, migrations, synchronize: false, logging: false as const, migrationsRun: false };
  let ds: DataSource;
  if (options.databaseUrl) {
    ds = new DataSource({ type: 'postgres', url: options.databaseUrl, ...common });
  } else {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    ds = new DataSource({
      type: 'better-sqlite3',
      database: sqliteFile(options.dataDir),
      enableWAL: true,
      timeout: options.busyTimeoutMs ?? 15_000,
      ...common,
    });
  }
  await ds.initialize();
  // Commits append to the WAL and return; a commit that must survive a power cut then waits for the WAL's
  // fsync off the event loop (storage/wal-sync.ts, `Durability`). better-sqlite3's build already opens WAL
  // connections at NORMAL; said here so nobody has to know that.
  if (isSqlite(ds)) await ds.query('PRAGMA synchronous = NORMAL');
  // The database holds personal data: owner-only, whatever the umask (WAL and SHM files inherit it).
  if (!options.databaseUrl && existsSync(sqliteFile(options.dataDir))) chmodSync(sqliteFile(options.dataDir), 0o600);
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

export const isSqlite = (ds: DataSource): boolean => ds.options.type === 'better-sqlite3';

/**
 * A query runner whose transactions take SQLite's write lock at BEGIN (`BEGIN IMMEDIATE`). typeorm
 * issues a deferred `BEGIN TRANSACTION`; in WAL mode a deferred reader that later writes fails at once
 * with SQLITE_BUSY when another process committed meanwhile, without waiting for the busy timeout.
 * Taking the lock up front makes concurrent writers (two officers in two processes) queue instead.
 */
const immediateRunners = new WeakSet<QueryRunner>();

export function createWriteQueryRunner(ds: DataSource): QueryRunner {
  const qr = ds.createQueryRunner();
  // typeorm's SQLite drivers hand out one shared runner: patch it once, or wrappers pile up per call.
  if (isSqlite(ds) && !immediateRunners.has(qr)) {
    immediateRunners.add(qr);
    const query = qr.query.bind(qr);
    qr.query = ((sql: string, ...rest: unknown[]) =>
      (query as (...a: unknown[]) => Promise<unknown>)(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE' : sql, ...rest)) as QueryRunner['query'];
  }
  return qr;
}

/**
 * typeorm's better-sqlite3 driver shares one connection between all query runners, so two transactions
 * of the same process would nest ("cannot start a transaction within a transaction"). Writers of one
 * process therefore take turns here; writers of other processes wait on SQLite's own lock.
 */
const writeQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` when it is this process's turn to write, without opening a transaction: for code that
 * drives its own (storage/raw-sql.ts). On PostgreSQL writers do not take turns.
 */
export function inWriteTurn<T>(ds: DataSource, work: () => Promise<T>): Promise<T> {
  if (!isSqlite(ds)) return work();
  const previous = writeQueues.get(ds) ?? Promise.resolve();
  const run = previous.then(work, work);
  writeQueues.set(ds, run.catch(() => undefined));
  return run;
}

/**
 * How durable a commit must be before it returns.
 * - `full`: on disk. On SQLite the WAL file is fsynced after the commit, off the event loop, before the
 *   transaction's promise resolves (storage/wal-sync.ts); a mail is moved out of the inbox only after
 *   that. Everything people asked for or were promised is written this way.
 * - `relaxed`: atomic and safe against the process dying (the WAL is in the OS's page cache), but an OS
 *   crash or power cut may lose it — unless a later `full` commit followed, because fsyncing the WAL (or
 *   PostgreSQL's WAL flush) persists every earlier commit too. For bookkeeping whose loss only repeats or
 *   re-asks something harmless: the bot's claim and finish of an update (storage/bot-ledger.ts).
 */
export type Durability = 'full' | 'relaxed';

/** Runs `work` in one write transaction; rolls back on any throw. */
export async function inWriteTransaction<T>(ds: DataSource, work: (qr: QueryRunner) => Promise<T>, durability: Durability = 'full'): Promise<T> {
  const result = await inWriteTurn(ds, () => runTransaction(ds, work, durability));
  // After the write turn: the next writer need not wait for this fsync, only this caller does.
  if (durability === 'full') await durable(ds);
  return result;
}

const walSyncs = new WeakMap<DataSource, WalSync>();

/** The WAL syncer of a SQLite data source (null on PostgreSQL, whose commits are durable as they return). */
export function walSyncOf(ds: DataSource): WalSync | null {
  if (!isSqlite(ds)) return null;
  let w = walSyncs.get(ds);
  if (!w) walSyncs.set(ds, (w = walSync(`${ds.options.database as string}-wal`)));
  return w;
}

/** Resolves once every commit this data source made so far is on disk. */
export async function durable(ds: DataSource): Promise<void> {
  await walSyncOf(ds)?.sync();
}

/**
 * Work that must be finished (say, a file fsynced) before a transaction may commit: a promise already
 * under way, or a step to start once the transaction's own work is done, told whether it is about to
 * commit (true) or to roll back (false).
 */
export type BeforeCommit = Promise<unknown> | ((committing: boolean) => Promise<unknown>);

const beforeCommit = new WeakMap<QueryRunner, BeforeCommit[]>();

/**
 * Makes the commit of the transaction open on `qr` wait for `pending`, and fail (roll back) if it
 * fails. Lets a vault file be encrypted, written and fsynced while the transaction goes on with its
 * queries, instead of holding the write lock idle; a step (a function) runs only once the work is
 * done, so the documents of a whole transaction share one fsync. Returns false when `qr` is not a
 * transaction run by `inWriteTransaction`: the caller must then finish the work itself before its row
 * is written.
 */
export function finishBeforeCommit(qr: QueryRunner, pending: BeforeCommit): boolean {
  const list = beforeCommit.get(qr);
  if (!list || !qr.isTransactionActive) return false;
  // Observed at commit or rollback; until then a failure must not surface as an unhandled rejection.
  if (typeof pending !== 'function') pending.catch(() => undefined);
  list.push(pending);
  return true;
}

/**
 * Awaits every pending piece, including pieces added while waiting, all of them even after a failure
 * (so none is still writing when the caller rolls back); then throws the first failure.
 */
async function settle(list: BeforeCommit[], committing: boolean): Promise<void> {
  const failures: unknown[] = [];
  while (list.length > 0) {
    const started = list.splice(0, list.length).map((p) => (typeof p === 'function' ? Promise.resolve(committing).then(p) : p));
    for (const r of await Promise.allSettled(started)) if (r.status === 'rejected') failures.push(r.reason);
  }
  if (failures.length > 0) throw failures[0];
}

async function runTransaction<T>(ds: DataSource, work: (qr: QueryRunner) => Promise<T>, durability: Durability): Promise<T> {
  const qr = createWriteQueryRunner(ds);
  await qr.connect();
  await qr.startTransaction();
  const pending: BeforeCommit[] = [];
  beforeCommit.set(qr, pending);
  try {
    if (durability === 'relaxed' && !isSqlite(ds)) await qr.query('SET LOCAL synchronous_commit = off');
    const result = await work(qr);
    await settle(pending, true);
    await qr.commitTransaction();
    return result;
  } catch (e) {
    // Writes still in flight finish first, so the rollback's clean-up removes whole files, not half ones.
    await settle(pending, false).catch(() => undefined);
    if (qr.isTransactionActive) await qr.rollbackTransaction();
    throw e;
  } finally {
    beforeCommit.delete(qr);
    await qr.release();
  }
}
