import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { createTestDesk, OFFICERS, passingChecks, PEOPLE, seedDesk } from '../../support/storage-desk.ts';
import { createTestBsreCa, p7bOf, type TestBsreCa } from '../../support/bsre-ca.ts';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.ts';
import type { StorageDesk } from '../../../storage/create-desk.ts';
import { AuditSchema, OutboxSchema, RequestSchema } from '../../../storage/entities/schemas.ts';
import { createCertificateVerifier, loadTrustAnchors } from '../../../storage/ca/certificate-verifier.ts';
import type { CertificateVerifier } from '../../../domain/ports/certificate-verifier.ts';
import { importIssuedCertificate, type ImportCode } from '../../../domain/use-cases/import-issued-certificate.ts';
import { tickBsreStep, type TickCode } from '../../../domain/use-cases/track-bsre-steps.ts';
import { sendBsreReminders } from '../../../domain/use-cases/send-bsre-reminders.ts';
import { acceptAgreement } from '../../../domain/use-cases/accept-agreement.ts';
import { BSRE_STEPS } from '../../../domain/certificates/bsre-steps.ts';
import { isRaError } from '../../../domain/shared/ra-error.ts';
import { withCertificateFile } from '../../../cli/mail-app.ts';
import { renderMail } from '../../../mail/outbox/render-mail.ts';
import { createTemplates } from '../../../templates/catalog.ts';
import type * as x509 from '../../../storage/ca/x509.ts';

const NOW = new Date('2026-11-25T03:00:00.000Z');
const DAY = 86_400_000;
const t = createTemplates();
const SITI = PEOPLE.siti;

let clockNow = NOW;
let db: TestDatabase;
let desk: StorageDesk;
let dir: string;
let bsre: TestBsreCa;
let verifier: CertificateVerifier;

beforeAll(async () => {
  dir = makeTempDir('bsre-import');
  bsre = await createTestBsreCa(NOW);
  verifier = createCertificateVerifier(loadTrustAnchors(bsre.writeRoots(dir)));
});
afterAll(() => removeTempDir(dir));

beforeEach(async () => {
  clockNow = NOW;
  db = await openTestDatabase('sqlite');
  desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => clockNow } });
  await seedDesk(desk);
  return async () => { await db.close(); };
});

/** An issuance (or renewal) of `who` that went to BSrE after the agreement, written through the repository. */
async function atBsre(
  who: keyof typeof PEOPLE = 'siti',
  o: { status?: 'submitted_to_ca' | 'approved'; channel?: 'email' | 'telegram'; renews?: { id: string; serial: string } } = {},
): Promise<string> {
  const p = desk.ports;
  const person = (await p.roster.findByNip(PEOPLE[who].nip))!;
  return p.uow.run(async (tx) => {
    const kind = o.renews ? 'renewal' : 'issuance';
    const id = await p.cases.nextId(kind, 2026, tx);
    await p.cases.create({
      id, kind, status: o.status ?? 'submitted_to_ca', channel: o.channel ?? 'email',
      applicant: { personId: person.personId, nip: person.nip, email: person.email, name: person.name },
      applicantNik: PEOPLE[who].nik, certificateType: 'individual', uses: ['signature'],
      details: {
        ...(o.status === 'approved' ? {} : { agreementAcceptedAt: NOW.toISOString(), agreementSha256: 'a'.repeat(64), bsreForwardedAt: NOW.toISOString() }),
        ...(o.channel === 'telegram' ? { telegramChatId: '8100001' } : {}),
        ...(o.renews ? { renewsCertificateId: o.renews.id, renewsSerial: o.renews.serial, dataChanged: 'no' } : {}),
      },
      checks: passingChecks(), reviewRound: 1, createdAt: NOW.toISOString(),
    }, tx);
    return id;
  });
}

