import { describe, it, expect } from 'vitest';
import { allowOutsider, revokeOutsider } from '../../domain/use-cases/allow-outsider.ts';
import { requireManager } from '../../domain/use-cases/manager-authority.ts';
import { removeOfficer } from '../../domain/use-cases/manage-officers.ts';
import { createFakeDesk, fakeNikLookup, PEOPLE, type FakeDesk } from '../support/fake-ports.ts';

const RINA = { email: 'rina.wati@pontianak.go.id', nik: '6171015505950001', name: 'Rina Wati', reference: '800/45/DISKOMINFO/2026' };

function desk(): FakeDesk {
  const d = createFakeDesk();
  d.state.seedOfficer({ telegramId: '5550007', person: d.state.seedPerson(PEOPLE.budi), role: 'manager' });
  d.state.seedOfficer({ telegramId: '5550001', person: d.state.seedPerson(PEOPLE.rahmat) });
  d.state.seedOfficer({ telegramId: '5550008', person: d.state.seedPerson(PEOPLE.andi), role: 'manager', active: false });
  return d;
}

describe('allowOutsider (Pasal 13(1)c) and the Pengelola\'s authority (Pasal 8(2))', () => {
  it('lets the Pengelola allow a pihak lain, keeping the NIK only as its keyed hash', async () => {
    const d = desk();
    const r = await allowOutsider(d.ports, { ...RINA, managerTelegramId: '5550007' });
    if (!r.ok) throw new Error(r.code);
    expect(r.value.maskedNik).toBe('6171********0001');
    expect(d.state.permits).toEqual([expect.objectContaining({ email: RINA.email, nikLookup: fakeNikLookup(RINA.nik), grantedBy: 'officer:5550007' })]);
    expect(d.state.audit.map((a) => [a.actor, a.action, a.outcome])).toEqual([['officer:5550007', 'outsider.allow', 'allowed']]);
    expect(JSON.stringify(d.state.audit)).not.toContain(RINA.nik);
  });

  it.each([
    ['a plain officer', '5550001', 'officer:5550001'],
    ['a removed Pengelola', '5550008', 'officer:5550008'],
    ['someone unknown', '8200001', 'officer:8200001'],
    ['GroupAnonymousBot', '1087968824', 'system'],
    ['Telegram\'s service account', '777000', 'system'],
  ])('refuses %s and audits the attempt, writing no permit', async (_who, id, actor) => {
    const d = desk();
    expect(await allowOutsider(d.ports, { ...RINA, managerTelegramId: id })).toMatchObject({ ok: false, code: 'MANAGER.NOT_A_MANAGER' });
    expect(await revokeOutsider(d.ports, { email: RINA.email, managerTelegramId: id })).toMatchObject({ ok: false, code: 'MANAGER.NOT_A_MANAGER' });
    expect(d.state.permits).toEqual([]);
    expect(d.state.audit.map((a) => [a.actor, a.action, a.outcome])).toEqual([
      [actor, 'outsider.allow', 'refused:NOT_A_MANAGER'], [actor, 'outsider.revoke', 'refused:NOT_A_MANAGER'],
    ]);
  });

  it('recognises the Pengelola by numeric id only', async () => {
    const d = desk();
    expect((await requireManager(d.ports, '5550007', 'officer.add')).ok).toBe(true);
    expect((await requireManager(d.ports, '@budi', 'officer.add')).ok).toBe(false);
    expect((await requireManager(d.ports, null, 'officer.add')).ok).toBe(false);
  });

  it('never removes the last active Pengelola', async () => {
    const d = desk();
    expect(await removeOfficer(d.ports, '5550007')).toMatchObject({ ok: false, code: 'OFFICER.LAST_MANAGER' });
    expect((await removeOfficer(d.ports, '5550001')).ok).toBe(true);
  });
});
