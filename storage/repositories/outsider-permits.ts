import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import type { OutsiderPermit, OutsiderPermits } from '../../domain/ports/directories.ts';
import { OutsiderPermitSchema } from '../entities/schemas.ts';
import type { OutsiderPermitRow } from '../entities/rows.ts';
import { managerFor } from '../transaction.ts';

const toPermit = (r: OutsiderPermitRow): OutsiderPermit => ({
  id: r.id, email: r.email, name: r.name ?? '', reference: r.reference, grantedBy: r.grantedBy, grantedAt: r.grantedAt,
});

const key = (email: string): string => email.trim().toLowerCase();

export function createOutsiderPermits(ds: DataSource): OutsiderPermits {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(OutsiderPermitSchema);
  return {
    isPermitted: async (email, nikLookup, tx) =>
      (await repo(tx).countBy({ email: key(email), nikHmac: nikLookup, revokedAt: IsNull() })) > 0,
    async findByEmail(email, tx) {
      const r = await repo(tx).findOneBy({ email: key(email), revokedAt: IsNull() });
      return r ? toPermit(r) : null;
    },
    list: async () => (await repo().find({ where: { revokedAt: IsNull() }, order: { grantedAt: 'DESC' } })).map(toPermit),
    async grant(g, tx) {
      const id = randomUUID();
      const row = { id, email: key(g.email), nikHmac: g.nikLookup, name: g.name, grantedBy: g.grantedBy, reference: g.reference, grantedAt: g.at, revokedAt: null, revokedBy: null };
      // One row per address (ux_outsider_email): a revoked permit is replaced by the new grant.
      const previous = await repo(tx).findOneBy({ email: row.email });
      if (previous?.revokedAt) await repo(tx).delete({ id: previous.id });
      await repo(tx).insert(row);
      return id;
    },
    async revoke(email, by, at, tx) {
      const r = await repo(tx).findOneBy({ email: key(email), revokedAt: IsNull() });
      if (!r) return null;
      await repo(tx).update({ id: r.id }, { revokedAt: at, revokedBy: by });
      return r.id;
    },
  };
}
