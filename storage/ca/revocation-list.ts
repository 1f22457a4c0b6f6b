import { readFile } from 'node:fs/promises';
import { isRevocationReasonCode, type RevocationReasonCode } from '../../domain/ports/certificate-authority.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';

/** One revoked certificate of the sandbox CA, as kept in `<dataDir>/ca/revoked.json`. */
export interface RevocationEntry {
  readonly serial: string;
  /** ISO 8601. */
  readonly at: string;
  readonly reason: RevocationReasonCode;
}

interface RevocationFile {
  readonly version: 1;
  readonly entries: readonly RevocationEntry[];
}

const isEntry = (e: unknown): e is RevocationEntry => {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.serial === 'string' && typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at))
    && typeof r.reason === 'string' && isRevocationReasonCode(r.reason);
};

/** The revocations recorded so far; none when the file does not exist yet. */
export async function readRevocations(path: string): Promise<RevocationEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new RaError('CA.REVOCATIONS_CORRUPT', `${path} is not valid JSON; restore it from a backup`, { cause });
  }
  const file = parsed as Partial<RevocationFile> | null;
  if (file?.version !== 1 || !Array.isArray(file.entries) || !file.entries.every(isEntry)) {
    throw new RaError('CA.REVOCATIONS_CORRUPT', `${path} is not a version 1 revocation list; restore it from a backup`);
  }
  return [...file.entries];
}

/** Replaces the file in one step (temp file, fsync, rename): a crash leaves the old or the new list. */
export async function writeRevocations(path: string, entries: readonly RevocationEntry[]): Promise<void> {
  const file: RevocationFile = { version: 1, entries };
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8'));
}
