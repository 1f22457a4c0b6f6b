import { describe, it, expect } from 'vitest';
import { importRoster, type RosterLine } from '../../domain/use-cases/import-roster.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';
import { assertAuditSafe } from '../../domain/audit/audit-event.ts';
import { createFakeDesk, fakeNikLookup, PEOPLE } from '../support/fake-ports.ts';

type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

const row = (p: Person, patch: Partial<RawRosterRow> = {}): RawRosterRow => ({
  nip: p.nip, nik: p.nik, name: p.name, email: p.email, agency: 'Dinas Komunikasi dan Informatika',
  position: 'Pranata Komputer', superior_nip: '', category: '', ...patch,
});

const walikota: RawRosterRow = {
  nip: '', nik: '6171034507700001', name: 'Walikota Pontianak', email: 'walikota@pontianak.go.id',
  agency: 'Pemerintah Kota Pontianak', position: 'Walikota', superior_nip: '', category: 'official',
};

/** Lines as the CSV reader numbers them: the header is line 1. */
const lines = (rows: RawRosterRow[]): RosterLine[] => rows.map((r, i) => ({ line: i + 2, row: r }));

/** `n` valid ASN rows with distinct NIPs, NIKs and e-mail addresses (born 1 Jan 1980 + i days). */
function manyAsn(n: number): RawRosterRow[] {
  return Array.from({ length: n }, (_, i) => {
    const day = (i % 28) + 1;
    const month = (Math.floor(i / 28) % 12) + 1;
    const serial = Math.floor(i / 336) + 1;
    const dd = String(day).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    return {
      nip: `1980${mm}${dd}200501100${serial}`, nik: `617101${dd}${mm}80000${serial}`, name: `Pegawai ${i}`,
      email: `pegawai${i}@pontianak.go.id`, agency: 'Dinas Kesehatan', position: 'Perawat', superior_nip: '', category: '',
    };
  });
}

