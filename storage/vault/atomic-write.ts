import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Folders known to exist: the vault has 256 of them, and a mkdir per file is a wasted round trip. */
const madeFolders = new Set<string>();

/**
 * Writes `data` so the final path holds either nothing or the whole file, even across a crash: a temp
 * file in the same folder (same file system, so the rename is atomic), fsync, rename, fsync the folder.
 * Callers pass ciphertext only; the temp file is never plaintext. Folders are 0700, files 0600.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const dir = dirname(path);
  if (!madeFolders.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeFolders.add(dir);
  }
  try {
    await writeThenRename(dir, path, data);
  } catch (e) {
    // A folder removed behind our back (a restore, a test): make it again once.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    madeFolders.delete(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeFolders.add(dir);
    await writeThenRename(dir, path, data);
  }
}

async function writeThenRename(dir: string, path: string, data: Uint8Array): Promise<void> {
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o600);
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
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
