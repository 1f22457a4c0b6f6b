import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import type { RosterDirectory } from '../../domain/ports/directories.ts';
import type { RosterPerson } from '../../domain/roster/roster-person.ts';
import type { PersonCategory } from '../../domain/roster/roster-entry.ts';
import { ok, refuse } from '../../domain/shared/result.ts';
import { RosterSchema } from '../entities/schemas.ts';
import type { RosterRow } from '../entities/rows.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { managerFor } from '../transaction.ts';
import { keyLookup } from '../key-lookup.ts';

const toPerson = (r: RosterRow): RosterPerson => ({
  personId: r.personId, nip: r.nip, name: r.name, email: r.email, agency: r.agency, position: r.position,
  superiorNip: r.superiorNip, category: r.category as PersonCategory, active: Boolean(r.active), nikLookup: r.nikHmac,
});

/** The ASN roster. NIKs are stored encrypted with their keyed hash beside them (UU 27/2022). */
export function createRosterDirectory(ds: DataSource, cipher: FieldCipher): RosterDirectory {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(RosterSchema);
  const byNip = keyLookup(ds, RosterSchema, 'nip');
  const byEmail = keyLookup(ds, RosterSchema, 'email');
  const byPersonId = keyLookup(ds, RosterSchema, 'personId');
  return {
    findByNip: async (nip, tx) => { const r = await byNip(nip, tx); return r ? toPerson(r) : null; },
    findByEmail: async (email, tx) => { const r = await byEmail(email.trim().toLowerCase(), tx); return r ? toPerson(r) : null; },
    findByPersonId: async (personId, tx) => { const r = await byPersonId(personId, tx); return r ? toPerson(r) : null; },
    count: () => repo().count(),

    async upsert(entry, at, tx) {
      const r = repo(tx);
      const nikHmac = cipher.lookupHash(entry.nik);
      const existing = entry.nip ? await r.findOneBy({ nip: entry.nip }) : await r.findOneBy({ email: entry.email, category: 'official' });
      const byNik = await r.findOneBy({ nikHmac });
      if (byNik && byNik.personId !== existing?.personId) return refuse('ROSTER.NIK_TAKEN');
      const byEmail = await r.findOneBy({ email: entry.email });
      if (byEmail && byEmail.personId !== existing?.personId) return refuse('ROSTER.EMAIL_TAKEN');
      const row: RosterRow = {
        personId: existing?.personId ?? randomUUID(),
        nip: entry.nip, nikHmac,
        // Re-encrypting an unchanged NIK would churn the row on every import; keep the old ciphertext.
        nikEnc: existing && existing.nikHmac === nikHmac ? existing.nikEnc : cipher.encrypt(entry.nik),
        name: entry.name, email: entry.email, agency: entry.agency, position: entry.position,
        superiorNip: entry.superiorNip, category: entry.category, active: true, updatedAt: at,
      };
      await r.save(row);
      return ok({ personId: row.personId, created: !existing, agencyChanged: existing !== null && existing.active && existing.agency !== entry.agency });
    },

    async deactivateAllExcept(keep, at, tx) {
      const r = repo(tx);
      const active = await r.find({ select: { personId: true }, where: { active: true } });
      const leaving = active.map((a) => a.personId).filter((id) => !keep.has(id));
      // Chunks keep each statement's parameter list well under SQLite's and PostgreSQL's limits.
      for (let i = 0; i < leaving.length; i += 500) await r.update({ personId: In(leaving.slice(i, i + 500)) }, { active: false, updatedAt: at });
      return leaving;
    },
  };
}
