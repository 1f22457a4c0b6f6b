import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import type { StoredAuditLog } from '../audit/audit-log.ts';
import { DocumentSchema } from '../entities/schemas.ts';
import { isVaultPath } from './file-vault.ts';

export interface SweepOptions {
  readonly ds: DataSource;
  readonly dataDir: string;
  readonly auditLog: StoredAuditLog;
  readonly now: Date;
  /**
   * A file younger than this is left alone, named or not: it may belong to a transaction still running
   * (its rows are not committed yet), in this process or in another one on the same data folder.
   */
  readonly minAgeMs: number;
  /** Counts what would go, removes nothing, audits nothing. */
  readonly dryRun: boolean;
}

export interface SweepReport {
  /** Vault files no document row names, old enough to go: removed (or, on a dry run, to be removed). */
  readonly orphans: number;
  readonly orphanBytes: number;
  /** Files no row names yet that are younger than `minAgeMs`: left for a later sweep. */
  readonly tooRecent: number;
  /** Vault files a row names. */
  readonly named: number;
}

/**
 * Removes vault files that no document row names. They are left behind by a crash between writing a
 * file and committing its row, or between retention's commit and its removal of a shared file it had
 * emptied (storage/pdp/retention.ts). Their data keys went with the rolled-back or destroyed rows, so
 * nobody can read them; they only take disk space and, holding what were e-KTP scans, have no reason to
 * stay (UU 27/2022: no longer than needed). Only files named like vault files are looked at; anything
 * else under `vault/` is not ra-desk's and is left alone.
 */
export async function sweepOrphanFiles(o: SweepOptions): Promise<SweepReport> {
  // The files first, the rows second: a file written after the listing is not looked at, and one whose
  // row commits after the rows were read is younger than minAgeMs.
  const files = await vaultFiles(o.dataDir);
  const rows = await o.ds.getRepository(DocumentSchema).createQueryBuilder('d').select('DISTINCT d.path', 'path').getRawMany<{ path: string }>();
  const named = new Set(rows.map((r) => r.path));
  let orphans = 0;
  let orphanBytes = 0;
  let tooRecent = 0;
  let namedFiles = 0;
  for (const path of files) {
    if (named.has(path)) {
      namedFiles++;
      continue;
    }
    const file = join(o.dataDir, path);
    const info = await stat(file).catch(() => null);
    if (!info) continue; // gone meanwhile
    if (o.now.getTime() - info.mtimeMs < o.minAgeMs) {
      tooRecent++;
      continue;
    }
    if (!o.dryRun) await rm(file, { force: true });
    orphans++;
    orphanBytes += info.size;
  }
  if (!o.dryRun) {
    await o.auditLog.appendStandalone({
      actor: SYSTEM_ACTOR, action: 'vault.sweep', subject: `vault:${o.now.toISOString().slice(0, 10)}`,
      outcome: `removed:${orphans}/bytes:${orphanBytes}/recent:${tooRecent}`,
    });
  }
  return { orphans, orphanBytes, tooRecent, named: namedFiles };
}

/** Every `vault/<2 hex>/<uuid>.bin` under the data folder, as a row would name it. */
async function vaultFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'vault');
  const folders = await readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const paths: string[] = [];
  for (const folder of folders) {
    if (!folder.isDirectory() || !/^[0-9a-f]{2}$/.test(folder.name)) continue;
    for (const entry of await readdir(join(root, folder.name), { withFileTypes: true })) {
      const path = `vault/${folder.name}/${entry.name}`;
      if (entry.isFile() && isVaultPath(path)) paths.push(path);
    }
  }
  return paths;
}
