import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway folders under the OS temp folder, one per test or suite, so tests never touch the real data
 * folder and can run in parallel.
 *
 * @example
 * let dir: string;
 * beforeEach(() => { dir = makeTempDir('vault'); });
 * afterEach(() => removeTempDir(dir));
 */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ra-desk-${prefix.replace(/[^a-z0-9-]/gi, '-')}-`));
}

/** Removes a folder made by `makeTempDir` with everything in it; a missing folder is fine. */
export function removeTempDir(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}
