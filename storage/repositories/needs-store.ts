import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { NeedsStore } from '../../domain/ports/needs-store.ts';
import type { NeedsSubmission } from '../../domain/needs/needs-inventory.ts';
import { managerFor } from '../transaction.ts';
import { Binder, dialectOf } from '../sql-binder.ts';

interface Row {
  agency: string; year: number | string; individual: number | string; position: number | string; system: number | string;
  submitted_by: string; channel: string; submitted_at: string;
}

const toSubmission = (r: Row): NeedsSubmission => ({
  agency: r.agency, year: Number(r.year),
  counts: { individual: Number(r.individual), position: Number(r.position), system: Number(r.system) },
  submittedBy: r.submitted_by, channel: r.channel === 'email' ? 'email' : 'telegram', submittedAt: r.submitted_at,
});

/** Plain SQL over `needs_inventory` (migration 0008), the same on SQLite and PostgreSQL. */
export function createNeedsStore(ds: DataSource): NeedsStore {
  const dialect = dialectOf(ds);
  return {
    async record(s, tx) {
      const b = new Binder(dialect);
      const values = [randomUUID(), s.agency, s.year, s.counts.individual, s.counts.position, s.counts.system, s.submittedBy, s.channel, s.submittedAt];
      await managerFor(ds, tx).query(
        `INSERT INTO needs_inventory (id, agency, year, individual, position, system, submitted_by, channel, submitted_at) VALUES (${values.map((v) => b.bind(v)).join(', ')})`,
        b.values,
      );
    },
    async latest(year) {
      const b = new Binder(dialect);
      const y = b.bind(year);
      const rows = await ds.query(
        `SELECT n.* FROM needs_inventory n
         WHERE n.year = ${y} AND NOT EXISTS (
           SELECT 1 FROM needs_inventory m WHERE m.year = n.year AND m.agency = n.agency
             AND (m.submitted_at > n.submitted_at OR (m.submitted_at = n.submitted_at AND m.id > n.id)))`,
        b.values,
      ) as Row[];
      return rows.map(toSubmission);
    },
  };
}
