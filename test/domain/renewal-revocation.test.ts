import { describe, it, expect, afterEach } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, seedDesk, OFFICERS, PEOPLE, rosterRow } from '../support/storage-desk.ts';
import { seedIssuedCertificate } from '../support/certificates.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';
import { createSandboxCa, initSandboxCa } from '../../storage/ca/sandbox-ca.ts';
import { AuditSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import type { StorageDesk } from '../../storage/create-desk.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import { requestRevocation } from '../../domain/use-cases/request-revocation.ts';
import { supplementRevocation } from '../../domain/use-cases/supplement-revocation.ts';
import { confirmRevocation, forwardRevocation } from '../../domain/use-cases/forward-revocation.ts';
import { requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { supplementApplication } from '../../domain/use-cases/supplement-application.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { acceptAgreement } from '../../domain/use-cases/accept-agreement.ts';
import { issueCertificate } from '../../domain/use-cases/issue-certificate.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { officerActor } from '../../domain/audit/audit-event.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { applicantCsr } from '../support/csr.ts';

/**
 * Renewal (Pasal 17) and revocation (Pasal 18) through the real storage (SQLite) and the sandbox CA:
 * who may ask, what must be attached, the incident a lost key also is (24(3)a), the forwarding to the
 * CA and the CRL, and that every refusal writes nothing and reads in Indonesian.
 */
let db: TestDatabase;
afterEach(async () => { await db?.close(); });

const t = createTemplates();
const readable = (code: string, params: Record<string, string | number>) => {
  expect(t.has(code), `no message for ${code}`).toBe(true);
  expect(t.message(code, params)).not.toMatch(/undefined|\{\{/);
};

let now = new Date('2026-11-25T03:00:00Z');
async function open(): Promise<{ desk: StorageDesk; ca: CertificateAuthority }> {
  now = new Date();
  db = await openTestDatabase('sqlite');
  const desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => now } });
  await seedDesk(desk);
  await initSandboxCa(db.dataDir);
  return { desk, ca: createSandboxCa({ dataDir: db.dataDir, now: () => now }) };
}

const counts = async () => ({
  requests: await db.ds.getRepository(RequestSchema).count(),
  outbox: await db.ds.getRepository(OutboxSchema).count(),
});

describe('revocation (Pasal 18)', () => {
  it('a lost key waits for the report and the statement, opens an incident, and once approved is revoked at the CA and listed on the CRL', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    const r = await requestRevocation(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId, ground: 'lost', documents: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.status).toBe('incomplete');
    expect(r.value.checks.filter((c) => !c.pass).map((c) => c.rule)).toEqual(['police_report', 'owner_statement']);
    expect(r.value.incidentId).toMatch(/^TK-/);
    const incident = await desk.ports.cases.get(r.value.incidentId!);
    expect(incident).toMatchObject({ kind: 'incident', status: 'open', details: expect.objectContaining({ revocationId: r.value.requestId }) });
    const ack = await db.ds.getRepository(OutboxSchema).findOneByOrFail({ dedupeKey: `received:${r.value.requestId}` });
    expect(ack.template).toBe('revocation-received');
    expect(ack.recipient).toBe(PEOPLE.siti.email);

    // A colleague cannot add to it; the owner can.
    const stranger = await supplementRevocation(desk.ports, { requestId: r.value.requestId, email: PEOPLE.budi.email, documents: [] });
    expect(stranger).toMatchObject({ ok: false, code: 'SUPPLEMENT.NOT_APPLICANT' });
    const added = await supplementRevocation(desk.ports, {
      requestId: r.value.requestId, email: PEOPLE.siti.email,
      documents: [{ kind: 'police_report', filename: 'laporan polisi.pdf', bytes: tinyPdf() }, { kind: 'owner_statement', filename: 'pernyataan.jpg', bytes: tinyJpeg() }],
    });
    expect(added).toMatchObject({ ok: true, value: { status: 'pending_review' } });

    const decided = await decideRequest(desk.ports, { requestId: r.value.requestId, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] });
    expect(decided.ok).toBe(true);
    const forwarded = await forwardRevocation(desk.ports, ca, { requestId: r.value.requestId, actor: officerActor(OFFICERS.rahmat) });
    expect(forwarded).toMatchObject({ ok: true, value: { status: 'completed', serial: cert.serial } });
    expect((await desk.ports.certificates.get(cert.certificateId))!.state).toBe('revoked');
    expect((await desk.ports.cases.get(r.value.requestId))!.status).toBe('completed');
    const issued = await desk.ports.vault.list(cert.requestId);
    const pem = Buffer.from(await desk.ports.vault.read(issued.find((d) => d.kind === 'certificate')!.id, cert.requestId));
    const status = await ca.status(pem, now);
    expect(status).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    expect(await ca.crlPem()).toMatch(/BEGIN X509 CRL/);
    const done = await db.ds.getRepository(OutboxSchema).findOneByOrFail({ dedupeKey: `revoked:${r.value.requestId}` });
    expect(done.template).toBe('revocation-completed');

    // A revoked certificate cannot be revoked or renewed again.
    const again = await requestRevocation(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId, ground: 'other', note: 'lagi', documents: [] });
    expect(again).toMatchObject({ ok: false, code: 'REVOKE.NOT_ACTIVE' });
    const renew = await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId });
    expect(renew).toMatchObject({ ok: false, code: 'RENEW.NOT_ACTIVE' });
    // Nothing personal in the audit trail of all this.
    const audit = await db.ds.getRepository(AuditSchema).find();
    expect(JSON.stringify(audit)).not.toContain(PEOPLE.siti.nik);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['request.create', 'ticket.open', 'request.supplement', 'request.forward', 'certificate.revoke']));
  });

  it('refuses, writing nothing: another person\'s certificate, an unknown ground, "other" without a note, an unknown certificate, a second request', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    const budi = (await desk.ports.roster.findByNip(PEOPLE.budi.nip))!;
    const before = await counts();
    const cases = [
      [{ personId: budi.personId, certificateId: cert.certificateId, ground: 'lost' }, 'REVOKE.NOT_OWNER'],
      [{ personId: cert.personId, certificateId: cert.certificateId, ground: 'bosan' }, 'REVOKE.BAD_GROUND'],
      [{ personId: cert.personId, certificateId: cert.certificateId, ground: 'other' }, 'REVOKE.NOTE_REQUIRED'],
      [{ personId: cert.personId, certificateId: '00000000-0000-4000-8000-000000000000', ground: 'lost' }, 'REVOKE.CERTIFICATE_UNKNOWN'],
    ] as const;
    for (const [input, code] of cases) {
      const r = await requestRevocation(desk.ports, { channel: 'telegram', documents: [], ...input });
      expect(r.ok ? 'ok' : r.code).toBe(code);
      if (!r.ok) readable(r.code, r.params as Record<string, string>);
    }
    expect(await counts()).toEqual(before);

    const first = await requestRevocation(desk.ports, { channel: 'telegram', personId: cert.personId, certificateId: cert.certificateId, ground: 'moved_retired', documents: [], telegramChatId: '8100001', acknowledge: false });
    expect(first).toMatchObject({ ok: true, value: { status: 'pending_review', incidentId: null } });
    const mid = await counts();
    const second = await requestRevocation(desk.ports, { channel: 'telegram', personId: cert.personId, certificateId: cert.certificateId, ground: 'moved_retired', documents: [] });
    expect(second).toMatchObject({ ok: false, code: 'REVOKE.ALREADY_REQUESTED' });
    if (!second.ok) readable(second.code, second.params as Record<string, string>);
    expect(await counts()).toEqual(mid);
  });

  it('with BSrE by hand the request waits at the CA until an officer confirms; a non-officer cannot confirm', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    const r = await requestRevocation(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId, ground: 'data_changed', documents: [] });
    if (!r.ok) throw new Error(r.code);
    await decideRequest(desk.ports, { requestId: r.value.requestId, officerTelegramId: OFFICERS.andi, outcome: 'approve', reasons: [] });
    const waiting = await forwardRevocation(desk.ports, null, { requestId: r.value.requestId, actor: officerActor(OFFICERS.andi) });
    expect(waiting).toMatchObject({ ok: true, value: { status: 'submitted_to_ca' } });
    expect((await desk.ports.certificates.get(cert.certificateId))!.state).toBe('active');
    const nobody = await confirmRevocation(desk.ports, { requestId: r.value.requestId, officerTelegramId: '999999' });
    expect(nobody).toMatchObject({ ok: false, code: 'FORWARD.NOT_AN_OFFICER' });
    const confirmed = await confirmRevocation(desk.ports, { requestId: r.value.requestId, officerTelegramId: OFFICERS.andi });
    expect(confirmed).toMatchObject({ ok: true, value: { status: 'completed' } });
    expect((await desk.ports.certificates.get(cert.certificateId))!.state).toBe('revoked');
    const twice = await confirmRevocation(desk.ports, { requestId: r.value.requestId, officerTelegramId: OFFICERS.andi });
    expect(twice).toMatchObject({ ok: false, code: 'FORWARD.NOT_READY' });
    if (!twice.ok) readable(twice.code, twice.params as Record<string, string>);
  });
});