describe('importRoster (Pasal 9(2)a, 13(1))', () => {
  it('keeps the valid rows and reports each bad row with its line and reason', async () => {
    const { ports, state } = createFakeDesk();
    const report = await importRoster(ports, lines([
      row(PEOPLE.andi), // 2
      row(PEOPLE.rahmat, { nip: '123' }), // 3
      row(PEOPLE.siti), // 4
      row(PEOPLE.budi, { email: 'budi.santoso@gmail.com' }), // 5
      walikota, // 6
      row(PEOPLE.budi, { name: '   ' }), // 7
      row(PEOPLE.budi, { nik: '6171021103920004' }), // 8: the NIK says 11 March, the NIP 3 November
    ]));

    expect(report.created).toBe(3);
    expect(report.updated).toBe(0);
    expect(report.errors).toEqual([
      { line: 3, code: 'NIP.BAD_LENGTH', params: { length: 3, field: 'nip' } },
      { line: 5, code: 'EMAIL.NOT_OFFICIAL', params: { domains: 'pontianak.go.id', field: 'email' } },
      { line: 7, code: 'ROSTER.NAME_MISSING', params: { field: 'name' } },
      { line: 8, code: 'IDENTITY.BIRTH_DATE_MISMATCH', params: { field: 'nik' } },
    ]);
    expect(state.roster.map((p) => p.nip).sort()).toEqual([null, PEOPLE.andi.nip, PEOPLE.siti.nip].sort());
    const mayor = state.roster.find((p) => p.nip === null);
    expect(mayor).toMatchObject({ category: 'official', email: 'walikota@pontianak.go.id', active: true });
    expect(state.roster.find((p) => p.nip === PEOPLE.siti.nip)?.nikLookup).toBe(fakeNikLookup(PEOPLE.siti.nik));
  });

  it('reports a NIP seen twice in the same file as ROSTER.DUPLICATE_IN_FILE and keeps the first', async () => {
    const { ports, state } = createFakeDesk();
    const report = await importRoster(ports, lines([
      row(PEOPLE.andi),
      row(PEOPLE.siti),
      row(PEOPLE.andi, { name: 'Andi Pratama (salinan)', email: 'andi.lain@pontianak.go.id' }),
    ]));
    expect(report.errors).toEqual([{ line: 4, code: 'ROSTER.DUPLICATE_IN_FILE', params: {} }]);
    expect(report.created).toBe(2);
    expect(state.roster.find((p) => p.nip === PEOPLE.andi.nip)).toMatchObject({ name: 'Andi Pratama', email: PEOPLE.andi.email });
  });

  it('reports an e-mail address seen twice in the same file as ROSTER.DUPLICATE_IN_FILE', async () => {
    const { ports } = createFakeDesk();
    const report = await importRoster(ports, lines([row(PEOPLE.andi), row(PEOPLE.siti, { email: PEOPLE.andi.email.toUpperCase() })]));
    expect(report.errors).toEqual([{ line: 3, code: 'ROSTER.DUPLICATE_IN_FILE', params: {} }]);
  });

  it('writes one roster.import audit row with the counts', async () => {
    const { ports, state } = createFakeDesk();
    await importRoster(ports, lines([row(PEOPLE.andi), row(PEOPLE.siti), row(PEOPLE.andi), row(PEOPLE.budi, { nip: 'x' })]));
    expect(state.audit).toHaveLength(1);
    const audit = state.audit[0];
    expect(audit).toMatchObject({ actor: 'system', action: 'roster.import', subject: 'roster', outcome: 'created:2/updated:0/errors:2/dropped:0', evidence: [] });
    if (audit) expect(() => assertAuditSafe(audit)).not.toThrow();
  });

  it('names the officer who ran the import as the actor', async () => {
    const { ports, state } = createFakeDesk();
    await importRoster(ports, lines([row(PEOPLE.andi)]), { actor: 'officer:5550001' });
    expect(state.audit[0]?.actor).toBe('officer:5550001');
  });

  it('updates people already on the roster instead of adding them again', async () => {
    const { ports, state } = createFakeDesk();
    await importRoster(ports, lines([row(PEOPLE.andi), row(PEOPLE.siti), walikota]));
    const before = state.roster.map((p) => p.personId).sort();
    const report = await importRoster(ports, lines([row(PEOPLE.andi, { position: 'Kepala Seksi' }), row(PEOPLE.siti), walikota]));
    expect(report).toEqual({ created: 0, updated: 3, errors: [], dropped: 0, dropSkipped: false, revocationRequests: [] });
    expect(state.roster.map((p) => p.personId).sort()).toEqual(before);
    expect(state.roster.find((p) => p.nip === PEOPLE.andi.nip)?.position).toBe('Kepala Seksi');
    expect(state.audit.map((a) => a.outcome)).toEqual(['created:3/updated:0/errors:0/dropped:0', 'created:0/updated:3/errors:0/dropped:0']);
  });

  it('refuses a NIK or e-mail address that belongs to someone else on the roster', async () => {
    const { ports } = createFakeDesk();
    await importRoster(ports, lines([row(PEOPLE.andi)]));
    const report = await importRoster(ports, lines([
      row(PEOPLE.siti, { email: PEOPLE.andi.email }),
      row(PEOPLE.budi, { nik: PEOPLE.andi.nik, nip: '198503122010011003' }),
    ]));
    expect(report.errors).toEqual([
      { line: 2, code: 'ROSTER.EMAIL_TAKEN', params: {} },
      { line: 3, code: 'ROSTER.NIK_TAKEN', params: {} },
    ]);
    expect(report.created).toBe(0);
  });

  it('never puts a NIK, NIP, name or e-mail address into the error report', async () => {
    const { ports } = createFakeDesk();
    const report = await importRoster(ports, lines([
      row(PEOPLE.andi, { nik: '6171011203850' }), row(PEOPLE.siti, { email: 'siti@gmail.com' }), row(PEOPLE.budi, { superior_nip: PEOPLE.budi.nip }),
    ]));
    expect(report.errors).toHaveLength(3);
    const text = JSON.stringify(report);
    for (const p of [PEOPLE.andi, PEOPLE.siti, PEOPLE.budi]) {
      for (const secret of [p.nik, p.nip, p.name, p.email]) expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('@');
  });

  it('imports a large file in batches, reporting progress, and keeps the line numbers across batches', async () => {
    const { ports, state } = createFakeDesk();
    const rows = manyAsn(1200);
    rows[700] = { ...rows[700]!, nip: '1' }; // line 702
    const progress: number[] = [];
    const report = await importRoster(ports, lines(rows), { onProgress: (done) => progress.push(done) });
    expect(report.errors).toEqual([{ line: 702, code: 'NIP.BAD_LENGTH', params: { length: 1, field: 'nip' } }]);
    expect(report.created).toBe(1199);
    expect(progress).toEqual([500, 1000, 1200]);
    expect(state.roster).toHaveLength(1199);
    expect(state.audit).toHaveLength(1);
  });

  it('reads the lines from an async source (a streaming CSV reader)', async () => {
    const { ports, state } = createFakeDesk();
    async function* source(): AsyncGenerator<RosterLine> {
      yield { line: 2, row: row(PEOPLE.andi) };
      yield { line: 3, row: row(PEOPLE.siti) };
    }
    const report = await importRoster(ports, source());
    expect(report).toEqual({ created: 2, updated: 0, errors: [], dropped: 0, dropSkipped: false, revocationRequests: [] });
    expect(state.roster).toHaveLength(2);
  });
});
