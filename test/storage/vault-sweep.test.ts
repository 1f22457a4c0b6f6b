import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { AuditSchema } from '../../storage/entities/schemas.ts';
import { toHandle } from '../../storage/transaction.ts';
import { documentPath } from '../../storage/vault/file-vault.ts';
import { sweepOrphanFiles } from '../../storage/vault/sweep-orphans.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';
import { createTestDesk } from '../support/storage-desk.ts';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const DAY = 86_400_000;

describe.each(DATABASES)('sweeping orphan vault files on %s', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => { db = await openTestDatabase(kind); });
  afterEach(async () => { await db?.close(); });

  /** A file in the vault layout that no row names, as a crash between write and commit leaves it. */
  const orphan = (ageMs: number): string => {
    const path = documentPath(randomUUID());
    mkdirSync(join(db.dataDir, path, '..'), { recursive: true });
    writeFileSync(join(db.dataDir, path), randomBytes(1000));
    const at = new Date(NOW.getTime() - ageMs);
    utimesSync(join(db.dataDir, path), at, at);
    return path;
  };

  it('finds nothing to do in a data folder without a vault yet', async () => {
    const desk = createTestDesk(db.ds, db.dataDir);
    expect(await sweepOrphanFiles({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: NOW, minAgeMs: DAY, dryRun: false }))
      .toEqual({ orphans: 0, orphanBytes: 0, tooRecent: 0, named: 0 });
  });

  it('removes old files no row names, keeps young ones, named ones and anything not named like a vault file; audited without paths', async () => {
    const desk = createTestDesk(db.ds, db.dataDir);
    const requestId = 'OP-2026-000001';
    // Two documents in one transaction share a pack; one stored on its own has a file of its own.
    const [a, b] = await inWriteTransaction(db.ds, async (qr) => [
      await desk.ports.vault.store({ requestId, kind: 'cover_letter', bytes: tinyPdf(), mediaType: 'application/pdf' }, toHandle(qr)),
      await desk.ports.vault.store({ requestId, kind: 'ktp_scan', bytes: tinyJpeg(), mediaType: 'image/jpeg' }, toHandle(qr)),
    ]);
    const c = await desk.ports.vault.store({ requestId, kind: 'recommendation', bytes: tinyPdf({ text: 'rekomendasi' }), mediaType: 'application/pdf' });
    const old = [orphan(2 * DAY), orphan(30 * DAY)];
    const young = orphan(60_000);
    const foreign = join(db.dataDir, 'vault', old[0]!.slice(6, 8), 'catatan-operator.txt');
    writeFileSync(foreign, 'bukan berkas arsip');
    const misplaced = join(db.dataDir, 'vault', 'zz', `${randomUUID()}.bin`);
    mkdirSync(join(misplaced, '..'), { recursive: true });
    writeFileSync(misplaced, 'x');
    utimesSync(misplaced, new Date(0), new Date(0));
    const audits = () => db.ds.getRepository(AuditSchema).count();
    const auditsBefore = await audits();

    const dry = await sweepOrphanFiles({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: NOW, minAgeMs: DAY, dryRun: true });
    expect(dry).toEqual({ orphans: 2, orphanBytes: 2000, tooRecent: 1, named: 2 });
    expect(old.every((p) => existsSync(join(db.dataDir, p)))).toBe(true);
    expect(await audits()).toBe(auditsBefore);

    const run = await sweepOrphanFiles({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: NOW, minAgeMs: DAY, dryRun: false });
    expect(run).toEqual({ orphans: 2, orphanBytes: 2000, tooRecent: 1, named: 2 });
    expect(old.some((p) => existsSync(join(db.dataDir, p)))).toBe(false);
    for (const kept of [join(db.dataDir, young), foreign, misplaced]) expect(existsSync(kept)).toBe(true);
    for (const doc of [a, b, c]) expect((await desk.ports.vault.read(doc.id, requestId)).length).toBe(doc.size);
    const row = await db.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'vault.sweep' });
    expect(row.outcome).toBe('removed:2/bytes:2000/recent:1');
    expect(JSON.stringify(row)).not.toContain('vault/');
    expect((await desk.auditLog.verify()).ok).toBe(true);

    // Idempotent: the second sweep finds only the young file, still too young.
    expect(await sweepOrphanFiles({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: NOW, minAgeMs: DAY, dryRun: false }))
      .toEqual({ orphans: 0, orphanBytes: 0, tooRecent: 1, named: 2 });
  });
});
