import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../storage/data-source.ts';

/** Every database the storage must work on. Use as `describe.each(DATABASES)('%s', (kind) => { … })`. */
export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

export interface TestDatabase {
  readonly ds: DataSource;
  /** A fresh temp folder (SQLite file on sqlite; document files on either). */
  readonly dataDir: string;
  /** Set on postgres: the URL of this test's own database, to open more connections (another "process"). */
  readonly databaseUrl?: string;
  /** Destroys the DataSource, drops the database (postgres) and removes dataDir. Idempotent. */
  close(): Promise<void>;
}

/** Admin URL of the test server, pointed at database `name` instead. */
function urlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The test PostgreSQL server's admin URL, from vitest's global setup. Imported on first use: SQLite-only
 * users of this module (the benchmark's peak-RSS child process) must not load vitest or pg, which the
 * real `ra-desk mail sync` process never has in memory.
 */
const pgAdminUrl = async (): Promise<string> => (await import('vitest')).inject('pgUrl');

async function adminQuery(sql: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: await pgAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated, empty database of the given kind. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `ra-test-${kind}-`));
  let dbName: string | undefined;
  let ds: DataSource | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      if (ds?.isInitialized) await ds.destroy();
      // FORCE (PostgreSQL 13+) ends connections a test left open, e.g. a second DataSource.
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    if (kind === 'sqlite') {
      ds = await openDatabase({ dataDir });
      return { ds, dataDir, close };
    }
    dbName = `ra_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${dbName}"`);
    const databaseUrl = urlFor(await pgAdminUrl(), dbName);
    ds = await openDatabase({ dataDir, databaseUrl });
    return { ds, dataDir, databaseUrl, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}
