import { randomBytes } from 'node:crypto';
import { closeSync, fsync, mkdirSync, openSync, rmSync, writev, writevSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Folders known to exist: the vault has 256 of them, and a mkdir per file is a wasted round trip. */
const madeFolders = new Set<string>();

/**
 * Writes a file's content piece by piece (e.g. while encrypting it) with `writeAllAt`, instead of
 * handing over one buffer. Synchronous: see `writeNewFile`.
 */
export type ContentWriter = (fd: number) => void;

/** Writes all of `pieces`, one after another, from `position`: one writev, more only if it fell short. */
export function writeAllAt(fd: number, pieces: readonly Uint8Array[], position: number): void {
  let rest = pieces.filter((p) => p.length > 0);
  let at = position;
  while (rest.length > 0) {
    const bytesWritten = writevSync(fd, rest as NodeJS.ArrayBufferView[], at);
    at += bytesWritten;
    rest = unwritten(rest, bytesWritten);
  }
}

/** What a writev of `pieces` that wrote only `bytesWritten` bytes left to write. */
function unwritten(pieces: readonly Uint8Array[], bytesWritten: number): Uint8Array[] {
  const left: Uint8Array[] = [];
  let skip = bytesWritten;
  for (const p of pieces) {
    if (skip >= p.length) skip -= p.length;
    else { left.push(p.subarray(skip)); skip = 0; }
  }
  return left;
}

/**
 * `writeAllAt` on the thread pool: the copy into the page cache, the biggest cost of a vault write on the
 * main thread (about 30 % of its time in a mail sync, measured with perf), runs beside it. The caller
 * keeps `pieces` unchanged and `fd` open until the promise settles.
 */
export async function writeAllAtLater(fd: number, pieces: readonly Uint8Array[], position: number): Promise<void> {
  let rest = pieces.filter((p) => p.length > 0);
  let at = position;
  while (rest.length > 0) {
    const pending = rest;
    const bytesWritten = await new Promise<number>((resolve, reject) => {
      writev(fd, pending as NodeJS.ArrayBufferView[], at, (e, n) => (e ? reject(e) : resolve(n)));
    });
    at += bytesWritten;
    rest = unwritten(rest, bytesWritten);
  }
}

/**
 * Creates `path`, which must not exist yet, with the content `write` puts in it, and returns a promise
 * that resolves once the content and the name survive a power cut (it rejects if either fsync failed;
 * the file is then gone). No temp file and rename: for a vault file, whose name is a fresh UUID that no
 * committed row names before it is durable, a half-written file left by a crash is an orphan nobody
 * reads, just as a left-over temp file would be; the rename only cost time.
 *
 * Creating and writing are synchronous, into the page cache: that is a memory copy, and done on the
 * thread pool each open, write and close was a round trip that cost the event loop more than the copy.
 * Only the two waits for the disk, the file's fsync and its folder's, go to the thread pool (see
 * `makeDurable`), and they run at once. Throws, with the file removed, if creating or writing fails.
 */
export function writeNewFile(path: string, write: ContentWriter): Promise<void> {
  const fd = createNewFile(path);
  try {
    write(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  return makeDurable(path, fd);
}

/** Creates `path` (exclusive: it must not exist yet; 0600, its folder 0700) and returns its descriptor. */
export function createNewFile(path: string): number {
  return openNew(dirname(path), path);
}

/**
 * Makes the file `fd` (created by `createNewFile` at `path`, now fully written) and its name survive a
 * power cut, then closes it. On failure the file is removed and the promise rejects.
 */
export async function makeDurable(path: string, fd: number): Promise<void> {
  // The folder's fsync (the new name) does not wait for the content's; both settle before the handle
  // is closed, so no fsync is still queued on a descriptor number the process may reuse.
  const [content, name] = await Promise.allSettled([fsyncFd(fd), syncFolder(dirname(path))]);
  closeSync(fd);
  const failed = [content, name].find((r) => r.status === 'rejected');
  if (failed) {
    rmSync(path, { force: true });
    throw failed.reason;
  }
}

const fsyncFd = (fd: number): Promise<void> => new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * Writes `data` so the final path holds either nothing or the whole file, even across a crash: a temp
 * file in the same folder (same file system, so the rename is atomic), fsync, rename, fsync the folder.
 * Callers pass ciphertext only; the temp file is never plaintext. Folders are 0700, files 0600.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openNew(dir, temp);
    try {
      writeAllAt(fd, [data], 0);
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dir);
}

/**
 * A new name in a folder survives a power cut only once the folder itself is fsynced. Opening and
 * closing the folder are quick system calls, made here; only the fsync waits on the thread pool.
 */
async function syncFolder(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens a new file (exclusive create, 0600) in `dir`, making the folder (0700) first if it is not known to exist. */
function openNew(dir: string, path: string): number {
  if (!madeFolders.has(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    madeFolders.add(dir);
  }
  try {
    return openSync(path, 'wx', 0o600);
  } catch (e) {
    // A folder removed behind our back (a restore, a test): make it again once.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return openSync(path, 'wx', 0o600);
  }
}
