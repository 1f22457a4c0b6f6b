import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { OutsiderPermits } from '../../domain/ports/directories.ts';
import { OutsiderPermitSchema } from '../entities/schemas.ts';
import { managerFor } from '../transaction.ts';

export function createOutsiderPermits(ds: DataSource): OutsiderPermits {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(OutsiderPermitSchema);
  return {
    isPermitted: async (email, nikLookup, tx) =>
      (await repo(tx).countBy({ email: email.trim().toLowerCase(), nikHmac: nikLookup })) > 0,
    async grant(g, tx) {
      await repo(tx).insert({ id: randomUUID(), email: g.email.trim().toLowerCase(), nikHmac: g.nikLookup, grantedBy: g.grantedBy, reference: g.reference, grantedAt: g.at });
    },
  };
}
