import { rm } from 'node:fs/promises';
import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Deletes vault files whose database row was rolled back with the caller's transaction, so a failed
 * use case leaves neither a row nor a file (no orphan ciphertext, Pasal 15(6)). typeorm announces every
 * commit and rollback, savepoints included, to the data source's subscribers; we listen there.
 *
 * A file is tracked with the transaction depth it was stored at: rolling back to a depth below it
 * deletes it; releasing a savepoint hands it to the enclosing level; the outermost commit keeps it.
 */
export interface RollbackCleanup {
  /**
   * Deletes `file` if the transaction open on `qr` (at its current depth) rolls back, once `written`
   * (its write, possibly still under way) has settled, so the write cannot recreate it afterwards.
   */
  track(qr: QueryRunner, file: string, written?: Promise<unknown>): void;
}

interface Pending {
  depth: number;
  readonly file: string;
  readonly written: Promise<unknown>;
}

/**
 * typeorm keeps the nesting depth in a protected field of every query runner (BaseQueryRunner); read it
 * and fall back to "one level" should a driver not have it.
 */
export const depthOf = (qr: QueryRunner): number => {
  const depth = (qr as unknown as { transactionDepth?: unknown }).transactionDepth;
  return typeof depth === 'number' ? depth : qr.isTransactionActive ? 1 : 0;
};

export function registerRollbackCleanup(dataSource: DataSource): RollbackCleanup {
  const pending = new WeakMap<QueryRunner, Pending[]>();

  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit({ queryRunner }) {
      const files = pending.get(queryRunner);
      if (!files) return;
      const depth = depthOf(queryRunner);
      if (depth === 0) pending.delete(queryRunner);
      else for (const f of files) f.depth = Math.min(f.depth, depth);
    },
    async afterTransactionRollback({ queryRunner }) {
      const files = pending.get(queryRunner);
      if (!files) return;
      const depth = depthOf(queryRunner);
      const undone = files.filter((f) => f.depth > depth);
      pending.set(queryRunner, files.filter((f) => f.depth <= depth));
      if (depth === 0) pending.delete(queryRunner);
      // Best effort: a file left behind is ciphertext whose wrapped key was rolled back with its row.
      await Promise.all(undone.map((f) => f.written.then(() => rm(f.file, { force: true })).catch(() => undefined)));
    },
  };
  dataSource.subscribers.push(subscriber);

  return {
    track(qr, file, written = Promise.resolve()) {
      const depth = depthOf(qr);
      if (!qr.isTransactionActive || depth === 0) return; // autocommitted: nothing can roll it back
      const files = pending.get(qr) ?? [];
      files.push({ depth, file, written: written.catch(() => undefined) });
      pending.set(qr, files);
    },
  };
}
