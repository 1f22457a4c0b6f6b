import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Folders known to exist: the vault has 256 of them, and a mkdir per file is a wasted round trip. */
const madeFolders = new Set<string>();

/** Writes a file's content piece by piece (e.g. while encrypting it), instead of handing over one buffer. */
export type ContentWriter = (file: FileHandle) => Promise<void>;

/** Writes all of `bytes` at `position`: one write call may take fewer bytes than it was given. */
export async function writeAllAt(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Writes `data` (bytes, or a writer that puts them in place; called once) so the final path holds
 * either nothing or the whole file, even across a crash: a temp file in the same folder (same file
 * system, so the rename is atomic), fsync, rename, fsync the folder. Callers pass ciphertext only; the
 * temp file is never plaintext. Folders are 0700, files 0600.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | ContentWriter): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await openTemp(dir, temp);
  try {
    try {
      if (typeof data === 'function') await data(file);
      else await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function openTemp(dir: string, temp: string): Promise<FileHandle> {
  if (!madeFolders.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeFolders.add(dir);
  }
  try {
    return await open(temp, 'wx', 0o600);
  } catch (e) {
    // A folder removed behind our back (a restore, a test): make it again once.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await open(temp, 'wx', 0o600);
  }
}
