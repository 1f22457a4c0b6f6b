import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { AuditSchema, CertificateReminderSchema, CertificateSchema, OutboxSchema, RosterSchema } from '../../storage/entities/schemas.ts';
import type { CertificateRow, OutboxRow } from '../../storage/entities/rows.ts';
import { createReminderStore, explainSweep } from '../../storage/repositories/reminder-store.ts';
import { sendReminders, type ReminderRunReport } from '../../domain/use-cases/send-reminders.ts';
import { DAY_MS, agencyKey, deskDate } from '../../domain/certificates/reminders.ts';
import type { ReminderStore } from '../../domain/ports/reminder-store.ts';
import { renderMail } from '../../mail/outbox/render-mail.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { DATABASES, openTestDatabase, type DatabaseKind, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, OFFICERS, PEOPLE, seedDesk } from '../support/storage-desk.ts';

/**
 * Expiry reminders (Pasal 17(2)) against real databases: certificates are seeded straight into the
 * `certificates` table for people on the roster, and `now` moves through a simulated year.
 */
const t = createTemplates();
const HOUR = 3_600_000;
const DISKOMINFO = 'Dinas Komunikasi dan Informatika';
const DINKES = 'Dinas Kesehatan';
const SITI_CHAT = '700001';

type Person = keyof typeof PEOPLE;

interface Fixture {
  readonly db: TestDatabase;
  readonly desk: ReturnType<typeof createTestDesk>;
  readonly store: ReminderStore;
  readonly personIds: Record<Person, string>;
}

async function openFixture(kind: DatabaseKind): Promise<Fixture> {
  const db = await openTestDatabase(kind);
  const desk = createTestDesk(db.ds, db.dataDir);
  await seedDesk(desk);
  // Budi works elsewhere, so the officers' digest has two agencies to roll up.
  await inWriteTransaction(db.ds, (qr) => qr.manager.getRepository(RosterSchema).update({ nip: PEOPLE.budi.nip }, { agency: DINKES }));
  const personIds = {} as Record<Person, string>;
  for (const name of Object.keys(PEOPLE) as Person[]) personIds[name] = (await desk.ports.roster.findByNip(PEOPLE[name].nip))!.personId;
  await desk.ports.uow.run((tx) => desk.ports.telegramBindings.bind({ telegramId: SITI_CHAT, chatId: SITI_CHAT, personId: personIds.siti, boundAt: '2025-12-01T00:00:00.000Z' }, tx));
  return { db, desk, store: createReminderStore(db.ds), personIds };
}

let serials = 0;
async function seedCertificate(f: Fixture, owner: string, notAfter: string, state: 'active' | 'revoked' = 'active'): Promise<string> {
  const id = randomUUID();
  const row: CertificateRow = {
    id, requestId: 'OP-2025-000001', ownerPersonId: owner, serial: `4F1A${String(++serials).padStart(8, '0')}`, issuer: 'BSrE',
    fingerprint: 'ab'.repeat(32), notBefore: '2024-01-01T00:00:00.000Z', notAfter, state, agreementAcceptedAt: null,
    agreementHash: null, deliveredAt: null, receiptConfirmedAt: null, revokedAt: state === 'revoked' ? '2025-06-01T00:00:00.000Z' : null,
    revocationReason: null, createdAt: '2024-01-01T00:00:00.000Z',
  };
  await inWriteTransaction(f.db.ds, (qr) => qr.manager.getRepository(CertificateSchema).insert(row));
  return id;
}

async function requestRenewal(f: Fixture, who: Person, at: Date): Promise<void> {
  const p = f.desk.ports;
  await p.uow.run(async (tx) => {
    const id = await p.cases.nextId('renewal', at.getUTCFullYear(), tx);
    await p.cases.create({
      id, kind: 'renewal', status: 'pending_review', channel: 'telegram',
      applicant: { personId: f.personIds[who], nip: PEOPLE[who].nip, email: PEOPLE[who].email, name: PEOPLE[who].name },
      applicantNik: null, certificateType: 'individual', uses: ['signature'], details: {}, checks: [], reviewRound: 1, createdAt: at.toISOString(),
    }, tx);
  });
}