const tick = (id: string, step: string, officer: string = OFFICERS.rahmat) => tickBsreStep(desk.ports, { requestId: id, officerTelegramId: officer, step });
const pem = (c: x509.X509Certificate): Buffer => Buffer.from(c.toString('pem'));
const importAs = (requestId: string, bytes: Uint8Array, v: CertificateVerifier = verifier, officer: string = OFFICERS.rahmat) =>
  importIssuedCertificate(desk.ports, v, { requestId, officerTelegramId: officer, bytes });

async function expectNothingWritten(id: string): Promise<void> {
  expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('submitted_to_ca');
  expect(await desk.ports.certificates.findByRequest(id)).toBeNull();
  expect((await desk.ports.vault.list(id)).filter((d) => d.kind === 'certificate')).toEqual([]);
  expect(await db.ds.getRepository(AuditSchema).countBy({ action: 'certificate.import' })).toBe(0);
  expect(await db.ds.getRepository(OutboxSchema).countBy({ template: 'certificate-issued' })).toBe(0);
}

/** Every byte the desk keeps under its data folder (database, WAL, vault files). */
function dataFolderBytes(): Buffer {
  const walk = (d: string): Buffer[] => readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [readFileSync(join(d, e.name))]));
  return Buffer.concat(walk(db.dataDir));
}

