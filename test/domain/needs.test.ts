import { describe, it, expect, afterEach } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, seedDesk, PEOPLE, rosterRow } from '../support/storage-desk.ts';
import type { StorageDesk } from '../../storage/create-desk.ts';
import { AuditSchema } from '../../storage/entities/schemas.ts';
import { createNeedsStore } from '../../storage/repositories/needs-store.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { rankedNeeds, submitNeeds } from '../../domain/use-cases/submit-needs.ts';
import { parseNeedsCounts } from '../../domain/needs/needs-inventory.ts';

/** Needs inventories (Pasal 10(2)-(3)) and the Pengelola's ranking (Pasal 10(1)e). */
describe('parseNeedsCounts', () => {
  it.each([
    ['10 2 1', { individual: 10, position: 2, system: 1 }],
    [' 0, 0 ,3 ', { individual: 0, position: 0, system: 3 }],
    ['Individu: 12\nJabatan: 1\nSistem elektronik: 4', { individual: 12, position: 1, system: 4 }],
    ['sistem=2 individu=5 organisasi=0', { individual: 5, position: 0, system: 2 }],
  ])('reads %j', (text, counts) => {
    expect(parseNeedsCounts(text)).toEqual({ ok: true, value: counts });
  });

  it.each(['', '10 2', '10 2 1 4', 'sepuluh dua satu', '10 -2 1', '1.5 2 1', '10 2 20001', 'individu 10 jabatan 2', '99999999999999999999 1 1'])('refuses %j', (text) => {
    expect(parseNeedsCounts(text)).toMatchObject({ ok: false, code: 'NEEDS.BAD_COUNTS' });
  });
});

describe('needs inventory on SQLite', () => {
  let db: TestDatabase;
  let desk: StorageDesk;
  let now = new Date('2026-03-02T02:00:00.000Z');
  afterEach(async () => { await db?.close(); });

  async function open(): Promise<void> {
    db = await openTestDatabase('sqlite');
    desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => now } });
    await seedDesk(desk);
    // Siti moves to Dinas Kesehatan; she and Budi are their agencies' admins, Andi's NIP serves the Pengelola.
    await importRoster(desk.ports, [{ line: 2, row: { ...rosterRow(PEOPLE.siti), agency: 'Dinas Kesehatan' } }]);
    for (const [id, nip, role] of [['5550010', PEOPLE.siti.nip, 'agency_admin'], ['5550011', PEOPLE.budi.nip, 'agency_admin'], ['5550012', PEOPLE.andi.nip, 'manager']] as const) {
      const r = await addOfficer(desk.ports, { telegramId: id, nip, role, appointmentRef: `800/${id}/2026` });
      if (!r.ok) throw new Error(r.code);
    }
  }

  it('records each agency\'s latest inventory and ranks the agencies by total for the Pengelola', async () => {
    await open();
    const store = createNeedsStore(db.ds);
    expect((await submitNeeds(desk.ports, store, { telegramId: '5550010' }, '5 0 0')).ok).toBe(true);
    now = new Date('2026-03-03T02:00:00.000Z');
    expect((await submitNeeds(desk.ports, store, { telegramId: '5550011' }, '10 2 1')).ok).toBe(true);
    now = new Date('2026-03-04T02:00:00.000Z');
    const mail = await submitNeeds(desk.ports, store, { email: PEOPLE.siti.email }, 'individu: 20\njabatan: 3\nsistem: 0');
    expect(mail).toMatchObject({ ok: true, value: { agency: 'Dinas Kesehatan', channel: 'email', counts: { individual: 20, position: 3, system: 0 } } });
    const r = await rankedNeeds(desk.ports, store, { telegramId: '5550012', year: 2026 });
    expect(r.ok && r.value.map((s) => [s.agency, s.counts.individual + s.counts.position + s.counts.system])).toEqual([
      ['Dinas Kesehatan', 23], ['Dinas Komunikasi dan Informatika', 13],
    ]);
    expect((await rankedNeeds(desk.ports, store, { telegramId: '5550012', year: 2025 })).ok && (await store.latest(2025))).toEqual([]);
  });

  it('refuses, writing nothing: an officer who is no agency admin, a stranger by mail, bad counts; and the ranking to a non-manager', async () => {
    await open();
    const store = createNeedsStore(db.ds);
    const codes = [
      await submitNeeds(desk.ports, store, { telegramId: '5550001' }, '1 1 1'),
      await submitNeeds(desk.ports, store, { email: 'orang@gmail.com' }, '1 1 1'),
      await submitNeeds(desk.ports, store, { telegramId: '5550010' }, '1 1'),
      await rankedNeeds(desk.ports, store, { telegramId: '5550010', year: 2026 }),
    ].map((r) => (r.ok ? 'ok' : r.code));
    expect(codes).toEqual(['NEEDS.NOT_AGENCY_ADMIN', 'NEEDS.NOT_AGENCY_ADMIN', 'NEEDS.BAD_COUNTS', 'NEEDS.NOT_A_MANAGER']);
    expect(await store.latest(2026)).toEqual([]);
    const audit = await db.ds.getRepository(AuditSchema).find({ where: { action: 'needs.submit' } });
    expect(audit.map((a) => a.outcome)).toEqual(['refused:NEEDS.NOT_AGENCY_ADMIN', 'refused:NEEDS.NOT_AGENCY_ADMIN', 'refused:NEEDS.BAD_COUNTS']);
  });
});
