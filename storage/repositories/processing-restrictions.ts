import type { DataSource } from 'typeorm';
import type { ProcessingRestrictions } from '../../domain/ports/processing-restrictions.ts';
import { RestrictionSchema } from '../entities/restriction.ts';
import { managerFor, toQueryRunner } from '../transaction.ts';

export function createProcessingRestrictions(ds: DataSource): ProcessingRestrictions {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(RestrictionSchema);
  return {
    isRestricted: async (personId, tx) => (await repo(tx).countBy({ personId })) > 0,
    find: async (personId, tx) => (await repo(tx).findOneBy({ personId })) ?? null,
    async restrict(r, tx) {
      if ((await repo(tx).countBy({ personId: r.personId })) > 0) return false;
      await toQueryRunner(tx).manager.getRepository(RestrictionSchema).insert({ ...r });
      return true;
    },
    async lift(personId, tx) {
      const result = await repo(tx).delete({ personId });
      return (result.affected ?? 0) > 0;
    },
  };
}