/** `n` more people on the roster, all at Dinas Kesehatan, straight into the table. */
async function seedStaff(f: Fixture, n: number): Promise<string[]> {
  const owners: string[] = [];
  await inWriteTransaction(f.db.ds, async (qr) => {
    for (let i = 0; i < n; i++) {
      const personId = randomUUID();
      owners.push(personId);
      await qr.manager.getRepository(RosterSchema).insert({
        personId, nip: null, nikHmac: `hmac-${personId}`, nikEnc: `enc-${personId}`, name: `Pegawai ${i}`, email: `pegawai${i}@pontianak.go.id`,
        agency: DINKES, position: 'Staf', superiorNip: null, category: 'asn', active: true, updatedAt: '2026-01-01T00:00:00.000Z',
      });
    }
  });
  return owners;
}

/** Sends the Telegram outbox through the real sender to a recording API; returns what each chat got. */
async function drainTelegram(f: Fixture): Promise<Array<{ chat: string; text: string }>> {
  const messages: Array<{ chat: string; text: string }> = [];
  const api = { sendMessage: async (chat: string, text: string) => { messages.push({ chat, text }); return {}; } } as unknown as Api;
  const report = await drainTelegramOutbox(f.db.ds, api, t, () => new Date(Date.now() + HOUR));
  expect(report.failed).toBe(0);
  return messages;
}

interface QueuedReminder {
  readonly row: OutboxRow;
  readonly certificateId: string;
  readonly daysBefore: number;
}

async function queued(f: Fixture, template: 'reminder-expiry' | 'reminder-digest'): Promise<QueuedReminder[]> {
  const rows = await f.db.ds.getRepository(OutboxSchema).find({ where: { template }, order: { createdAt: 'ASC', dedupeKey: 'ASC' } });
  return rows.map((row) => {
    const model = JSON.parse(row.model) as { certificateId?: string; daysBefore?: number };
    return { row, certificateId: model.certificateId ?? '', daysBefore: model.daysBefore ?? 0 };
  });
}

/** `certificateId → "channel:days"` for every reminder queued, in the order they were queued. */
const byCertificate = (list: readonly QueuedReminder[]): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const q of list) out.set(q.certificateId, [...(out.get(q.certificateId) ?? []), `${q.row.channel}:${q.daysBefore}`]);
  return out;
};

const nothingNew = (r: ReminderRunReport) => ({ reminded: r.reminded, emails: r.emails, telegrams: r.telegrams, skipped: r.skipped, digests: r.digests });

