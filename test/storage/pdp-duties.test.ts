import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../storage/crypto/keys.ts';
import { assertKeyBinding } from '../../storage/crypto/key-binding.ts';
import { finishPendingRotation, pendingKeyFile, rotateMasterKey } from '../../storage/crypto/rotate-key.ts';
import { unwrapDataKey } from '../../storage/vault/key-wrap.ts';
import { runRetention, retentionCutoff } from '../../storage/pdp/retention.ts';
import { createReminderStore } from '../../storage/repositories/reminder-store.ts';
import { AuditSchema, BotSessionSchema, DocumentSchema, OutboxSchema, RequestSchema, RosterSchema } from '../../storage/entities/schemas.ts';
import { createFieldCipher } from '../../storage/crypto/field-cipher.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { requestRevocation } from '../../domain/use-cases/request-revocation.ts';
import { sendReminders } from '../../domain/use-cases/send-reminders.ts';
import { setProcessingRestriction } from '../../domain/use-cases/restrict-processing.ts';
import { allowOutsider } from '../../domain/use-cases/allow-outsider.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, PEOPLE, seedDesk } from '../support/storage-desk.ts';
import { applicationFiles, seedApplicationWithCertificate } from '../support/pdp-seed.ts';

const fixedClock = (iso: string) => ({ now: () => new Date(iso) });
const OUTSIDER = { email: 'rina.konsultan@pontianak.go.id', nik: '6171015506880001', name: 'Rina Konsultan' };

describe('retention cutoff', () => {
  it('counts whole calendar years back, and 29 February falls back to 28 February', () => {
    expect(retentionCutoff(new Date('2028-02-02T00:00:00.000Z'), 2).toISOString()).toBe('2026-02-02T00:00:00.000Z');
    expect(retentionCutoff(new Date('2028-02-29T12:00:00.000Z'), 1).toISOString()).toBe('2027-02-28T12:00:00.000Z');
  });
});