describe('importing the certificate BSrE issued (bsre-manual)', () => {
  it('takes a matching certificate: request completed, register row, file in the vault, applicant notified, no personal data in the audit', async () => {
    const id = await atBsre();
    const cert = await bsre.issue({ email: SITI.email });
    const r = await importAs(id, pem(cert));
    expect(r.ok ? r.value : r).toMatchObject({ requestId: id, matchedBy: 'email', notAfter: cert.notAfter.toISOString() });
    if (!r.ok) return;

    expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('completed');
    const row = await desk.ports.certificates.findByRequest(id);
    expect(row).toMatchObject({
      id: r.value.certificateId, serial: r.value.serial, issuer: bsre.issuing.subject, state: 'active',
      notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), agreementHash: 'a'.repeat(64), deliveredAt: null,
    });
    expect(row!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const [file] = (await desk.ports.vault.list(id)).filter((d) => d.kind === 'certificate');
    expect(Buffer.from(await desk.ports.vault.read(file!.id, id)).toString('utf8')).toContain(cert.toString('pem').split('\n')[1]);

    const audit = await db.ds.getRepository(AuditSchema).findOneByOrFail({ action: 'certificate.import' });
    expect(audit).toMatchObject({ actor: `officer:${OFFICERS.rahmat}`, subject: id, outcome: 'issued:email' });
    const auditText = JSON.stringify(await db.ds.getRepository(AuditSchema).find());
    expect(auditText).not.toContain(SITI.nik);
    expect(auditText).not.toContain('@');
    expect((await desk.auditLog.verify()).ok).toBe(true);

    // The outbox names the vault file; the certificate itself is read when the mail is sent.
    const out = await db.ds.getRepository(OutboxSchema).findOneByOrFail({ template: 'certificate-issued' });
    expect(out).toMatchObject({ channel: 'email', recipient: SITI.email, caseId: id });
    expect(out.model).not.toContain('BEGIN CERTIFICATE');
    const model = await withCertificateFile(desk.ports, out, JSON.parse(out.model) as Record<string, unknown>);
    const mail = renderMail(t, 'certificate-issued', model);
    expect(mail.subject).toContain(id);
    expect(mail.attachments[0]!.content).toContain('BEGIN CERTIFICATE');
  });

  it('matches by the NIK in the subject serialNumber, and keeps that NIK out of every byte in clear', async () => {
    const id = await atBsre();
    const cert = await bsre.issue({ email: null, nik: SITI.nik });
    const r = await importAs(id, pem(cert));
    expect(r.ok ? r.value.matchedBy : r.code).toBe('nik');
    expect((await desk.ports.certificates.findByRequest(id))!.state).toBe('active');
    // The certificate carries the NIK: only the encrypted vault holds it, never the database or the outbox.
    expect(dataFolderBytes().includes(Buffer.from(SITI.nik))).toBe(false);
  });

  it('reads a NIK written with a NIK: prefix', async () => {
    const id = await atBsre();
    const r = await importAs(id, pem(await bsre.issue({ email: null, nik: `NIK:${SITI.nik}` })));
    expect(r.ok ? r.value.matchedBy : r.code).toBe('nik');
  });

  it.each([
    ['DER', (c: x509.X509Certificate) => Buffer.from(c.rawData)],
    ['PKCS#7 bag with its chain', (c: x509.X509Certificate) => p7bOf([c, bsre.issuing, bsre.root])],
    ['PEM with its chain', (c: x509.X509Certificate) => Buffer.from(`${c.toString('pem')}\n${bsre.issuing.toString('pem')}\n`)],
  ])('takes a %s file', async (_label, encode) => {
    const id = await atBsre();
    const cert = await bsre.issue({ subjectEmail: SITI.email });
    const r = await importAs(id, encode(cert));
    expect(r.ok ? r.value.serial : r.code).toBe(cert.serialNumber.replace(/^0+/, '').toLowerCase());
  });

  it('takes a PKCS#7 bag whose chain supplies the intermediate when only the root is configured', async () => {
    const rootOnly = createCertificateVerifier(loadTrustAnchors(bsre.writeRoots(dir, { rootOnly: true })));
    const cert = await bsre.issue({ email: SITI.email });
    const alone = await atBsre();
    const refused = await importAs(alone, pem(cert), rootOnly);
    expect(refused.ok ? 'ok' : refused.code).toBe('CERTIMPORT.ISSUER_UNKNOWN');
    await expectNothingWritten(alone);
    const bag = await atBsre();
    const r = await importAs(bag, p7bOf([bsre.issuing, cert]), rootOnly);
    expect(r.ok).toBe(true);
  });

  const privateKeyPem = () => Buffer.from(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const REFUSALS: Array<[string, ImportCode, () => Promise<Uint8Array>, (() => CertificateVerifier)?]> = [
    ['another person\'s address', 'CERTIMPORT.NOT_APPLICANT', async () => pem(await bsre.issue({ email: PEOPLE.budi.email }))],
    ['another person\'s NIK', 'CERTIMPORT.NOT_APPLICANT', async () => pem(await bsre.issue({ email: null, nik: PEOPLE.budi.nik }))],
    ['no address and no NIK', 'CERTIMPORT.NOT_APPLICANT', async () => pem(await bsre.issue({ email: null }))],
    ['an expired certificate', 'CERTIMPORT.EXPIRED', async () => pem(await bsre.issue({ email: SITI.email, notBefore: new Date(NOW.getTime() - 800 * DAY), notAfter: new Date(NOW.getTime() - DAY) }))],
    ['a certificate not valid yet', 'CERTIMPORT.NOT_YET_VALID', async () => pem(await bsre.issue({ email: SITI.email, notBefore: new Date(NOW.getTime() + DAY) }))],
    ['a certificate from an unknown CA', 'CERTIMPORT.ISSUER_UNKNOWN', async () => pem(await (await createTestBsreCa(NOW, 'Other')).issue({ email: SITI.email }))],
    ['a look-alike of BSrE (same names, other keys)', 'CERTIMPORT.SIGNATURE_INVALID', async () => pem(await (await createTestBsreCa(NOW)).issue({ email: SITI.email }))],
    ['a CA certificate', 'CERTIMPORT.IS_CA', async () => pem(await bsre.issue({ email: SITI.email, ca: true }))],
    ['BSrE\'s own issuing certificate', 'CERTIMPORT.IS_CA', async () => pem(bsre.issuing)],
    ['garbage bytes', 'CERTIMPORT.UNREADABLE', async () => Buffer.from([0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef])],
    ['an empty file', 'CERTIMPORT.UNREADABLE', async () => new Uint8Array()],
    ['a PDF', 'CERTIMPORT.UNREADABLE', async () => Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')],
    ['a file with a private key in it', 'CERTIMPORT.PRIVATE_KEY', async () => Buffer.concat([pem(await bsre.issue({ email: SITI.email })), privateKeyPem()])],
    ['any certificate when no roots are configured', 'CERTIMPORT.NO_ROOTS', async () => pem(await bsre.issue({ email: SITI.email })), () => createCertificateVerifier([])],
  ];

  it.each(REFUSALS)('refuses %s with %s, says why in Indonesian, and writes nothing', async (_label, code, bytes, v) => {
    const id = await atBsre();
    const r = await importAs(id, await bytes(), v?.() ?? verifier);
    expect(r.ok ? 'ok' : r.code).toBe(code);
    if (r.ok) return;
    const text = t.message(r.code, r.params);
    expect(text).toMatch(/Tidak ada yang dicatat|ditolak/);
    expect(text).not.toMatch(/undefined|\{\{|@|\d{16}/);
    await expectNothingWritten(id);
  });

  it('takes the renewed certificate for a renewal the same way, linked to the one it renews', async () => {
    const first = await importAs(await atBsre(), pem(await bsre.issue({ email: SITI.email })));
    if (!first.ok) throw new Error(first.code);
    const renewal = await atBsre('siti', { renews: { id: first.value.certificateId, serial: first.value.serial } });
    const r = await importAs(renewal, pem(await bsre.issue({ email: SITI.email })));
    expect(r.ok).toBe(true);
    const req = await desk.ports.cases.get(renewal);
    expect(req).toMatchObject({ kind: 'renewal', status: 'completed', details: expect.objectContaining({ renewsCertificateId: first.value.certificateId }) });
    expect((await desk.ports.certificates.findByRequest(renewal))!.serial).not.toBe(first.value.serial);
  });

  it('refuses a non-officer, a request not at BSrE, and a second import', async () => {
    const id = await atBsre();
    const cert = pem(await bsre.issue({ email: SITI.email }));
    const stranger = await importAs(id, cert, verifier, '999999999');
    expect(stranger.ok ? 'ok' : stranger.code).toBe('CERTIMPORT.NOT_AN_OFFICER');
    // Rahmat is an officer and on the roster: his own request is for another officer.
    const own = await atBsre('rahmat');
    const mine = await importAs(own, pem(await bsre.issue({ email: PEOPLE.rahmat.email })));
    expect(mine.ok ? 'ok' : mine.code).toBe('CERTIMPORT.OWN_REQUEST');
    expect((await tick(own, 'sent_to_bsre')).ok ? 'ok' : 'refused').toBe('refused');
    expect((await importAs(own, pem(await bsre.issue({ email: PEOPLE.rahmat.email })), verifier, OFFICERS.andi)).ok).toBe(true);
    const approved = await atBsre('siti', { status: 'approved' });
    const early = await importAs(approved, cert);
    expect(early.ok ? 'ok' : `${early.code} ${t.message(early.code, early.params)}`).toMatch(/^CERTIMPORT.NOT_WAITING .*approved/);
    expect((await importAs(id, cert)).ok).toBe(true);
    const again = await importAs(id, cert);
    expect(again.ok ? 'ok' : again.code).toBe('CERTIMPORT.NOT_WAITING');
    expect(await db.ds.getRepository(AuditSchema).countBy({ action: 'certificate.import' })).toBe(2);
  });

  it('stops the program with a clear error when RA_CA_ROOTS is missing or holds no CA certificate', async () => {
    expect(() => loadTrustAnchors(join(dir, 'missing.pem'))).toThrow(/RA_CA_ROOTS: cannot read/);
    const leafOnly = join(dir, 'leaf-only.pem');
    writeFileSync(leafOnly, (await bsre.issue({ email: SITI.email })).toString('pem'));
    let error: unknown;
    try { loadTrustAnchors(leafOnly); } catch (e) { error = e; }
    expect(isRaError(error, 'CA_ROOTS.EMPTY')).toBe(true);
  });
});

describe('the BSrE steps an officer ticks off', () => {
  const codeOf = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

  it('accepting the agreement with bsre-manual sends the request to BSrE and tells the officers; with the sandbox it stays approved', async () => {
    const manual = await atBsre('siti', { status: 'approved' });
    const sandbox = await atBsre('siti', { status: 'approved' });
    const person = (await desk.ports.roster.findByNip(SITI.nip))!;
    const a = await acceptAgreement(desk.ports, { requestId: manual, personId: person.personId, agreementSha256: 'b'.repeat(64), ca: 'bsre-manual' });
    const b = await acceptAgreement(desk.ports, { requestId: sandbox, personId: person.personId, agreementSha256: 'b'.repeat(64), ca: 'sandbox' });
    expect([a.ok && a.value.status, b.ok && b.value.status]).toEqual(['submitted_to_ca', 'approved']);
    const forwarded = await desk.ports.cases.get(manual);
    expect(forwarded).toMatchObject({ status: 'submitted_to_ca', details: expect.objectContaining({ bsreForwardedAt: NOW.toISOString() }) });
    expect((await db.ds.getRepository(OutboxSchema).findBy({ template: 'bsre-forward' })).map((r) => r.recipient).sort()).toEqual([OFFICERS.rahmat, OFFICERS.andi].sort());
    expect(await db.ds.getRepository(AuditSchema).countBy({ action: 'request.forward', subject: manual })).toBe(1);
  });

  it('takes the steps in order, each once, from officers only', async () => {
    const id = await atBsre();
    expect(codeOf(await tick(id, 'identity_form_done'))).toBe('BSRE.STEP_OUT_OF_ORDER');
    expect(codeOf(await tick(id, 'sent_to_bsre', '999999999'))).toBe('BSRE.NOT_AN_OFFICER');
    expect(codeOf(await tick(id, 'constructor'))).toBe('BSRE.UNKNOWN_STEP');
    const first = await tick(id, 'sent_to_bsre');
    expect(first.ok && first.value.next).toBe('identity_form_done');
    const again = await tick(id, 'sent_to_bsre', OFFICERS.andi);
    expect(codeOf(again)).toBe('BSRE.STEP_ALREADY_DONE');
    if (!again.ok) expect(t.message(again.code, again.params)).toContain('Langkah 1');
    for (const step of BSRE_STEPS.slice(1)) expect(codeOf(await tick(id, step))).toBe('ok');
    expect(codeOf(await tick(id, 'issued'))).toBe('BSRE.STEP_ALREADY_DONE');
    const steps = await db.ds.getRepository(AuditSchema).find({ where: { action: 'bsre.step', subject: id }, order: { seq: 'ASC' } });
    expect(steps.map((s) => s.outcome)).toEqual([...BSRE_STEPS]);
    // The upload then completes the request.
    expect((await importAs(id, pem(await bsre.issue({ email: SITI.email })))).ok).toBe(true);
    expect(codeOf(await tick(id, 'issued'))).toBe('BSRE.NOT_WAITING');
  });

  it('gives every refusal an Indonesian message', async () => {
    const id = await atBsre();
    const approved = await atBsre('siti', { status: 'approved' });
    const refusals: Array<{ ok: boolean; code?: TickCode; params?: Record<string, string | number> }> = [
      await tick(id, 'passphrase_set'), await tick(id, 'sent_to_bsre', '999999999'), await tick(id, 'nope'),
      await tick(approved, 'sent_to_bsre'), await tick('OP-2026-999999', 'sent_to_bsre'), await tick(await atBsre('rahmat'), 'sent_to_bsre'),
    ];
    for (const step of BSRE_STEPS) await tick(id, step);
    refusals.push(await tick(id, 'issued'));
    for (const r of refusals) {
      expect(r.ok).toBe(false);
      const text = t.message(r.code!, r.params);
      expect(text.length).toBeGreaterThan(20);
      expect(text).not.toMatch(/undefined|\{\{/);
    }
    expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['BSRE.STEP_OUT_OF_ORDER', 'BSRE.NOT_AN_OFFICER', 'BSRE.UNKNOWN_STEP', 'BSRE.NOT_WAITING', 'BSRE.NOT_FOUND', 'BSRE.OWN_REQUEST', 'BSRE.STEP_ALREADY_DONE']));
  });
});

describe('stall reminders (bsre-manual)', () => {
  const sweep = (days: number) => sendBsreReminders(desk.ports, { now: new Date(NOW.getTime() + days * DAY), stallDays: 3 });
  const outbox = () => db.ds.getRepository(OutboxSchema).find({ where: [{ template: 'bsre-stalled' }, { template: 'bsre-stalled-officer' }], order: { createdAt: 'ASC' } });

  it('reminds each stalled step once: officers for theirs and BSrE\'s, the applicant for their own', async () => {
    const id = await atBsre();
    expect((await sweep(2.9)).stalled).toBe(0);
    // Step 1 (sending to BSrE) is the officers' own: they are reminded, the applicant is not.
    expect(await sweep(3)).toMatchObject({ stalled: 1, applicants: 0, officers: 2 });
    expect(await sweep(5)).toMatchObject({ stalled: 0 });
    clockNow = new Date(NOW.getTime() + 5 * DAY);
    expect((await tickBsreStep(desk.ports, { requestId: id, officerTelegramId: OFFICERS.rahmat, step: 'sent_to_bsre' })).ok).toBe(true);
    // Step 2 (BSrE's identity form) waits for the applicant: counted from the tick, not the forwarding.
    expect((await sweep(7)).stalled).toBe(0);
    expect(await sweep(8)).toMatchObject({ stalled: 1, applicants: 1, officers: 2 });
    expect((await sweep(30)).stalled).toBe(0);

    const rows = await outbox();
    expect(rows.map((r) => `${r.template}:${r.recipient}`).sort()).toEqual([
      `bsre-stalled-officer:${OFFICERS.rahmat}`, `bsre-stalled-officer:${OFFICERS.andi}`,
      `bsre-stalled:${SITI.email}`, `bsre-stalled-officer:${OFFICERS.rahmat}`, `bsre-stalled-officer:${OFFICERS.andi}`,
    ].sort());
    const mail = rows.find((r) => r.template === 'bsre-stalled')!;
    const rendered = renderMail(t, 'bsre-stalled', JSON.parse(mail.model) as Record<string, unknown>);
    expect(rendered.subject).toContain(id);
    expect(rendered.text).toMatch(/formulir identitas/);
    expect(rendered.text).toContain('3 hari');
    for (const r of rows.filter((x) => x.channel === 'telegram')) {
      const model = JSON.parse(r.model) as { kind: string };
      expect(t.has(`TG.${r.template}.${model.kind}`)).toBe(true);
    }
    const audit = await db.ds.getRepository(AuditSchema).find({ where: { action: 'bsre.reminders' } });
    expect(audit.map((a) => a.outcome)).toEqual(['stalled:1/applicant:0/officer:2', 'stalled:1/applicant:1/officer:2']);
  });

  it('reminds a Telegram applicant in their chat, and nobody once the certificate is in', async () => {
    const id = await atBsre('siti', { channel: 'telegram' });
    clockNow = new Date(NOW.getTime() + DAY);
    await tickBsreStep(desk.ports, { requestId: id, officerTelegramId: OFFICERS.rahmat, step: 'sent_to_bsre' });
    expect(await sweep(4)).toMatchObject({ stalled: 1, applicants: 1 });
    expect((await outbox()).find((r) => r.template === 'bsre-stalled')).toMatchObject({ channel: 'telegram', recipient: '8100001' });
    expect((await importAs(id, pem(await bsre.issue({ email: SITI.email })))).ok).toBe(true);
    expect(await sweep(60)).toMatchObject({ scanned: 0, stalled: 0 });
  });
});
