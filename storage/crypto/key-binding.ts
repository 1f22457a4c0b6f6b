import type { DataSource } from 'typeorm';
import { RaError } from '../../domain/shared/ra-error.ts';
import { SettingSchema } from '../entities/schemas.ts';
import type { KeyRing } from './keys.ts';
import { inWriteTransaction } from '../data-source.ts';

const SETTING = 'master_key_id';

/**
 * Binds a database to the master key it was first written with and refuses any other key before a
 * single row is touched. Without this, a wrong RA_MASTER_KEY would silently re-encrypt NIKs and write
 * vault files that no one can open again.
 */
export async function assertKeyBinding(ds: DataSource, keys: KeyRing, now: Date): Promise<void> {
  await inWriteTransaction(ds, async (qr) => {
    const repo = qr.manager.getRepository(SettingSchema);
    const bound = await repo.findOneBy({ name: SETTING });
    if (!bound) {
      await repo.insert({ name: SETTING, value: keys.keyId, updatedAt: now.toISOString() });
      return;
    }
    if (bound.value !== keys.keyId) {
      throw new RaError('KEY.MISMATCH', `The master key (id ${keys.keyId}) is not the key this database was written with (id ${bound.value}); set RA_MASTER_KEY or RA_MASTER_KEY_FILE to the right key`);
    }
  });
}
