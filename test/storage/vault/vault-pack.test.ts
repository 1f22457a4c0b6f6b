import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inWriteTransaction, openDatabase } from '../../../storage/data-source.ts';
import { writeAllAt } from '../../../storage/vault/atomic-write.ts';
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
    const middle = Buffer.from('written at once');
    const second = [Buffer.from('header'), Buffer.alloc(0), Buffer.alloc(700_000, 2)];
    const whole = Buffer.concat([first, middle, ...second]);
    const path = await inWriteTransaction(ds, async (qr) => {
      const a = packs.append(qr, (_fd, offset, later) => {
        later!(offset, [first]);
        return first.length;
      })!;
      // Written at once, between two handed over: the bytes gathered before it go out in a write of their own.
      const m = packs.append(qr, (fd, offset) => {
        writeAllAt(fd, [middle], offset);
        return middle.length;
      })!;
      const b = packs.append(qr, (_fd, offset, later) => {
        later!(offset, second);
        return 700_006;
      })!;
      expect([a.offset, m.offset, b.offset, b.path]).toEqual([0, first.length, first.length + middle.length, a.path]);
      await packs.written(a.path);
      // Every byte is in the file before the transaction commits.
      expect(readFileSync(join(dataDir, a.path)).equals(whole)).toBe(true);
      return a.path;
    });
    expect(readFileSync(join(dataDir, path)).equals(whole)).toBe(true);
  });

  it('fails the commit when a write on the thread pool fails: no row, no file', async () => {
    const packs = createVaultPacks(dataDir, registerRollbackCleanup(ds), documentPath);
    const failed = inWriteTransaction(ds, async (qr) => {
      await qr.query(`INSERT INTO marks (note) VALUES ('stored')`);
      // A piece the system call cannot take: the write on the thread pool fails after append returned.
      packs.append(qr, (_fd, offset, later) => {
        later!(offset, [{ length: 42 } as unknown as Uint8Array]);
        return 42;
      });
    });
    await expect(failed).rejects.toThrow(/buffers/);
    expect(await ds.query('SELECT note FROM marks')).toEqual([]);
    expect(packFiles()).toEqual([]);
  });
});
