import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { submitApplication, type ApplicationInput, type IncomingDocument } from '../../domain/use-cases/submit-application.ts';
import { assertAuditSafe } from '../../domain/audit/audit-event.ts';
import { createFakeDesk, fakeNikLookup, PEOPLE, type FakeDesk } from '../support/fake-ports.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';

const siti = PEOPLE.siti;

function deskWithRoster(): FakeDesk {
  const desk = createFakeDesk();
  desk.state.seedPerson(siti);
  desk.state.seedPerson(PEOPLE.andi);
  return desk;
}

const coverLetter = (): IncomingDocument => ({ kind: 'cover_letter', filename: 'surat-pengantar.pdf', bytes: tinyPdf({ text: 'Surat Pengantar' }) });
const recommendation = (): IncomingDocument => ({ kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() });
const ktpScan = (): IncomingDocument => ({ kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() });

const application = (patch: Partial<ApplicationInput> = {}): ApplicationInput => ({
  channel: 'email', email: siti.email, nik: siti.nik, nip: siti.nip, name: siti.name, certificateType: 'individual', uses: [],
  documents: [coverLetter(), recommendation(), ktpScan()], ...patch,
});

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const expectNothingWritten = (desk: FakeDesk): void => {
  expect(desk.state.cases).toEqual([]);
  expect(desk.state.documents).toEqual([]);
  expect(desk.state.audit).toEqual([]);
  expect(desk.state.notifications).toEqual([]);
  expect(desk.state.commits).toBe(0);
};

