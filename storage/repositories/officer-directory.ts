import type { DataSource } from 'typeorm';
import type { OfficerDirectory } from '../../domain/ports/directories.ts';
import type { Officer, OfficerRole } from '../../domain/people/officer.ts';
import { OfficerSchema } from '../entities/schemas.ts';
import type { OfficerRow } from '../entities/rows.ts';
import { managerFor } from '../transaction.ts';
import { keyLookup } from '../key-lookup.ts';

const toOfficer = (r: OfficerRow): Officer => ({
  telegramId: r.telegramId, personId: r.personId, nip: r.nip, role: r.role as OfficerRole,
  appointmentRef: r.appointmentRef, active: Boolean(r.active),
});

export function createOfficerDirectory(ds: DataSource): OfficerDirectory {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(OfficerSchema);
  const byTelegramId = keyLookup(ds, OfficerSchema, 'telegramId');
  return {
    findByTelegramId: async (telegramId, tx) => { const r = await byTelegramId(telegramId, tx); return r ? toOfficer(r) : null; },
    list: async () => (await repo().find({ order: { role: 'ASC', telegramId: 'ASC' } })).map(toOfficer),
    async save(o, at, tx) {
      const existing = await repo(tx).findOneBy({ telegramId: o.telegramId });
      await repo(tx).save({ ...o, createdAt: existing?.createdAt ?? at, updatedAt: at });
    },
    async deactivate(telegramId, at, tx) {
      const res = await repo(tx).update({ telegramId, active: true }, { active: false, updatedAt: at });
      return (res.affected ?? 0) > 0;
    },
  };
}
