import { describe, it, expect, afterEach } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, seedDesk, seedPendingRequests, OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import type { StorageDesk } from '../../storage/create-desk.ts';
import { AuditSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import { reportIncident } from '../../domain/use-cases/report-incident.ts';
import { markIncidentPersonalData } from '../../domain/use-cases/incident-personal-data.ts';
import { reclassifyAsIncident } from '../../domain/use-cases/reclassify-ticket.ts';
import { escalateHelp } from '../../domain/use-cases/escalate-help.ts';
import { resolveTicket } from '../../domain/use-cases/resolve-ticket.ts';
import { forwardComplaint } from '../../domain/use-cases/forward-complaint.ts';
import { answerTicket } from '../../domain/use-cases/answer-ticket.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { runOversightSweep } from '../../domain/use-cases/oversight-sweep.ts';
import { DEFAULT_OVERSIGHT, type OversightSettings } from '../../domain/oversight/oversight-settings.ts';
import { incidentCategoryOf } from '../../domain/incident/incident-category.ts';

/**
 * Incidents (Pasal 24), help-ticket SLA (Pasal 22) and complaints about officers (Pasal 9(7)) on a real
 * SQLite desk with a fake clock: who is alerted, what is sent to whom, and when.
 */
const RECIPIENTS = [
  { role: 'walikota', address: 'walikota@pontianak.go.id' }, { role: 'gubernur', address: 'gubernur@kalbarprov.go.id' },
  { role: 'bssn', address: 'kepala@bssn.go.id' }, { role: 'bsre', address: 'kepala@bsre.id' },
];
const SETTINGS: OversightSettings = { ...DEFAULT_OVERSIGHT, incidentRecipients: RECIPIENTS, bsreSupportEmail: 'layanan@bsre.id' };
const HOUR = 3_600_000;
const MANAGER = '5550003';
const SITI_CHAT = '8100001';

let db: TestDatabase;
let desk: StorageDesk;
let now: Date;
afterEach(async () => { await db?.close(); });

async function open(settings: OversightSettings = SETTINGS, start = '2026-11-23T02:00:00.000Z'): Promise<void> {
  db = await openTestDatabase('sqlite');
  now = new Date(start); // Monday 09:00 WIB
  desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => now }, oversight: settings });
  await seedDesk(desk);
}

const at = (hours: number, from = '2026-11-23T02:00:00.000Z') => { now = new Date(new Date(from).getTime() + hours * HOUR); return now; };
const outbox = (template: string) => db.ds.getRepository(OutboxSchema).find({ where: { template }, order: { createdAt: 'ASC' } });
const audits = (action: string) => db.ds.getRepository(AuditSchema).find({ where: { action } });

async function sitiIncident(subject = 'Token saya hilang di angkot, NIK 6171026507900002, tolong', category?: 'key_lost_damaged' | 'authenticity') {
  const r = await openTicket(desk.ports, { kind: 'incident', channel: 'telegram', email: PEOPLE.siti.email, subject, telegramChatId: SITI_CHAT, acknowledge: false, ...(category ? { category } : {}) });
  if (!r.ok) throw new Error('openTicket refused');
  return r.value.ticketId;
}

