import { describe, it, expect } from 'vitest';
import { openTestDatabase } from '../support/databases.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
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
});
