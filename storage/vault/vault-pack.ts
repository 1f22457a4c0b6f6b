import { randomUUID } from 'node:crypto';
import { closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';
import { finishBeforeCommit } from '../data-source.ts';
import { createNewFile, makeDurable, writeAllAtLater } from './atomic-write.ts';
import { depthOf, type RollbackCleanup } from './rollback-cleanup.ts';

/** Where one document's sealed bytes went. */
export interface PackedAt {
  /** The file, relative to the data folder. */
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * Writes one document's sealed bytes into the open file `fd` from `offset` and returns how many; the
 * count is known before the bytes are written. Instead of writing, it may hand bytes to `later` (when
 * given): `pieces`, one after another from `at`, written on the thread pool before the pack is finished.
 * The writer must not change them afterwards.
 */
export type SealedWriter = (fd: number, offset: number, later?: (at: number, pieces: readonly Uint8Array[]) => void) => number;

/**
 * Bytes handed to `later` are gathered into one write of about this size: each write wakes a thread
 * of the pool, and on two cores the woken thread took the core from the main thread (~7 % of its time
 * went to a write per document).
 */
const GATHER_BYTES = 2 * 1024 * 1024;

interface Pack {
  readonly path: string;
  readonly file: string;
  readonly fd: number;
  size: number;
  /** Bytes handed over and not yet given to the thread pool: from `gatheredAt`, one after another. */
  gathered: Uint8Array[];
  gatheredAt: number;
  gatheredBytes: number;
  /** Writes running on the thread pool. */
  readonly writing: Promise<void>[];
}

/** Gives the gathered bytes to the thread pool. */
function flush(pack: Pack): void {
  if (pack.gathered.length === 0) return;
  const writing = writeAllAtLater(pack.fd, pack.gathered, pack.gatheredAt);
  writing.catch(() => undefined); // observed when the pack is finished
  pack.writing.push(writing);
  pack.gathered = [];
  pack.gatheredBytes = 0;
}

/** Takes `pieces` (from `at`) into the pack's next write, which goes out once it is big enough. */
function gather(pack: Pack, at: number, pieces: readonly Uint8Array[]): void {
  if (pack.gatheredAt + pack.gatheredBytes !== at) flush(pack);
  if (pack.gathered.length === 0) pack.gatheredAt = at;
  for (const p of pieces) {
    pack.gathered.push(p);
    pack.gatheredBytes += p.length;
  }
  if (pack.gatheredBytes >= GATHER_BYTES) flush(pack);
}

/** Settles once every byte handed over so far is written (or failed to be). */
function allWritten(pack: Pack): Promise<PromiseSettledResult<void>[]> {
  flush(pack);
  return Promise.allSettled(pack.writing);
}

/**
 * The documents stored in one transaction go into one file, a pack, each at its own offset, each
 * sealed under its own data key as before. Durability costs a file's and a folder's fsync; a mail sync
 * commits up to sixteen messages of four documents each at a time, so one pack per transaction turns
 * 128 fsyncs and 64 file creations into 2 and 1 (the vault's disk work was most of a sync's cost). The
 * pack's bytes are written on the thread pool, in writes of about 2 MB (GATHER_BYTES); the pack is
 * fsynced and closed when the transaction's work is done, before it commits (`finishBeforeCommit`), and
 * removed if the transaction rolls back.
 *
 * Only the outermost level of a transaction run by `inWriteTransaction` packs: inside a savepoint that
 * could roll back alone, and outside any transaction, `packFor` says no and the caller writes a file
 * of its own, as before packs.
 */
export function createVaultPacks(dataDir: string, rollbacks: RollbackCleanup, pathOf: (fileId: string) => string) {
  const open = new WeakMap<QueryRunner, Pack>();
  /** Packs not finished yet, by path: a reader waits for their writes. */
  const unfinished = new Map<string, Pack>();

  /** The pack of the transaction on `qr`, opened on first use; undefined where packing does not apply. */
  function packFor(qr: QueryRunner): Pack | undefined {
    const known = open.get(qr);
    if (known) return known;
    if (!qr.isTransactionActive || depthOf(qr) !== 1) return undefined;
    const path = pathOf(randomUUID());
    const file = join(dataDir, path);
    const fd = createNewFile(file);
    const pack: Pack = { path, file, fd, size: 0, gathered: [], gatheredAt: 0, gatheredBytes: 0, writing: [] };
    const finish = async (committing: boolean): Promise<void> => {
      // Whatever is stored after this point goes to a new pack of the same transaction.
      if (open.get(qr) === pack) open.delete(qr);
      // Every write settles before the descriptor is closed: none may land in a file that reuses its number.
      const failed = (await allWritten(pack)).find((r) => r.status === 'rejected');
      unfinished.delete(path);
      if (committing && !failed) return makeDurable(file, fd);
      closeSync(fd);
      // A failed write fails the commit; the rollback removes the file.
      if (failed) throw failed.reason;
    };
    if (!finishBeforeCommit(qr, finish)) {
      closeSync(fd);
      rmSync(file, { force: true });
      return undefined;
    }
    rollbacks.track(qr, file);
    open.set(qr, pack);
    unfinished.set(path, pack);
    return pack;
  }

  return {
    /**
     * Settles once every write begun so far into the file at `path` (relative to the data folder) has
     * settled: a document is readable, inside its own transaction too, as soon as it is stored.
     */
    async written(path: string): Promise<void> {
      const pack = unfinished.get(path);
      if (pack) await allWritten(pack);
    },

    /**
     * Appends one document to the pack of the transaction on `qr`. Undefined when the transaction does
     * not pack (see above): nothing was written. Throws if writing failed; the pack is then left to the
     * transaction's rollback, and a later document starts a new one.
     */
    append(qr: QueryRunner, write: SealedWriter): PackedAt | undefined {
      const pack = packFor(qr);
      if (!pack) return undefined;
      const offset = pack.size;
      try {
        const length = write(pack.fd, offset, (at, pieces) => gather(pack, at, pieces));
        pack.size += length;
        return { path: pack.path, offset, length };
      } catch (e) {
        // Bytes past `offset` may be half written: no later document goes after them.
        if (open.get(qr) === pack) open.delete(qr);
        throw e;
      }
    },
  };
}