describe('incidents (Pasal 24)', () => {
  it('alerts each officer on duty once when an incident is opened, with the category from the report', async () => {
    await open();
    const id = await sitiIncident();
    const alerts = await outbox('incident-alert');
    expect(alerts.map((a) => a.recipient).sort()).toEqual([OFFICERS.rahmat, OFFICERS.andi].sort());
    expect(alerts.every((a) => a.channel === 'telegram' && a.caseId === id)).toBe(true);
    expect(JSON.parse(alerts[0]!.model)).toMatchObject({ ticketId: id, kind: 'key_lost_damaged', round: 0 });
    // A sweep in the same hour adds nothing: the creation alert is round 0.
    at(0.5);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(0);
    expect(await outbox('incident-alert')).toHaveLength(2);
  });

  it('after "Laporkan", queues exactly one report per addressee, marks it reported and audits it; a second tap sends nothing', async () => {
    await open();
    const id = await sitiIncident();
    at(0.25);
    const r = await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi });
    expect(r).toEqual({ ok: true, value: { ticketId: id, recipients: 4 } });
    const again = await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.rahmat });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.code).toBe('INCIDENT.ALREADY_REPORTED');
    const reports = await outbox('incident-report');
    expect(reports.map((m) => m.recipient).sort()).toEqual(RECIPIENTS.map((x) => x.address).sort());
    expect(reports.every((m) => m.channel === 'email')).toBe(true);
    const row = await db.ds.getRepository(RequestSchema).findOneByOrFail({ id });
    expect(row.status).toBe('escalated');
    expect(JSON.parse(row.details)).toMatchObject({ reportedBy: OFFICERS.andi, reportedAt: now.toISOString() });
    expect((await audits('incident.report')).map((a) => a.outcome)).toEqual(['reported:4', 'refused:INCIDENT.ALREADY_REPORTED']);
  });

  it('sends the addressees no identifiers of the owner: no NIK, NIP, e-mail address or name', async () => {
    await open();
    const id = await sitiIncident();
    await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi });
    for (const m of await outbox('incident-report')) {
      for (const secret of [PEOPLE.siti.nik, PEOPLE.siti.nip, PEOPLE.siti.email, PEOPLE.siti.name]) expect(m.model).not.toContain(secret);
      expect(JSON.parse(m.model)).toMatchObject({ category: 'key_lost_damaged', agency: 'Dinas Komunikasi dan Informatika', description: expect.stringContaining('[nomor identitas disamarkan]') });
    }
  });

  it('refuses "Laporkan" from a non-officer, for an unknown ticket, and without configured addressees, writing nothing', async () => {
    await open({ ...SETTINGS, incidentRecipients: [] });
    const id = await sitiIncident();
    const bad = [
      await reportIncident(desk.ports, { ticketId: id, officerTelegramId: SITI_CHAT }),
      await reportIncident(desk.ports, { ticketId: 'TK-2026-999999', officerTelegramId: OFFICERS.andi }),
      await reportIncident(desk.ports, { ticketId: "TK'; DROP TABLE requests", officerTelegramId: OFFICERS.andi }),
      await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi }),
    ];
    expect(bad.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['TICKET.NOT_AN_OFFICER', 'TICKET.NOT_FOUND', 'TICKET.NOT_FOUND', 'INCIDENT.NO_RECIPIENTS']);
    expect(await outbox('incident-report')).toHaveLength(0);
    expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('open');
  });

  it('re-alerts an unreported incident every hour, at most once per hour per officer, and stops once reported', async () => {
    await open();
    const id = await sitiIncident();
    at(1.1);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(2);
    at(1.9);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(0);
    at(2.0);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(2);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(0);
    await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.rahmat });
    at(5);
    expect((await runOversightSweep(desk.ports, { now })).realerts).toBe(0);
    const realerts = await outbox('incident-realert');
    expect(realerts).toHaveLength(4);
    expect(new Set(realerts.map((r) => r.dedupeKey)).size).toBe(4);
  });

  it('reminds officers of the 3 × 24 h PDP notice before it passes (48 h, 66 h), then once when overdue, until the notice is recorded', async () => {
    await open();
    const id = await sitiIncident();
    const marked = await markIncidentPersonalData(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi, step: 'involved' });
    expect(marked.ok).toBe(true);
    const created = new Date('2026-11-23T02:00:00.000Z').getTime();
    const sweep = async (h: number) => { at(h); return (await runOversightSweep(desk.ports, { now })).pdpReminders; };
    expect(await sweep(47.9)).toBe(0);
    expect(await sweep(48)).toBe(2);
    expect(await sweep(60)).toBe(0);
    expect(await sweep(66.5)).toBe(2);
    expect(await sweep(71.99)).toBe(0);
    const reminders = await outbox('pdp-reminder');
    expect(reminders).toHaveLength(4);
    // Every reminder was queued before the deadline passed.
    for (const r of reminders) expect(new Date(r.createdAt).getTime()).toBeLessThan(created + 72 * HOUR);
    expect(JSON.parse(reminders[0]!.model)).toMatchObject({ ticketId: id, hours: 48, deadline: '26 November 2026 pukul 09.00 WIB' });
    expect(await sweep(72.5)).toBe(2);
    expect(await sweep(80)).toBe(0);
    await markIncidentPersonalData(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.rahmat, step: 'notified' });
    expect(await sweep(200)).toBe(0);
    expect(await outbox('pdp-overdue')).toHaveLength(2);
  });

  it('sends no PDP reminder for an incident no officer marked as involving personal data', async () => {
    await open();
    await sitiIncident();
    at(49);
    expect((await runOversightSweep(desk.ports, { now })).pdpReminders).toBe(0);
    const r = await markIncidentPersonalData(desk.ports, { ticketId: 'TK-2026-000001', officerTelegramId: OFFICERS.andi, step: 'notified' });
    expect(r.ok ? 'ok' : r.code).toBe('PDP.NOT_MARKED');
  });

  it('lets an officer reclassify a help ticket as an incident (Pasal 24(3)b): same number, officers alerted', async () => {
    await open();
    const r = await openTicket(desk.ports, { kind: 'help', channel: 'email', email: PEOPLE.budi.email, subject: 'Ada dokumen bertanda tangan saya yang tidak pernah saya tandatangani' });
    const id = r.ok ? r.value.ticketId : '';
    expect(await outbox('incident-alert')).toHaveLength(0);
    const bad = await reclassifyAsIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi, category: 'bogus' });
    expect(bad.ok ? 'ok' : bad.code).toBe('RECLASSIFY.BAD_CATEGORY');
    expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).kind).toBe('help');
    const done = await reclassifyAsIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi, category: 'authenticity' });
    expect(done.ok).toBe(true);
    const row = await db.ds.getRepository(RequestSchema).findOneByOrFail({ id });
    expect(row.kind).toBe('incident');
    expect(JSON.parse(row.details)).toMatchObject({ category: 'authenticity', reclassifiedFrom: 'help' });
    expect((await outbox('incident-alert')).map((a) => a.recipient).sort()).toEqual([OFFICERS.andi, OFFICERS.rahmat].sort());
    const twice = await reclassifyAsIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi, category: 'authenticity' });
    expect(twice.ok ? 'ok' : twice.code).toBe('RECLASSIFY.NOT_HELP');
  });

  it('closes an incident only after it was reported', async () => {
    await open();
    const id = await sitiIncident();
    const early = await resolveTicket(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi });
    expect(early.ok ? 'ok' : early.code).toBe('RESOLVE.NOT_ALLOWED');
    await reportIncident(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi });
    expect((await resolveTicket(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi })).ok).toBe(true);
  });

  it('guesses the category from the reporter\'s words', () => {
    expect(incidentCategoryOf('Laptop berisi kunci privat dicuri')).toBe('key_lost_damaged');
    expect(incidentCategoryOf('Sertifikat saya dipakai orang lain tanpa izin')).toBe('authenticity');
    expect(incidentCategoryOf('Laporan insiden')).toBe('other');
  });
});

