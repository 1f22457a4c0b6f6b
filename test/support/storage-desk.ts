import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { createKeyRing } from '../../storage/crypto/keys.ts';
import { createStorageDesk, type StorageDesk } from '../../storage/create-desk.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { OversightSettings } from '../../domain/oversight/oversight-settings.ts';
import type { CheckResult } from '../../domain/requests/case-record.ts';
import { RULE_CODES } from '../../domain/issuance/verification-rules.ts';
import { PEOPLE } from './people.ts';
import type { LimitRules } from '../../domain/limits/token-bucket.ts';

export { PEOPLE };

export const OFFICERS = { rahmat: '5550001', andi: '5550002' } as const;

export const rosterRow = (p: (typeof PEOPLE)[keyof typeof PEOPLE]): RawRosterRow => ({
  nip: p.nip, nik: p.nik, name: p.name, email: p.email, agency: 'Dinas Komunikasi dan Informatika',
  position: 'Pranata Komputer', superior_nip: '', category: 'asn',
});

export const passingChecks = (): CheckResult[] => RULE_CODES.map((rule) => ({ rule, pass: true, code: 'VERIFY.OK', params: {} }));

export function createTestDesk(ds: DataSource, dataDir: string, options: { masterKey?: Buffer; clock?: Clock; limits?: LimitRules; oversight?: OversightSettings } = {}): StorageDesk & { masterKey: Buffer } {
  const masterKey = options.masterKey ?? randomBytes(32);
  const desk = createStorageDesk({
    ds, dataDir, keys: createKeyRing(masterKey), clock: options.clock ?? { now: () => new Date() },
    settings: { officialDomains: ['pontianak.go.id'], maxFileBytes: 10 * 1024 * 1024, ...(options.limits ? { limits: options.limits } : {}), ...(options.oversight ? { oversight: options.oversight } : {}) }, messageIdDomain: 'pontianak.go.id',
  });
  return { ...desk, masterKey };
}

/** Roster of PEOPLE and two officers (Rahmat, Andi). */
export async function seedDesk(desk: StorageDesk): Promise<void> {
  const report = await importRoster(desk.ports, Object.values(PEOPLE).map((p, i) => ({ line: i + 2, row: rosterRow(p) })));
  if (report.errors.length > 0) throw new Error(`seed roster refused: ${JSON.stringify(report.errors)}`);
  for (const [name, id] of Object.entries(OFFICERS)) {
    const r = await addOfficer(desk.ports, { telegramId: id, nip: PEOPLE[name as keyof typeof OFFICERS].nip, role: 'officer', appointmentRef: `800/${id}/2026` });
    if (!r.ok) throw new Error(`seed officer refused: ${r.code}`);
  }
}

/** `n` issuance requests by Siti waiting for review, created straight through the repository. */
export async function seedPendingRequests(desk: StorageDesk, n: number): Promise<string[]> {
  const p = desk.ports;
  const siti = await p.roster.findByNip(PEOPLE.siti.nip);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await p.uow.run(async (tx) => {
      const id = await p.cases.nextId('issuance', 2026, tx);
      await p.cases.create({
        id, kind: 'issuance', status: 'pending_review', channel: 'email',
        applicant: { personId: siti!.personId, nip: PEOPLE.siti.nip, email: PEOPLE.siti.email, name: PEOPLE.siti.name },
        applicantNik: PEOPLE.siti.nik, certificateType: 'individual', uses: ['signature'], details: {},
        checks: passingChecks(), reviewRound: 1, createdAt: new Date().toISOString(),
      }, tx);
      return id;
    }));
  }
  return ids;
}

/** PEOPLE as a roster CSV file, as `ra-desk roster import` reads it; returns the path. */
export function writeRosterCsv(path: string): string {
  const header = 'nip,nik,name,email,agency,position,superior_nip';
  const lines = Object.values(PEOPLE).map((p) => {
    const r = rosterRow(p);
    return [r.nip, r.nik, r.name, r.email, r.agency, r.position, ''].join(',');
  });
  writeFileSync(path, [header, ...lines].join('\n') + '\n');
  return path;
}