describe('submitApplication (Pasal 15)', () => {
  it('files a complete application as pending_review, review round 1, and acknowledges it', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application());
    if (!r.ok) throw new Error(r.code);
    expect(r.value).toMatchObject({ requestId: 'OP-2026-000001', status: 'pending_review', refusedDocuments: [] });
    expect(r.value.checks.every((c) => c.pass)).toBe(true);

    const c = desk.state.case('OP-2026-000001');
    const onRoster = desk.state.roster.find((p) => p.nip === siti.nip);
    expect(c).toMatchObject({
      kind: 'issuance', status: 'pending_review', reviewRound: 1, version: 1, channel: 'email', certificateType: 'individual',
      uses: ['signature', 'email', 'document'], decision: null,
      applicant: { personId: onRoster?.personId, nip: siti.nip, email: siti.email, name: siti.name },
    });
    expect(c?.applicantNikLookup).toBe(fakeNikLookup(siti.nik));
    expect(await desk.ports.cases.applicantNik('OP-2026-000001')).toBe(siti.nik);
    expect(desk.state.documents.map((d) => d.kind)).toEqual(['cover_letter', 'recommendation', 'ktp_scan']);
    expect(desk.state.documents.map((d) => d.mediaType)).toEqual(['application/pdf', 'image/png', 'image/jpeg']);

    expect(desk.state.notifications).toHaveLength(1);
    expect(desk.state.notifications[0]).toMatchObject({
      dedupeKey: 'received:OP-2026-000001', channel: 'email', recipient: siti.email, template: 'application-received',
      model: { requestId: 'OP-2026-000001', missing: [], refusedDocuments: [] },
    });
  });

  it('keeps an application without the recommendation as incomplete and tells the applicant what is missing (Pasal 15(2)b, 15(5))', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ documents: [coverLetter(), ktpScan()] }));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.status).toBe('incomplete');
    expect(r.value.checks.filter((c) => !c.pass).map((c) => c.rule)).toEqual(['recommendation']);
    expect(desk.state.case(r.value.requestId)).toMatchObject({ status: 'incomplete', reviewRound: 0 });
    expect(desk.state.notifications).toHaveLength(1);
    expect(desk.state.notifications[0]).toMatchObject({
      template: 'application-incomplete',
      model: { requestId: r.value.requestId, missing: [{ rule: 'recommendation', code: 'VERIFY.RECOMMENDATION_MISSING', params: {} }] },
    });
  });

  it('reports a refused file by its name and stores the rest (an .exe named ktp.pdf)', async () => {
    const desk = deskWithRoster();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(64)]);
    const r = await submitApplication(desk.ports, application({
      documents: [coverLetter(), recommendation(), { kind: 'ktp_scan', filename: 'ktp.pdf', bytes: exe }],
    }));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.refusedDocuments).toEqual([{ filename: 'ktp.pdf', code: 'DOCUMENT.UNSUPPORTED_TYPE', params: { allowed: 'JPG, PNG, PDF' } }]);
    expect(r.value.status).toBe('incomplete');
    expect(r.value.checks.filter((c) => !c.pass).map((c) => [c.rule, c.code])).toEqual([['ktp_scan', 'VERIFY.KTP_SCAN_MISSING']]);
    expect(desk.state.documents.map((d) => d.kind)).toEqual(['cover_letter', 'recommendation']);
    expect(desk.state.notifications[0]?.model).toMatchObject({
      refusedDocuments: [{ filename: 'ktp.pdf', code: 'DOCUMENT.UNSUPPORTED_TYPE' }],
    });
  });

  it('refuses a file over the size limit and says how large it was', async () => {
    const desk = createFakeDesk({ settings: { maxFileBytes: 100 } });
    desk.state.seedPerson(siti);
    const r = await submitApplication(desk.ports, application({ documents: [coverLetter()] }));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.refusedDocuments.map((d) => [d.filename, d.code])).toEqual([['surat-pengantar.pdf', 'DOCUMENT.TOO_LARGE']]);
    expect(desk.state.documents).toEqual([]);
  });

  it('refuses an unknown certificate type (Pasal 12) and writes nothing', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ certificateType: 'Wildcard' }));
    expect(r).toEqual({ ok: false, code: 'APPLY.BAD_CERTIFICATE_TYPE', params: { given: 'wildcard' } });
    expectNothingWritten(desk);
  });

  it('refuses an unknown certificate use (Pasal 13(5)) and writes nothing', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ uses: ['signature', 'code_signing'] }));
    expect(r).toEqual({ ok: false, code: 'APPLY.BAD_USE', params: { given: 'code_signing' } });
    expectNothingWritten(desk);
  });

  it('refuses an application without an e-mail address and writes nothing', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ email: '   ' }));
    expect(r).toEqual({ ok: false, code: 'APPLY.EMAIL_MISSING', params: {} });
    expectNothingWritten(desk);
  });

  it('takes the uses the applicant chose, once each', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ uses: ['signature', 'signature', 'email'] }));
    if (!r.ok) throw new Error(r.code);
    expect(desk.state.case(r.value.requestId)?.uses).toEqual(['signature', 'email']);
  });

  it('records the SHA-256 of every stored document as the audit evidence (Pasal 15(6), 26(2))', async () => {
    const desk = deskWithRoster();
    const input = application();
    const r = await submitApplication(desk.ports, input);
    if (!r.ok) throw new Error(r.code);
    expect(desk.state.audit).toHaveLength(1);
    const row = desk.state.audit[0];
    expect(row).toMatchObject({ action: 'request.create', subject: r.value.requestId, outcome: 'pending_review' });
    expect(row?.evidence).toEqual(input.documents.map((d) => sha256(d.bytes)));
    expect(row?.evidence).toEqual(desk.state.documents.map((d) => d.sha256));
    for (const d of desk.state.documents) expect(sha256(desk.state.documentBytes(d.id) ?? new Uint8Array())).toBe(d.sha256);
  });

  it('writes an audit row with no NIK, NIP or e-mail address in it', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application());
    if (!r.ok) throw new Error(r.code);
    const row = desk.state.audit[0];
    if (!row) throw new Error('no audit row');
    expect(() => assertAuditSafe(row)).not.toThrow();
    const onRoster = desk.state.roster.find((p) => p.nip === siti.nip);
    expect(row.actor).toBe(`person:${onRoster?.personId}`);
    const text = JSON.stringify(row);
    for (const secret of [siti.nik, siti.nip, siti.email, '@']) expect(text).not.toContain(secret);
  });

  it('audits an application from someone not on the roster as the system, not as a person', async () => {
    const desk = createFakeDesk();
    const r = await submitApplication(desk.ports, application());
    if (!r.ok) throw new Error(r.code);
    expect(r.value.status).toBe('incomplete');
    expect(r.value.checks.find((c) => c.rule === 'roster')?.code).toBe('VERIFY.NOT_ON_ROSTER');
    expect(desk.state.audit[0]?.actor).toBe('system');
  });

  it('accepts a "pihak lain" the Pengelola allowed (Pasal 13(1)c)', async () => {
    const desk = createFakeDesk();
    const outsider = { email: 'konsultan.ti@pontianak.go.id', nik: '6171034507700001' };
    desk.state.grantPermit(outsider.email, outsider.nik);
    const r = await submitApplication(desk.ports, application({ ...outsider, nip: null, name: 'Konsultan TI' }));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.status).toBe('pending_review');
    expect(desk.state.case(r.value.requestId)?.applicant).toEqual({ personId: null, nip: null, email: outsider.email, name: 'Konsultan TI' });
  });

  it('answers a Telegram application in its chat and remembers the chat, and the post the certificate is for', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ channel: 'telegram', telegramChatId: '424242' }));
    if (!r.ok) throw new Error(r.code);
    // Agency and position as the roster has them, so a renewal can tell whether they changed (Pasal 17).
    expect(desk.state.case(r.value.requestId)?.details).toEqual({
      telegramChatId: '424242', rosterAgency: 'Dinas Komunikasi dan Informatika', rosterPosition: 'Pranata Komputer',
    });
    expect(desk.state.notifications[0]).toMatchObject({ channel: 'telegram', recipient: '424242' });
  });

  it('reads a NIK and NIP typed with spaces', async () => {
    const desk = deskWithRoster();
    const r = await submitApplication(desk.ports, application({ nik: '6171 0265 0790 0002', nip: '19900725 201503 2 001' }));
    if (!r.ok) throw new Error(r.code);
    expect(r.value.status).toBe('pending_review');
  });

  it('numbers applications one after another, also when they arrive at once', async () => {
    const desk = deskWithRoster();
    const results = await Promise.all([1, 2, 3].map(() => submitApplication(desk.ports, application())));
    expect(results.map((r) => r.ok && r.value.requestId).sort()).toEqual(['OP-2026-000001', 'OP-2026-000002', 'OP-2026-000003']);
    expect(desk.state.audit.map((a) => a.seq)).toEqual([1, 2, 3]);
  });

  it('keeps nothing when storing a document fails half-way', async () => {
    const desk = deskWithRoster();
    let calls = 0;
    const ports = {
      ...desk.ports,
      vault: {
        ...desk.ports.vault,
        store: async (...args: Parameters<typeof desk.ports.vault.store>) => {
          if (++calls === 2) throw new Error('disk full');
          return desk.ports.vault.store(...args);
        },
      },
    };
    await expect(submitApplication(ports, application())).rejects.toThrow('disk full');
    expect(desk.state.cases).toEqual([]);
    expect(desk.state.documents).toEqual([]);
    expect(desk.state.audit).toEqual([]);
    expect(desk.state.notifications).toEqual([]);
    expect(desk.state.rollbacks).toBe(1);
  });
});

describe('attribution (Pasal 16(4), 26(2))', () => {
  it('does not attribute an application to the roster person whose NIP was given when the roster check fails', async () => {
    const desk = createFakeDesk();
    desk.state.seedPerson(PEOPLE.siti);
    desk.state.seedPerson(PEOPLE.budi);
    const r = await submitApplication(desk.ports, {
      channel: 'email', email: PEOPLE.budi.email, nik: '6171026507900003', nip: PEOPLE.siti.nip, name: 'Budi Santoso',
      certificateType: 'individual', uses: [],
      documents: [
        { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
        { kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() },
        { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
      ],
    });
    if (!r.ok) throw new Error(r.code);
    expect(r.value.status).toBe('incomplete');
    expect(desk.state.audit[0]?.actor).toBe('system');
    expect(desk.state.cases[0]?.applicant.personId).toBeNull();
    expect(desk.state.cases[0]?.applicant.name).toBe('Budi Santoso');
  });
});
