import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inWriteTransaction, openDatabase } from '../../../storage/data-source.ts';
import { writeAllAtLater } from '../../../storage/vault/atomic-write.ts';
import { documentPath } from '../../../storage/vault/file-vault.ts';
import { registerRollbackCleanup } from '../../../storage/vault/rollback-cleanup.ts';
import { createVaultPacks } from '../../../storage/vault/vault-pack.ts';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.ts';

let dataDir: string;
let ds: DataSource;

beforeEach(async () => {
  dataDir = makeTempDir('vault-pack');
  ds = await openDatabase({ dataDir });
  await ds.query('CREATE TABLE marks (note TEXT)');
});

afterEach(async () => {
  if (ds.isInitialized) await ds.destroy();
  removeTempDir(dataDir);
});

const packFiles = (): string[] =>
  readdirSync(join(dataDir, 'vault'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('vault packs with writes on the thread pool', () => {
  it('writes every piece at its offset, and a reader inside the transaction waits for the writes', async () => {
    const packs = createVaultPacks(dataDir, registerRollbackCleanup(ds), documentPath);
    const first = Buffer.alloc(300_000, 1);
    const second = [Buffer.from('header'), Buffer.alloc(0), Buffer.alloc(700_000, 2)];
    const path = await inWriteTransaction(ds, async (qr) => {
      const a = packs.append(qr, (fd, offset, inBackground) => {
        inBackground!(writeAllAtLater(fd, [first], offset));
        return first.length;
      })!;
      const b = packs.append(qr, (fd, offset, inBackground) => {
        inBackground!(writeAllAtLater(fd, second, offset));
        return 700_006;
      })!;
      expect([a.offset, b.offset, b.path]).toEqual([0, first.length, a.path]);
      await packs.written(a.path);
      // Every byte is in the file before the transaction commits.
      expect(readFileSync(join(dataDir, a.path))).toEqual(Buffer.concat([first, ...second]));
      return a.path;
    });
    expect(readFileSync(join(dataDir, path))).toEqual(Buffer.concat([first, ...second]));
  });

  it('fails the commit when a write on the thread pool fails: no row, no file', async () => {
    const packs = createVaultPacks(dataDir, registerRollbackCleanup(ds), documentPath);
    const failed = inWriteTransaction(ds, async (qr) => {
      await qr.query(`INSERT INTO marks (note) VALUES ('stored')`);
      packs.append(qr, (_fd, _offset, inBackground) => {
        inBackground!(Promise.reject(new Error('ENOSPC: no space left on device')));
        return 42;
      });
    });
    await expect(failed).rejects.toThrow('ENOSPC');
    expect(await ds.query('SELECT note FROM marks')).toEqual([]);
    expect(packFiles()).toEqual([]);
  });
});