describe.each(DATABASES)('personal data duties on %s', (kind) => {
  let db: TestDatabase;
  let master: Buffer;
  beforeEach(async () => {
    db = await openTestDatabase(kind);
    master = randomBytes(32);
    await assertKeyBinding(db.ds, createKeyRing(master), new Date());
  });
  afterEach(async () => { await db?.close(); });

  const deskAt = (iso: string, key = master) => createTestDesk(db.ds, db.dataDir, { masterKey: key, clock: fixedClock(iso) });

  it('destroys e-KTP scans, original messages and the NIK two years after the certificate was revoked, audited, once', async () => {
    const desk = deskAt('2025-03-01T00:00:00.000Z');
    await seedDesk(desk);
    const siti = await seedApplicationWithCertificate(desk, db.ds, 'siti', { notAfter: '2027-03-01T00:00:00.000Z', revokedAt: '2026-02-01T00:00:00.000Z' });
    const andi = await seedApplicationWithCertificate(desk, db.ds, 'andi', { notAfter: '2027-06-01T00:00:00.000Z' });
    // The delivered certificate may carry the NIK in its subject; the signed receipt does not.
    await desk.ports.vault.store({ requestId: siti.requestId, kind: 'certificate', bytes: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), mediaType: 'application/x-pem-file' });
    await desk.ports.vault.store({ requestId: siti.requestId, kind: 'receipt', bytes: Buffer.from('TERIMA'), mediaType: 'text/plain' });
    const docs = async (requestId: string) => db.ds.getRepository(DocumentSchema).find({ where: { requestId } });
    const sitiFiles = (await docs(siti.requestId)).filter((d) => ['ktp_scan', 'original_message', 'certificate'].includes(d.kind)).map((d) => join(db.dataDir, d.path));
    expect(sitiFiles).toHaveLength(3);
    const pathOf = async (kind: string) => (await docs(siti.requestId)).find((d) => d.kind === kind)?.path;
    expect(await pathOf('ktp_scan')).toBe(await pathOf('cover_letter')); // stored by one transaction: one file

    const early = await runRetention({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: new Date('2028-01-31T00:00:00.000Z'), years: 2 });
    expect(early).toMatchObject({ requests: 0, documents: 0, niks: 0 });
    for (const f of sitiFiles) expect(existsSync(f)).toBe(true);

    const report = await runRetention({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: new Date('2028-02-02T00:00:00.000Z'), years: 2 });
    expect(report).toMatchObject({ requests: 1, documents: 3, niks: 1, cutoff: '2026-02-02T00:00:00.000Z' });
    for (const f of sitiFiles) expect(existsSync(f)).toBe(false);
    expect((await docs(siti.requestId)).map((d) => d.kind).sort()).toEqual(['cover_letter', 'receipt', 'recommendation']);
    // The letters shared a file with the e-KTP scan (one transaction, one file): they moved to files of their own and still read.
    for (const d of await docs(siti.requestId)) expect((await desk.ports.vault.read(d.id, siti.requestId)).length).toBe(d.size);
    expect(new Set((await docs(siti.requestId)).map((d) => d.path)).size).toBe(3);
    const sitiRow = await db.ds.getRepository(RequestSchema).findOneByOrFail({ id: siti.requestId });
    expect([sitiRow.applicantNikEnc, sitiRow.applicantNikHmac]).toEqual([null, null]);
    // Andi's certificate is still valid: nothing of his is touched.
    expect(await docs(andi.requestId)).toHaveLength(4);
    expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id: andi.requestId })).applicantNikEnc).not.toBeNull();
    expect(await desk.ports.cases.applicantNik(andi.requestId)).toBe(PEOPLE.andi.nik);

    const audit = await db.ds.getRepository(AuditSchema).find({ order: { seq: 'ASC' } });
    const destroyed = audit.filter((a) => a.action === 'retention.destroyed');
    expect(destroyed.map((a) => [a.subject, a.outcome])).toEqual([[siti.requestId, 'documents:3/nik:1']]);
    const everything = JSON.stringify(audit);
    for (const p of Object.values(PEOPLE)) expect(everything).not.toContain(p.nik);

    const again = await runRetention({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: new Date('2028-02-02T00:00:00.000Z'), years: 2 });
    expect(again).toMatchObject({ requests: 0, documents: 0, niks: 0, rosterNiks: 0 });
    expect((await desk.auditLog.verify()).ok).toBe(true);
  });

  it('destroys the roster NIK only of someone who left the roster before the cutoff', async () => {
    const desk = deskAt('2025-03-01T00:00:00.000Z');
    await seedDesk(desk);
    const budi = await desk.ports.roster.findByNip(PEOPLE.budi.nip);
    await inWriteTransaction(db.ds, (qr) => qr.manager.getRepository(RosterSchema).update({ personId: budi!.personId }, { active: false, updatedAt: '2025-06-01T00:00:00.000Z' }));
    const report = await runRetention({ ds: db.ds, dataDir: db.dataDir, auditLog: desk.auditLog, now: new Date('2027-06-02T00:00:00.000Z'), years: 2 });
    expect(report.rosterNiks).toBe(1);
    const rows = await db.ds.getRepository(RosterSchema).find();
    expect(rows.find((r) => r.personId === budi!.personId)?.nikEnc).toBe('');
    expect(rows.filter((r) => r.nikEnc !== '')).toHaveLength(Object.keys(PEOPLE).length - 1);
    expect(await desk.ports.roster.findByNip(PEOPLE.budi.nip)).not.toBeNull();
  });

  it('refuses applications, renewals and owner revocations while a person restricts processing, skips their reminders, and resumes when lifted', async () => {
    const desk = deskAt('2026-11-25T02:00:00.000Z');
    await seedDesk(desk);
    const cert = await seedApplicationWithCertificate(desk, db.ds, 'siti', { notAfter: '2026-12-09T02:00:00.000Z' });
    const siti = await desk.ports.roster.findByNip(PEOPLE.siti.nip);
    const requestsBefore = await db.ds.getRepository(RequestSchema).count();

    expect(await setProcessingRestriction(desk.ports, { personId: siti!.personId, by: SYSTEM_ACTOR, lift: false })).toMatchObject({ ok: true });
    expect(await setProcessingRestriction(desk.ports, { personId: siti!.personId, by: SYSTEM_ACTOR, lift: false })).toMatchObject({ ok: false, code: 'PDP.ALREADY_RESTRICTED' });
    const application = { channel: 'email' as const, email: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, certificateType: 'individual', uses: [], documents: applicationFiles() };
    expect(await submitApplication(desk.ports, application)).toMatchObject({ ok: false, code: 'APPLY.RESTRICTED' });
    // Found by address too, when no NIP is given.
    expect(await submitApplication(desk.ports, { ...application, nip: null })).toMatchObject({ ok: false, code: 'APPLY.RESTRICTED' });
    expect(await requestRenewal(desk.ports, { channel: 'email', personId: siti!.personId, certificateId: cert.certificateId! })).toMatchObject({ ok: false, code: 'RENEW.RESTRICTED' });
    expect(await requestRevocation(desk.ports, { channel: 'email', personId: siti!.personId, certificateId: cert.certificateId!, ground: 'lost', documents: [] }))
      .toMatchObject({ ok: false, code: 'REVOKE.RESTRICTED' });
    expect(await db.ds.getRepository(RequestSchema).count()).toBe(requestsBefore);

    const store = createReminderStore(db.ds);
    const restricted = await sendReminders(desk.ports, store, { now: new Date('2026-11-25T02:00:00.000Z') });
    expect(restricted).toMatchObject({ reminded: 0, restricted: 1 });
    expect(await db.ds.getRepository(OutboxSchema).countBy({ template: 'reminder-expiry' })).toBe(0);

    expect(await setProcessingRestriction(desk.ports, { personId: siti!.personId, by: SYSTEM_ACTOR, lift: true })).toMatchObject({ ok: true });
    expect(await sendReminders(desk.ports, store, { now: new Date('2026-11-25T02:00:00.000Z') })).toMatchObject({ reminded: 1, restricted: 0 });
    expect(await submitApplication(desk.ports, application)).toMatchObject({ ok: true, value: { status: 'pending_review' } });
    const trail = (await db.ds.getRepository(AuditSchema).find()).filter((a) => a.subject === `person:${siti!.personId}`).map((a) => a.action);
    expect(trail).toEqual(['person.restricted', 'person.restriction_lifted']);
  });

  it('rotates the master key: files, NIKs and NIK lookups work under the new key only, and the audit log verifies', async () => {
    const desk = deskAt('2026-11-25T02:00:00.000Z');
    await seedDesk(desk);
    const { requestId } = await seedApplicationWithCertificate(desk, db.ds, 'siti', null);
    // An outsider who applied with the NIK of their permit: the permit can be carried over.
    expect(await allowOutsider(desk.ports, { ...OUTSIDER, reference: '800/1/DISKOMINFO/2026' })).toMatchObject({ ok: true });
    await submitApplication(desk.ports, { channel: 'email', email: OUTSIDER.email, nik: OUTSIDER.nik, nip: null, name: OUTSIDER.name, certificateType: 'individual', uses: [], documents: [] });
    const ktp = (await desk.ports.vault.list(requestId)).find((d) => d.kind === 'ktp_scan')!;
    const before = Buffer.from(await desk.ports.vault.read(ktp.id, requestId));
    // A half-finished application in the bot holds the NIK sealed under the field key.
    const sealed = createFieldCipher(createKeyRing(master)).encrypt(PEOPLE.budi.nik);
    await inWriteTransaction(db.ds, (qr) => qr.manager.getRepository(BotSessionSchema).insert({
      chatId: '8100004', state: JSON.stringify({ step: 'apply_docs', certificateType: 'individual', uses: [], nikSealed: sealed, docs: [] }), updatedAt: '2026-11-25T02:00:00.000Z',
    }));

    const keyFile = join(db.dataDir, 'keys', 'master.key');
    mkdirSync(join(db.dataDir, 'keys'), { recursive: true });
    writeFileSync(keyFile, master.toString('base64') + '\n', { mode: 0o600 });
    const next = randomBytes(32);
    const report = await rotateMasterKey({ ds: db.ds, dataDir: db.dataDir, keyFile, current: master, next, now: () => new Date('2026-11-25T03:00:00.000Z') });
    expect(report).toMatchObject({ documents: 4, roster: Object.keys(PEOPLE).length, requests: 2, permits: 1, permitsToRegrant: 0, sessions: 1, resumed: false });
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(next.toString('base64'));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(pendingKeyFile(keyFile))).toBe(false);

    const fresh = deskAt('2026-11-25T04:00:00.000Z', next);
    await assertKeyBinding(db.ds, createKeyRing(next), new Date());
    await expect(assertKeyBinding(db.ds, createKeyRing(master), new Date())).rejects.toMatchObject({ code: 'KEY.MISMATCH' });
    expect(Buffer.from(await fresh.ports.vault.read(ktp.id, requestId)).equals(before)).toBe(true);
    await expect(desk.ports.vault.read(ktp.id, requestId)).rejects.toMatchObject({ code: 'VAULT.DECRYPT_FAILED' });
    for (const row of await db.ds.getRepository(DocumentSchema).find()) {
      expect(() => unwrapDataKey(createKeyRing(master).wrapKey, row.id, row.wrappedKey)).toThrow();
    }
    expect(await fresh.ports.cases.applicantNik(requestId)).toBe(PEOPLE.siti.nik);
    await expect(desk.ports.cases.applicantNik(requestId)).rejects.toMatchObject({ code: 'CRYPTO.DECRYPT_FAILED' });
    expect((await fresh.auditLog.verify()).ok).toBe(true);
    expect((await desk.auditLog.verify()).reason).toBe('checkpoint_forged');
    const session = JSON.parse((await db.ds.getRepository(BotSessionSchema).findOneByOrFail({ chatId: '8100004' })).state) as { nikSealed: string; step: string };
    expect(session.step).toBe('apply_docs');
    expect(createFieldCipher(createKeyRing(next)).decrypt(session.nikSealed)).toBe(PEOPLE.budi.nik);

    // NIK lookups under the new key: the right NIK passes the roster check, the outsider's permit holds.
    const andi = await submitApplication(fresh.ports, { channel: 'email', email: PEOPLE.andi.email, nik: PEOPLE.andi.nik, nip: PEOPLE.andi.nip, name: PEOPLE.andi.name, certificateType: 'individual', uses: [], documents: applicationFiles() });
    expect(andi.ok && andi.value.checks.find((c) => c.rule === 'roster')?.pass).toBe(true);
    const wrong = await submitApplication(fresh.ports, { channel: 'email', email: PEOPLE.budi.email, nik: PEOPLE.andi.nik, nip: PEOPLE.budi.nip, name: PEOPLE.budi.name, certificateType: 'individual', uses: [], documents: [] });
    expect(wrong.ok && wrong.value.checks.find((c) => c.rule === 'roster')?.pass).toBe(false);
    expect(await fresh.ports.permits.isPermitted(OUTSIDER.email, fresh.ports.hasher.nikLookup(OUTSIDER.nik))).toBe(true);
    const audit = await db.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'vault.key_rotated' });
    expect(audit.outcome).toMatch(/^from:[0-9a-f]{8}\/to:[0-9a-f]{8}\/documents:4\/roster:4\/requests:2\/permits:1\/regrant:0$/);
  });

  it('finishes a rotation interrupted after the commit, on the next run', async () => {
    const desk = deskAt('2026-11-25T02:00:00.000Z');
    await seedDesk(desk);
    const { requestId } = await seedApplicationWithCertificate(desk, db.ds, 'siti', null);
    // The key "file" is a folder with something in it: the final rename fails, as a crash there would leave it.
    const keyFile = join(db.dataDir, 'keys', 'master.key');
    mkdirSync(join(keyFile, 'blocker'), { recursive: true });
    const next = randomBytes(32);
    await expect(rotateMasterKey({ ds: db.ds, dataDir: db.dataDir, keyFile, current: master, next, now: () => new Date() })).rejects.toThrow();
    await expect(assertKeyBinding(db.ds, createKeyRing(master), new Date())).rejects.toMatchObject({ code: 'KEY.MISMATCH' });
    expect(existsSync(pendingKeyFile(keyFile))).toBe(true);

    rmSync(keyFile, { recursive: true });
    writeFileSync(keyFile, master.toString('base64') + '\n', { mode: 0o600 });
    const resumed = await finishPendingRotation({ ds: db.ds, dataDir: db.dataDir, keyFile, current: master, now: () => new Date() });
    expect(resumed).toMatchObject({ resumed: true, toKeyId: createKeyRing(next).keyId });
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(next.toString('base64'));
    const fresh = deskAt('2026-11-25T04:00:00.000Z', next);
    expect((await fresh.auditLog.verify()).ok).toBe(true);
    const ktp = (await fresh.ports.vault.list(requestId)).find((d) => d.kind === 'ktp_scan')!;
    expect((await fresh.ports.vault.read(ktp.id, requestId)).length).toBeGreaterThan(0);
    expect(await finishPendingRotation({ ds: db.ds, dataDir: db.dataDir, keyFile, current: next, now: () => new Date() })).toBeNull();
  });
});