describe('help-ticket SLA (Pasal 22)', () => {
  // Friday 27 November 2026 15:00 WIB.
  const FRIDAY_3PM = '2026-11-27T08:00:00.000Z';

  async function helpTicket(): Promise<string> {
    const r = await openTicket(desk.ports, { kind: 'help', channel: 'email', email: PEOPLE.budi.email, subject: 'Gagal tanda tangan di SRIKANDI' });
    return r.ok ? r.value.ticketId : '';
  }

  it('detects a first-response breach in office hours only, alerting each officer once', async () => {
    await open(SETTINGS, FRIDAY_3PM);
    await helpTicket();
    const sweep = async (h: number) => { at(h, FRIDAY_3PM); return (await runOversightSweep(desk.ports, { now })).slaBreaches; };
    expect(await sweep(3)).toBe(0); // Friday 18:00: one office hour used
    expect(await sweep(45)).toBe(0); // Sunday noon: the weekend does not count
    expect(await sweep(67.9)).toBe(0); // Monday 10:54: 3 h 54 min of office time
    expect(await sweep(68.1)).toBe(2); // Monday 11:06: past the 4-hour first response
    expect(await sweep(69)).toBe(0);
    const alerts = await outbox('sla-breach');
    expect(alerts.map((a) => a.recipient).sort()).toEqual([OFFICERS.andi, OFFICERS.rahmat].sort());
    expect(JSON.parse(alerts[0]!.model)).toMatchObject({ kind: 'first', deadline: '30 November 2026 pukul 11.00 WIB' });
  });

  it('an answer stops the first-response clock; the resolution clock runs until closed, and pauses while BSrE is asked', async () => {
    await open(SETTINGS, FRIDAY_3PM);
    const id = await helpTicket();
    at(1, FRIDAY_3PM);
    expect((await answerTicket(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi, answer: 'Coba masuk ulang.' })).ok).toBe(true);
    // 24 office hours from Friday 15:00: 1 h Friday + 8 h Mon, Tue, Wed → Wednesday (2 Dec) 15:00 WIB.
    at(5 * 24 - 1.1, FRIDAY_3PM);
    expect(await runOversightSweep(desk.ports, { now })).toMatchObject({ slaBreaches: 0 });
    at(5 * 24 + 0.1, FRIDAY_3PM);
    expect(await runOversightSweep(desk.ports, { now })).toMatchObject({ slaBreaches: 2 });
    expect((await outbox('sla-breach')).map((a) => JSON.parse(a.model).kind)).toEqual(['resolution', 'resolution']);

    const other = await helpTicket();
    const esc = await escalateHelp(desk.ports, { ticketId: other, officerTelegramId: OFFICERS.rahmat });
    expect(esc.ok).toBe(true);
    const mail = await outbox('help-escalation');
    expect(mail.map((m) => m.recipient)).toEqual(['layanan@bsre.id']);
    at(30 * 24, FRIDAY_3PM);
    await runOversightSweep(desk.ports, { now });
    const about = (await outbox('sla-breach')).filter((a) => a.caseId === other).map((a) => JSON.parse(a.model).kind);
    expect(about).toEqual(['first', 'first']);
  });

  it('refuses to escalate without RA_BSRE_SUPPORT_EMAIL, or a ticket that is not a help ticket', async () => {
    await open({ ...SETTINGS, bsreSupportEmail: null });
    const id = await helpTicket();
    const r = await escalateHelp(desk.ports, { ticketId: id, officerTelegramId: OFFICERS.andi });
    expect(r.ok ? 'ok' : r.code).toBe('ESCALATE.NO_ADDRESS');
    const incident = await sitiIncident();
    const r2 = await escalateHelp(desk.ports, { ticketId: incident, officerTelegramId: OFFICERS.andi });
    expect(r2.ok ? 'ok' : r2.code).toBe('ESCALATE.NOT_HELP');
    expect(await outbox('help-escalation')).toHaveLength(0);
    expect((await db.ds.getRepository(RequestSchema).findOneByOrFail({ id })).status).toBe('open');
  });
});