describe('renewal (Pasal 17)', () => {
  it('an owner whose data did not change renews with no documents; the new certificate names the old one', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    const r = await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId });
    expect(r).toMatchObject({ ok: true, value: { status: 'pending_review', dataChanged: false } });
    if (!r.ok) return;
    expect(r.value.checks.map((c) => c.rule)).toEqual(['official_email', 'roster']);
    const req = (await desk.ports.cases.get(r.value.requestId))!;
    expect(req).toMatchObject({ kind: 'renewal', certificateType: 'individual', uses: ['signature', 'email'], details: expect.objectContaining({ renewsCertificateId: cert.certificateId, renewsSerial: cert.serial }) });
    expect(await desk.ports.cases.applicantNik(r.value.requestId)).toBeNull();

    expect((await decideRequest(desk.ports, { requestId: r.value.requestId, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] })).ok).toBe(true);
    expect((await acceptAgreement(desk.ports, { requestId: r.value.requestId, personId: cert.personId, agreementSha256: 'b'.repeat(64) })).ok).toBe(true);
    const issued = await issueCertificate(desk.ports, ca, { requestId: r.value.requestId, personId: cert.personId, csrPem: await applicantCsr(PEOPLE.siti.email) });
    expect(issued.ok).toBe(true);
    const mine = await desk.ports.certificates.listByOwner(cert.personId);
    expect(mine).toHaveLength(2);
    expect(mine.every((c) => c.state === 'active')).toBe(true);
    // The old certificate has been renewed: it is not renewed twice; the new one can be, later.
    const again = await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId });
    expect(again).toMatchObject({ ok: false, code: 'RENEW.ALREADY_RENEWED' });
    if (!again.ok) readable(again.code, again.params as Record<string, string>);
    const fresh = mine.find((c) => c.id !== cert.certificateId)!;
    expect((await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: fresh.id })).ok).toBe(true);
    const twice = await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: fresh.id });
    expect(twice).toMatchObject({ ok: false, code: 'RENEW.ALREADY_REQUESTED' });
  });

  it('when the roster shows a new position, the letters, the e-KTP and the NIK are asked again, and a reply completes it', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    await importRoster(desk.ports, [{ line: 2, row: { ...rosterRow(PEOPLE.siti), position: 'Kepala Seksi Persandian' } }]);
    const r = await requestRenewal(desk.ports, { channel: 'email', personId: cert.personId, certificateId: cert.certificateId });
    expect(r).toMatchObject({ ok: true, value: { status: 'incomplete', dataChanged: true } });
    if (!r.ok) return;
    expect(r.value.checks.filter((c) => !c.pass).map((c) => c.rule)).toEqual(['cover_letter', 'recommendation', 'ktp_scan', 'identity', 'roster']);
    const done = await supplementApplication(desk.ports, {
      requestId: r.value.requestId, email: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: null,
      documents: [
        { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
        { kind: 'recommendation', filename: 'rekomendasi.pdf', bytes: tinyPdf() },
        { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
      ],
    });
    expect(done).toMatchObject({ ok: true, value: { status: 'pending_review' } });
  });

  it('refuses, writing nothing: someone else\'s certificate, an expired one, an unknown one', async () => {
    const { desk, ca } = await open();
    const cert = await seedIssuedCertificate(desk, ca, 'siti');
    const budi = (await desk.ports.roster.findByNip(PEOPLE.budi.nip))!;
    const before = await counts();
    const notMine = await requestRenewal(desk.ports, { channel: 'telegram', personId: budi.personId, certificateId: cert.certificateId });
    expect(notMine).toMatchObject({ ok: false, code: 'RENEW.NOT_OWNER' });
    const unknown = await requestRenewal(desk.ports, { channel: 'telegram', personId: cert.personId, certificateId: 'nope' });
    expect(unknown).toMatchObject({ ok: false, code: 'RENEW.CERTIFICATE_UNKNOWN' });
    now = new Date(now.getTime() + 3 * 365 * 86_400_000);
    const expired = await requestRenewal(desk.ports, { channel: 'telegram', personId: cert.personId, certificateId: cert.certificateId });
    expect(expired).toMatchObject({ ok: false, code: 'RENEW.EXPIRED' });
    for (const r of [notMine, unknown, expired]) if (!r.ok) readable(r.code, r.params as Record<string, string>);
    expect(await counts()).toEqual(before);
  });
});

