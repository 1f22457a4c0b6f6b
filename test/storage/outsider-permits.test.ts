import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, seedDesk, PEOPLE } from '../support/storage-desk.ts';
import { allowOutsider, revokeOutsider } from '../../domain/use-cases/allow-outsider.ts';
import { AuditSchema, OutsiderPermitSchema } from '../../storage/entities/schemas.ts';

const RINA = { email: 'Rina.Wati@pontianak.go.id', nik: '6171015505950001', name: 'Rina  Wati', reference: '800/45/DISKOMINFO/2026' };

describe.each(DATABASES)('outsider permits on %s (Pasal 13(1)c)', (kind) => {
  let db: TestDatabase;
  afterEach(async () => { await db?.close(); });

  it('grants by keyed NIK hash, revokes, and grants again on the same address', async () => {
    db = await openTestDatabase(kind);
    const desk = createTestDesk(db.ds, db.dataDir);
    await seedDesk(desk);
    const p = desk.ports;
    const lookup = p.hasher.nikLookup(RINA.nik);

    const first = await allowOutsider(p, RINA);
    if (!first.ok) throw new Error(first.code);
    expect(first.value).toMatchObject({ email: 'rina.wati@pontianak.go.id', maskedNik: '6171********0001', name: 'Rina Wati' });
    expect(await p.permits.isPermitted('rina.wati@pontianak.go.id', lookup)).toBe(true);
    expect(await p.permits.isPermitted('rina.wati@pontianak.go.id', p.hasher.nikLookup(PEOPLE.siti.nik))).toBe(false);
    expect(await p.permits.list()).toEqual([expect.objectContaining({ id: first.value.permitId, name: 'Rina Wati', grantedBy: 'system' })]);

    expect(await allowOutsider(p, RINA)).toMatchObject({ ok: false, code: 'OUTSIDER.ALREADY_PERMITTED' });
    expect(await allowOutsider(p, { ...RINA, email: PEOPLE.siti.email })).toMatchObject({ ok: false, code: 'OUTSIDER.ON_ROSTER' });

    expect(await revokeOutsider(p, { email: RINA.email })).toEqual({ ok: true, value: { permitId: first.value.permitId } });
    expect(await p.permits.isPermitted(RINA.email, lookup)).toBe(false);
    expect(await p.permits.list()).toEqual([]);
    expect(await revokeOutsider(p, { email: RINA.email })).toMatchObject({ ok: false, code: 'OUTSIDER.NOT_FOUND' });

    const second = await allowOutsider(p, { ...RINA, reference: '800/46/DISKOMINFO/2026' });
    if (!second.ok) throw new Error(second.code);
    expect(await p.permits.isPermitted(RINA.email, lookup)).toBe(true);
    expect(await db.ds.getRepository(OutsiderPermitSchema).count()).toBe(1);

    const audit = await db.ds.getRepository(AuditSchema).find({ where: [{ action: 'outsider.allow' }, { action: 'outsider.revoke' }] });
    expect(audit.map((a) => [a.action, a.subject])).toEqual(expect.arrayContaining([
      ['outsider.allow', `permit:${first.value.permitId}`], ['outsider.revoke', `permit:${first.value.permitId}`], ['outsider.allow', `permit:${second.value.permitId}`],
    ]));
    expect(JSON.stringify(audit)).not.toMatch(/rina|6171015505950001/i);
  });
});