describe.each(DATABASES)('expiry reminders on %s', (kind) => {
  describe('across a simulated year', () => {
    let f: Fixture;
    const certs = {} as Record<'siti' | 'budi' | 'andi' | 'rahmatOld' | 'rahmatNew' | 'sitiRevoked', string>;
    const notAfters: string[] = [];
    const reruns: ReminderRunReport[] = [];
    let sweeps = 0;
    let renewalAt: Date | null = null;

    beforeAll(async () => {
      f = await openFixture(kind);
      const seed = async (key: keyof typeof certs, who: Person, notAfter: string, state: 'active' | 'revoked' = 'active') => {
        certs[key] = await seedCertificate(f, f.personIds[who], notAfter, state);
        if (state === 'active') notAfters.push(notAfter);
      };
      await seed('siti', 'siti', '2026-04-15T17:00:00.000Z');
      await seed('budi', 'budi', '2026-07-01T05:00:00.000Z');
      await seed('andi', 'andi', '2026-09-10T17:00:00.000Z');
      await seed('rahmatOld', 'rahmat', '2026-06-01T17:00:00.000Z');
      await seed('rahmatNew', 'rahmat', '2028-06-01T17:00:00.000Z');
      await seed('sitiRevoked', 'siti', '2026-05-20T17:00:00.000Z', 'revoked');

      // Every morning at 08:00 WIB; a week at a time while no certificate is within 38 days of expiry
      // (30 days + the 7-day step + 1), so no threshold can be stepped over.
      const end = Date.parse('2027-01-01T01:00:00.000Z');
      for (let now = Date.parse('2026-01-01T01:00:00.000Z'); now < end;) {
        // Andi asks for renewal ten days before expiry, after his 30- and 14-day reminders.
        if (!renewalAt && now >= Date.parse('2026-08-31T01:00:00.000Z')) {
          renewalAt = new Date(now);
          await requestRenewal(f, 'andi', renewalAt);
        }
        await sendReminders(f.desk.ports, f.store, { now: new Date(now) });
        reruns.push(await sendReminders(f.desk.ports, f.store, { now: new Date(now) }));
        sweeps += 2;
        const busy = notAfters.some((n) => Date.parse(n) > now && Date.parse(n) - now <= 38 * DAY_MS);
        now += busy ? DAY_MS : 7 * DAY_MS;
      }
    }, 240_000);
    afterAll(async () => { await f?.db.close(); });

    it('sends each reminder (30, 14, 7, 1 days) exactly once, by e-mail and on Telegram when the owner bound an account', async () => {
      const sent = byCertificate(await queued(f, 'reminder-expiry'));
      expect(sent.get(certs.siti)).toEqual(['email:30', 'telegram:30', 'email:14', 'telegram:14', 'email:7', 'telegram:7', 'email:1', 'telegram:1']);
      expect(sent.get(certs.budi)).toEqual(['email:30', 'email:14', 'email:7', 'email:1']);
      const recorded = await f.db.ds.getRepository(CertificateReminderSchema).find({ where: { certificateId: certs.siti }, order: { daysBefore: 'DESC' } });
      expect(recorded.map((r) => r.daysBefore)).toEqual([30, 14, 7, 1]);
    });

    it('writes to the roster address and the bound chat, with serial, expiry and days left', async () => {
      const list = (await queued(f, 'reminder-expiry')).filter((q) => q.certificateId === certs.siti && q.daysBefore === 14);
      expect(list.map((q) => [q.row.channel, q.row.recipient])).toEqual([['email', PEOPLE.siti.email], ['telegram', SITI_CHAT]]);
      expect(JSON.parse(list[0]!.row.model)).toMatchObject({
        certificateId: certs.siti, serial: expect.stringMatching(/^4F1A\d{8}$/), notAfter: '2026-04-15T17:00:00.000Z',
        daysBefore: 14, daysLeft: 14, expiry: '16 April 2026', name: PEOPLE.siti.name,
      });
    });

    it('sends no reminder after the owner requested renewal', async () => {
      expect(renewalAt).not.toBeNull();
      const list = (await queued(f, 'reminder-expiry')).filter((q) => q.certificateId === certs.andi);
      expect(list.map((q) => `${q.row.channel}:${q.daysBefore}`)).toEqual(['email:30', 'email:14']);
      expect(JSON.parse(list.at(-1)!.row.model).asOf < renewalAt!.toISOString()).toBe(true);
    });

    it('sends none for a certificate whose owner holds a newer one, nor for a revoked one', async () => {
      const sent = byCertificate(await queued(f, 'reminder-expiry'));
      expect(sent.get(certs.rahmatOld)).toBeUndefined();
      expect(sent.get(certs.rahmatNew)).toBeUndefined();
      expect(sent.get(certs.sitiRevoked)).toBeUndefined();
      expect([...sent.keys()].sort()).toEqual([certs.siti, certs.budi, certs.andi].sort());
    });

    it('sends nothing new when run twice at the same moment', () => {
      expect(reruns.length).toBeGreaterThan(100);
      for (const r of reruns) expect(nothingNew(r)).toEqual({ reminded: 0, emails: 0, telegrams: 0, skipped: 0, digests: 0 });
    });

    it('rolls unanswered final reminders into one digest per agency per day for each officer on duty', async () => {
      const digests = (await queued(f, 'reminder-digest')).map((q) => q.row);
      // Siti (Diskominfo) and Budi (Dinas Kesehatan) ignored every reminder; Andi asked for renewal.
      expect(digests.map((d) => [JSON.parse(d.model).agency, d.recipient]).sort()).toEqual([
        [DINKES, OFFICERS.rahmat], [DINKES, OFFICERS.andi], [DISKOMINFO, OFFICERS.rahmat], [DISKOMINFO, OFFICERS.andi],
      ].sort());
      expect(digests.every((d) => d.channel === 'telegram')).toBe(true);
      const siti = digests.find((d) => JSON.parse(d.model).agency === DISKOMINFO)!;
      expect(siti.dedupeKey).toBe(`digest:${agencyKey(DISKOMINFO)}:2026-04-15:${siti.recipient}`);
      expect(JSON.parse(siti.model)).toMatchObject({ count: 1, items: [{ code: 'REMINDERS.DIGEST_ITEM', params: { name: PEOPLE.siti.name } }] });
    });

    it('writes one audit row per run, with counts and no personal data', async () => {
      const rows = await f.db.ds.getRepository(AuditSchema).find({ where: { action: 'reminders.run' } });
      expect(rows).toHaveLength(sweeps);
      expect(rows.filter((r) => r.outcome === 'reminded:1/email:1/telegram:1/skipped:0/unreachable:0/digest:2')).toHaveLength(1);
      expect(rows.every((r) => r.actor === 'system' && /^reminders:\d{4}-\d{2}-\d{2}$/.test(r.subject))).toBe(true);
      for (const r of rows) expect(r.outcome).not.toMatch(/@|[A-Z][a-z]+ [A-Z]/);
    });
  });

  describe('single sweeps', () => {
    let f: Fixture;
    beforeEach(async () => { f = await openFixture(kind); });
    afterEach(async () => { await f?.db.close(); });

    it('sends only the most urgent reminder after the job was down, and never the skipped ones later', async () => {
      const id = await seedCertificate(f, f.personIds.budi, '2026-03-10T17:00:00.000Z');
      const late = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-05T01:00:00.000Z') });
      expect(late).toMatchObject({ reminded: 1, emails: 1, skipped: 2 });
      await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-06T01:00:00.000Z') });
      await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T01:00:00.000Z') });
      expect(byCertificate(await queued(f, 'reminder-expiry')).get(id)).toEqual(['email:7', 'email:1']);
      const marks = await f.db.ds.getRepository(CertificateReminderSchema).find({ where: { certificateId: id }, order: { daysBefore: 'DESC' } });
      expect(marks.map((m) => [m.daysBefore, m.sentAt])).toEqual([
        [30, '2026-03-05T01:00:00.000Z'], [14, '2026-03-05T01:00:00.000Z'], [7, '2026-03-05T01:00:00.000Z'], [1, '2026-03-10T01:00:00.000Z'],
      ]);
    });

    it('sends each reminder once when two runners sweep at the same moment', async () => {
      const id = await seedCertificate(f, f.personIds.siti, '2026-03-20T17:00:00.000Z');
      const now = new Date('2026-03-10T01:00:00.000Z');
      const [a, b] = await Promise.all([sendReminders(f.desk.ports, f.store, { now }), sendReminders(f.desk.ports, f.store, { now })]);
      expect(a.reminded + b.reminded).toBe(1);
      expect(byCertificate(await queued(f, 'reminder-expiry')).get(id)).toEqual(['email:14', 'telegram:14']);
    });

    it('pages through certificates that share an expiry time without skipping or repeating one', async () => {
      const owners = await seedStaff(f, 7);
      const ids = [];
      for (const [i, owner] of owners.entries()) ids.push(await seedCertificate(f, owner, i < 4 ? '2026-03-20T17:00:00.000Z' : `2026-03-2${i - 3}T17:00:00.000Z`));
      const report = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-18T01:00:00.000Z'), batchSize: 2 });
      expect(report).toMatchObject({ scanned: 7, reminded: 7, emails: 7 });
      const sent = byCertificate(await queued(f, 'reminder-expiry'));
      for (const id of ids) expect(sent.get(id)).toEqual(['email:7']);
    });

    it('sends the digest once per agency per desk day (WIB), however often it runs', async () => {
      await seedCertificate(f, f.personIds.siti, '2026-03-11T15:00:00.000Z');
      await seedCertificate(f, f.personIds.budi, '2026-03-11T15:00:00.000Z');
      // 16:00 and 16:30 UTC are 23:00 and 23:30 WIB on 10 March; 17:30 UTC is 00:30 WIB on 11 March.
      const first = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T16:00:00.000Z') });
      const again = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T16:30:00.000Z') });
      const nextDay = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T17:30:00.000Z') });
      expect([first.digests, again.digests, nextDay.digests]).toEqual([4, 0, 4]);
      expect([first.agencies, again.agencies, nextDay.agencies]).toEqual([2, 2, 2]);
      const keys = (await queued(f, 'reminder-digest')).map((q) => q.row.dedupeKey.split(':').slice(0, 3).join(':'));
      expect(new Set(keys)).toEqual(new Set([DISKOMINFO, DINKES].flatMap((a) => ['2026-03-10', '2026-03-11'].map((d) => `digest:${agencyKey(a)}:${d}`))));
      expect(deskDate(new Date('2026-03-10T17:30:00.000Z'))).toBe('2026-03-11');
    });

    it('renders what it queues: the e-mail, the owner\'s Telegram message and the officers\' digest', async () => {
      await seedCertificate(f, f.personIds.siti, '2026-03-11T15:00:00.000Z');
      await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T16:00:00.000Z') });
      const mail = (await queued(f, 'reminder-expiry')).find((q) => q.row.channel === 'email')!;
      const rendered = renderMail(t, mail.row.template, JSON.parse(mail.row.model));
      expect(rendered.subject).toMatch(/^Pengingat perpanjangan: sertifikat elektronik nomor seri 4F1A\d{8} berakhir 11 Maret 2026$/);
      expect(rendered.text).toContain('Sertifikat elektronik Bapak/Ibu akan berakhir masa berlakunya dalam 1 hari');
      expect(rendered.text).toMatch(/^Yth\. Bapak\/Ibu Siti Aminah,/);

      const messages = await drainTelegram(f);
      expect(messages).toHaveLength(3);
      const owner = messages.find((m) => m.chat === SITI_CHAT)!;
      expect(owner.text).toMatch(/^⏰ Sertifikat elektronik Anda nomor seri 4F1A\d{8} berakhir pada 11 Maret 2026 \(1 hari lagi\)\. Ketuk Perpanjang/);
      const digest = messages.find((m) => m.chat === OFFICERS.andi)!;
      expect(digest.text).toContain(`— ${DISKOMINFO}, 10 Maret 2026`);
      expect(digest.text).toMatch(/\n1\. Siti Aminah — nomor seri 4F1A\d{8}, berakhir 11 Maret 2026\n/);
    });

    it('caps a digest at 30 lines and counts the rest, so it fits one Telegram message', async () => {
      for (const owner of await seedStaff(f, 33)) await seedCertificate(f, owner, '2026-03-11T15:00:00.000Z');
      const report = await sendReminders(f.desk.ports, f.store, { now: new Date('2026-03-10T16:00:00.000Z') });
      expect(report).toMatchObject({ reminded: 33, agencies: 1, digests: 2 });
      const digest = (await drainTelegram(f)).find((m) => m.chat === OFFICERS.rahmat)!;
      expect(digest.text).toContain('33 pemilik sertifikat sudah menerima pengingat terakhir');
      expect(digest.text).toMatch(/\n30\. Pegawai \d+ — nomor seri 4F1A\d{8}, berakhir 11 Maret 2026\n31\. dan 3 sertifikat lainnya/);
      expect(digest.text.length).toBeLessThan(4096);
    });

    it('queues outbox rows in bulk exactly as one at a time, and honours the dedupe keys', async () => {
      const note = (dedupeKey: string) => ({
        dedupeKey, channel: 'telegram' as const, recipient: SITI_CHAT, template: 'reminder-expiry', model: { serial: '4F1A00000001', daysLeft: 7 },
      });
      const [byNotifier, byStore, again] = await f.desk.ports.uow.run(async (tx) => [
        await f.desk.ports.notifier.enqueue(note('compare:notifier'), tx),
        await f.desk.ports.notifier.enqueueMany([note('compare:store'), note('compare:notifier')], tx),
        await f.desk.ports.notifier.enqueueMany([note('compare:store')], tx),
      ] as const);
      expect([byNotifier, byStore, again]).toEqual([true, [true, false], [false]]);
      const rows = await f.db.ds.getRepository(OutboxSchema).find({ order: { dedupeKey: 'ASC' } });
      const shape = ({ id: _id, messageId, dedupeKey: _k, createdAt: _c, nextAttemptAt: _n, ...rest }: OutboxRow) => ({ ...rest, messageId: messageId.replace(/^<[0-9a-f-]{36}@/, '<uuid@') });
      expect(rows).toHaveLength(2);
      expect(shape(rows[1]!)).toEqual(shape(rows[0]!));
      expect(rows[1]!.messageId).toBe(`<${rows[1]!.id}@pontianak.go.id>`);
    });

    it.runIf(kind === 'sqlite')('finds candidates by an index range seek, never a scan of certificates', async () => {
      const plan = await explainSweep(f.db.ds, { from: '2026-03-10T01:00:00.000Z', until: '2026-04-09T01:00:00.000Z' });
      const text = plan.join('\n');
      expect(text).toMatch(/SEARCH c USING INDEX ix_certificates_state_not_after \(state=\? AND not_after>\? AND not_after<\?\)/);
      expect(text).toMatch(/SEARCH n USING COVERING INDEX ix_certificates_owner_state_not_after/);
      expect(text).toMatch(/SEARCH q USING (COVERING )?INDEX ix_requests_applicant_person_kind_status/);
      expect(text).not.toMatch(/\bSCAN (c|n|q|r|b)\b/);
    });
  });
});