describe('complaints about an officer (Pasal 9(7))', () => {
  /** Siti's application, rejected by Andi; Budi is the Pengelola. */
  async function complaintAboutAndi(): Promise<{ requestId: string; ticketId: string }> {
    await open();
    const added = await addOfficer(desk.ports, { telegramId: MANAGER, nip: PEOPLE.budi.nip, role: 'manager', appointmentRef: '800/1/2026' });
    if (!added.ok) throw new Error(added.code);
    const [requestId] = await seedPendingRequests(desk, 1);
    const d = await decideRequest(desk.ports, { requestId: requestId!, officerTelegramId: OFFICERS.andi, outcome: 'reject', reasons: ['Berkas tidak terbaca'] });
    if (!d.ok) throw new Error(d.code);
    const r = await openTicket(desk.ports, { kind: 'complaint', channel: 'telegram', email: PEOPLE.siti.email, subject: 'Ditolak tanpa penjelasan', telegramChatId: SITI_CHAT, acknowledge: false, aboutRequestId: requestId! });
    return { requestId: requestId!, ticketId: r.ok ? r.value.ticketId : '' };
  }

  it('names the officer who decided the request, and tells only the Pengelola', async () => {
    const { requestId, ticketId } = await complaintAboutAndi();
    const row = await db.ds.getRepository(RequestSchema).findOneByOrFail({ id: ticketId });
    expect(JSON.parse(row.details)).toMatchObject({ aboutRequest: requestId, aboutOfficer: OFFICERS.andi });
    expect((await outbox('complaint-about-officer')).map((a) => a.recipient)).toEqual([MANAGER]);
  });

  it('an officer cannot read or answer a complaint about themself, nor can a fellow officer; the Pengelola can', async () => {
    const { ticketId } = await complaintAboutAndi();
    const andi = await answerTicket(desk.ports, { ticketId, officerTelegramId: OFFICERS.andi, answer: 'Itu tidak benar.' });
    expect(andi.ok ? 'ok' : andi.code).toBe('ANSWER.NOT_FOUND');
    const rahmat = await resolveTicket(desk.ports, { ticketId, officerTelegramId: OFFICERS.rahmat });
    expect(rahmat.ok ? 'ok' : rahmat.code).toBe('TICKET.NOT_FOUND');
    expect(await outbox('ticket-answered')).toHaveLength(0);
    expect((await answerTicket(desk.ports, { ticketId, officerTelegramId: MANAGER, answer: 'Kami periksa.' })).ok).toBe(true);
    expect((await audits('ticket.answer')).map((a) => `${a.actor} ${a.outcome}`)).toContain(`officer:${OFFICERS.andi} refused:ANSWER.NOT_FOUND`);
  });

  it('is forwarded by the Pengelola only, to BSSN through BSrE and to the Walikota, once', async () => {
    const { ticketId } = await complaintAboutAndi();
    const byOfficer = await forwardComplaint(desk.ports, { ticketId, officerTelegramId: OFFICERS.rahmat });
    expect(byOfficer.ok ? 'ok' : byOfficer.code).toBe('TICKET.NOT_A_MANAGER');
    const r = await forwardComplaint(desk.ports, { ticketId, officerTelegramId: MANAGER });
    expect(r).toEqual({ ok: true, value: { ticketId, recipients: 2 } });
    const again = await forwardComplaint(desk.ports, { ticketId, officerTelegramId: MANAGER });
    expect(again.ok ? 'ok' : again.code).toBe('COMPLAINT.ALREADY_FORWARDED');
    const mails = await outbox('complaint-forward');
    expect(mails.map((m) => m.recipient).sort()).toEqual(['kepala@bsre.id', 'walikota@pontianak.go.id']);
    expect(JSON.parse(mails[0]!.model)).toMatchObject({ officerName: PEOPLE.andi.name, requestId: expect.stringMatching(/^OP-/) });
    expect(mails[0]!.model).not.toContain(PEOPLE.siti.name);
  });

  it('ignores a request that is not the complainant\'s own: the complaint is an ordinary one', async () => {
    const { requestId } = await complaintAboutAndi();
    const r = await openTicket(desk.ports, { kind: 'complaint', channel: 'email', email: PEOPLE.rahmat.email, subject: 'Iseng', aboutRequestId: requestId });
    const row = await db.ds.getRepository(RequestSchema).findOneByOrFail({ id: r.ok ? r.value.ticketId : '' });
    expect(JSON.parse(row.details)['aboutOfficer']).toBeUndefined();
  });
});
