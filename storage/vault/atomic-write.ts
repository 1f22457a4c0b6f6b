import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Folders known to exist: the vault has 256 of them, and a mkdir per file is a wasted round trip. */
const madeFolders = new Set<string>();

/** Writes a file's content piece by piece (e.g. while encrypting it), instead of handing over one buffer. */
export type ContentWriter = (file: FileHandle) => Promise<void>;

/** Writes all of `pieces`, one after another, from `position`: one writev, more only if it fell short. */
export async function writeAllAt(file: FileHandle, pieces: readonly Uint8Array[], position: number): Promise<void> {
  let rest = pieces.filter((p) => p.length > 0);
  let at = position;
  while (rest.length > 0) {
    let { bytesWritten } = await file.writev(rest, at);
    at += bytesWritten;
    const left: Uint8Array[] = [];
    for (const p of rest) {
      if (bytesWritten >= p.length) bytesWritten -= p.length;
      else { left.push(p.subarray(bytesWritten)); bytesWritten = 0; }
    }
    rest = left;
  }
}

/** A file being created by `writeNewFile`. */
export interface NewFile {
  /** Resolves once the whole content is in the file (readable by anyone who opens it). */
  readonly written: Promise<void>;
  /** Resolves once the content and the name survive a power cut; rejects if any step failed (the file is then gone). */
  readonly durable: Promise<void>;
}

/**
 * Creates `path`, which must not exist yet, with the content `write` puts in it, and makes it durable:
 * exclusive create, then fsync of the file and of its folder. No temp file and rename: for a vault file,
 * whose name is a fresh UUID that no committed row names before `durable`, a half-written file left by a
 * crash is an orphan nobody reads, just as a left-over temp file would be; the rename only cost time.
 */
export function writeNewFile(path: string, write: ContentWriter): NewFile {
  const dir = dirname(path);
  const opening = openNew(dir, path);
  const written = opening.then(async (file) => {
    try {
      await write(file);
    } catch (e) {
      await file.close();
      throw e;
    }
  });
  const durable = (async () => {
    const file = await opening;
    // The folder's fsync (the new name) does not wait for the content: both fsyncs run at once.
    const folderSynced = syncFolder(dir);
    try {
      try {
        await written;
        await file.sync();
      } finally {
        if (await written.then(() => true, () => false)) await file.close();
      }
      await folderSynced;
    } catch (e) {
      await folderSynced.catch(() => undefined);
      await rm(path, { force: true });
      throw e;
    }
  })();
  written.catch(() => undefined); // the caller awaits `durable`, which carries the same failure
  durable.catch(() => undefined); // likewise observed by the caller
  return { written, durable };
}

/**
 * Writes `data` so the final path holds either nothing or the whole file, even across a crash: a temp
 * file in the same folder (same file system, so the rename is atomic), fsync, rename, fsync the folder.
 * Callers pass ciphertext only; the temp file is never plaintext. Folders are 0700, files 0600.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await openNew(dir, temp);
  try {
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dir);
}

/** A new name in a folder survives a power cut only once the folder itself is fsynced. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Opens a new file (exclusive create) in `dir`, making the folder first if it is not known to exist. */
async function openNew(dir: string, path: string): Promise<FileHandle> {
  if (!madeFolders.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeFolders.add(dir);
  }
  try {
    return await open(path, 'wx', 0o600);
  } catch (e) {
    // A folder removed behind our back (a restore, a test): make it again once.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await open(path, 'wx', 0o600);
  }
}