describe('the RA starts a revocation after a roster change (Pasal 18(1))', () => {
  it('asks officers about certificates of people who moved agency or left a full roster, once, and drops nobody when the file has errors', async () => {
    const { desk, ca } = await open();
    const siti = await seedIssuedCertificate(desk, ca, 'siti');
    const budi = await seedIssuedCertificate(desk, ca, 'budi');
    const rows = (patch: Partial<Record<keyof typeof PEOPLE, { agency: string }>> = {}, only: (keyof typeof PEOPLE)[] = ['andi', 'siti', 'rahmat', 'budi']) =>
      only.map((k, i) => ({ line: i + 2, row: { ...rosterRow(PEOPLE[k]), ...(patch[k] ?? {}) } }));

    // Siti moves to another agency: one revocation waits for an officer; officers are told.
    const moved = await importRoster(desk.ports, rows({ siti: { agency: 'Dinas Kesehatan' } }));
    expect(moved.revocationRequests).toHaveLength(1);
    const req = (await desk.ports.cases.get(moved.revocationRequests[0]!))!;
    expect(req).toMatchObject({ kind: 'revocation', status: 'pending_review', details: expect.objectContaining({ ground: 'data_changed', askedBy: 'system', certificateId: siti.certificateId }) });
    const told = await db.ds.getRepository(OutboxSchema).findBy({ template: 'officer-roster-revocations' });
    expect(told.map((o) => o.recipient).sort()).toEqual([OFFICERS.rahmat, OFFICERS.andi].sort());
    // The officer confirms she keeps it: rejected with a reason, the certificate stays active.
    expect((await decideRequest(desk.ports, { requestId: req.id, officerTelegramId: OFFICERS.rahmat, outcome: 'reject', reasons: ['Tetap di lingkungan Pemkot'] })).ok).toBe(true);
    expect((await desk.ports.certificates.get(siti.certificateId))!.state).toBe('active');

    // A full roster with a bad row drops nobody.
    const bad = await importRoster(desk.ports, [...rows({}, ['andi', 'siti', 'rahmat']), { line: 9, row: { ...rosterRow(PEOPLE.budi), nik: '123' } }], { fullRoster: () => true });
    expect(bad).toMatchObject({ dropped: 0, dropSkipped: true });
    expect((await desk.ports.roster.findByNip(PEOPLE.budi.nip))!.active).toBe(true);

    // Budi left: the full roster without him deactivates him and asks about his certificate, once.
    const full = await importRoster(desk.ports, rows({ siti: { agency: 'Dinas Kesehatan' } }, ['andi', 'siti', 'rahmat']), { fullRoster: () => true });
    expect(full).toMatchObject({ dropped: 1, dropSkipped: false });
    expect(full.revocationRequests).toHaveLength(1);
    expect((await desk.ports.cases.get(full.revocationRequests[0]!))!.details).toMatchObject({ ground: 'moved_retired', certificateId: budi.certificateId });
    expect((await desk.ports.roster.findByNip(PEOPLE.budi.nip))!.active).toBe(false);
    const again = await importRoster(desk.ports, rows({ siti: { agency: 'Dinas Kesehatan' } }, ['andi', 'siti', 'rahmat']), { fullRoster: () => true });
    expect(again).toMatchObject({ dropped: 0, revocationRequests: [] });
    // Nothing personal in the audit trail.
    expect(JSON.stringify(await db.ds.getRepository(AuditSchema).find())).not.toContain(PEOPLE.budi.nik);
  });
});
