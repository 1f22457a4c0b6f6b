import { open } from 'node:fs/promises';
import { coalesced } from './coalesced.ts';

/**
 * Makes SQLite commits durable without blocking the event loop. The connection runs at
 * `synchronous=NORMAL`: a commit appends its pages to the WAL file and returns, and SQLite fsyncs the
 * WAL only before a checkpoint. A commit that must survive a power cut then waits here until the WAL
 * file has been fsynced on libuv's thread pool — the fsync `synchronous=FULL` would have made inside
 * COMMIT, while the event loop (the bot's updates, the mail pipeline) stood still.
 *
 * Sound because, at NORMAL, SQLite fsyncs the WAL before each checkpoint and the database file after it:
 * a commit's pages are either still in the WAL file (this fsync persists them) or were checkpointed into
 * the database file and synced there before the WAL could be reused. Concurrent callers share fsyncs
 * (group commit); a caller never shares one that started before its commit.
 */
export interface WalSync {
  /** Resolves once every commit made before the call is on disk. */
  sync(): Promise<void>;
  /** fsyncs done so far (tests check that durable commits wait for one and relaxed ones do not). */
  readonly count: number;
}

export function walSync(walFile: string): WalSync {
  let count = 0;
  const fsyncs = coalesced(async () => {
    let file;
    try {
      file = await open(walFile, 'r');
    } catch (e) {
      // No WAL file: the last connection checkpointed it into the database file (synced) and removed it.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      await file.sync();
      count++;
    } finally {
      await file.close();
    }
  });
  return {
    sync: () => fsyncs.run(),
    get count() { return count; },
  };
}
