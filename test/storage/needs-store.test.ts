import { describe, it, expect, afterEach } from 'vitest';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createNeedsStore } from '../../storage/repositories/needs-store.ts';
import type { NeedsSubmission } from '../../domain/needs/needs-inventory.ts';

const sub = (agency: string, at: string, individual: number, year = 2026): NeedsSubmission => ({
  agency, year, counts: { individual, position: 1, system: 0 }, submittedBy: 'officer:5550010', channel: 'telegram', submittedAt: at,
});

describe.each(DATABASES)('needs inventory store on %s (Pasal 10(2)-(3))', (kind) => {
  let db: TestDatabase;
  afterEach(async () => { await db?.close(); });

  it('keeps every submission and returns the latest of each agency for the year', async () => {
    db = await openTestDatabase(kind);
    const store = createNeedsStore(db.ds);
    const qr = db.ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    for (const s of [sub('Dinas A', '2026-03-01T00:00:00.000Z', 5), sub('Dinas A', '2026-03-05T00:00:00.000Z', 7), sub('Dinas B', '2026-03-02T00:00:00.000Z', 9), sub('Dinas B', '2025-12-01T00:00:00.000Z', 40, 2025)]) {
      await store.record(s, qr as never);
    }
    await qr.commitTransaction();
    await qr.release();
    const latest = (await store.latest(2026)).sort((a, b) => a.agency.localeCompare(b.agency));
    expect(latest.map((s) => [s.agency, s.counts.individual, s.year])).toEqual([['Dinas A', 7, 2026], ['Dinas B', 9, 2026]]);
    expect((await store.latest(2025)).map((s) => s.counts)).toEqual([{ individual: 40, position: 1, system: 0 }]);
    const count = await db.ds.query('SELECT COUNT(*) AS n FROM needs_inventory') as Array<{ n: number | string }>;
    expect(Number(count[0]!.n)).toBe(4);
  });
});
