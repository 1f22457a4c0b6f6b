import { describe, it, expect } from 'vitest';
import { openTestDatabase } from '../support/databases.ts';
import { finishBeforeCommit, inWriteTransaction, walSyncOf } from '../../storage/data-source.ts';
import { SequenceSchema } from '../../storage/entities/schemas.ts';

describe('write transactions on SQLite', () => {
  it('keeps working after 15,000 write transactions in one process (the shared runner is patched once)', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      for (let i = 1; i <= 15_000; i++) {
        await inWriteTransaction(db.ds, async (qr) => { await qr.manager.getRepository(SequenceSchema).save({ name: 'n', value: i }); });
      }
      expect((await db.ds.getRepository(SequenceSchema).findOneByOrFail({ name: 'n' })).value).toBe(15_000);
    } finally {
      await db.close();
    }
  });

  it('runs concurrent transactions of one process one after another instead of nesting them', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const work = (name: string) => inWriteTransaction(db.ds, async (qr) => {
        await qr.manager.getRepository(SequenceSchema).save({ name, value: 1 });
        await new Promise((r) => setTimeout(r, 5));
        await qr.manager.getRepository(SequenceSchema).save({ name: `${name}-2`, value: 2 });
      });
      await Promise.all(['a', 'b', 'c', 'd'].map(work));
      expect(await db.ds.getRepository(SequenceSchema).count()).toBe(8);
    } finally {
      await db.close();
    }
  });

  it('commits only once work handed to finishBeforeCommit has finished, and rolls back when that work fails', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const events: string[] = [];
      await inWriteTransaction(db.ds, async (qr) => {
        await qr.manager.getRepository(SequenceSchema).save({ name: 'kept', value: 1 });
        const slow = new Promise<void>((r) => setTimeout(() => { events.push('finished'); r(); }, 30));
        expect(finishBeforeCommit(qr, slow)).toBe(true);
        events.push('work returned');
      });
      events.push('committed');
      expect(events).toEqual(['work returned', 'finished', 'committed']);

      const failing = inWriteTransaction(db.ds, async (qr) => {
        await qr.manager.getRepository(SequenceSchema).save({ name: 'dropped', value: 1 });
        finishBeforeCommit(qr, new Promise((_, reject) => setTimeout(() => reject(new Error('fsync failed')), 10)));
      });
      await expect(failing).rejects.toThrow('fsync failed');
      expect((await db.ds.getRepository(SequenceSchema).find()).map((r) => r.name)).toEqual(['kept']);
      expect(finishBeforeCommit(db.ds.createQueryRunner(), Promise.resolve())).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('makes a full commit durable with a WAL fsync before it resolves, shared by concurrent commits; a relaxed one does not wait', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const level = ((await db.ds.query('PRAGMA synchronous')) as { synchronous: number }[])[0]!.synchronous;
      expect(level).toBe(1);
      const wal = walSyncOf(db.ds)!;
      const save = (name: string) => async (qr: Parameters<Parameters<typeof inWriteTransaction>[1]>[0]) => {
        await qr.manager.getRepository(SequenceSchema).save({ name, value: 1 });
      };

      const before = wal.count;
      await inWriteTransaction(db.ds, save('full'));
      expect(wal.count).toBe(before + 1);

      await inWriteTransaction(db.ds, save('relaxed'), 'relaxed');
      expect(wal.count).toBe(before + 1);

      // Twenty writers at once: each resolves after an fsync, but they share a few.
      await Promise.all(Array.from({ length: 20 }, (_, i) => inWriteTransaction(db.ds, save(`many-${i}`))));
      expect(wal.count).toBeGreaterThan(before + 1);
      expect(wal.count).toBeLessThanOrEqual(before + 11);

      await expect(inWriteTransaction(db.ds, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await db.ds.getRepository(SequenceSchema).count()).toBe(22);
    } finally {
      await db.close();
    }
  });
});
