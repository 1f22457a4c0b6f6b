import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerTicket } from '../../domain/use-cases/answer-ticket.ts';
import { resolveTicket } from '../../domain/use-cases/resolve-ticket.ts';
import { runOversightSweep } from '../../domain/use-cases/oversight-sweep.ts';
import { AuditSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV, openMailHarness, type MailHarness } from '../support/mail-harness.ts';
import { withDovecot } from '../support/services/dovecot.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';

const dovecot = withDovecot();
let h: MailHarness;
beforeEach(async () => {
  await dovecot().reset();
  h = await openMailHarness(dovecot().imapUrl);
});
afterEach(async () => { await h.close(); });

const budiWrites = (messageId: string, subject: string, text: string, from: string = PEOPLE.budi.email) => applicationMail({
  from, messageId, subject, text, authResults: { serverId: AUTHSERV, result: 'pass' },
});
const deliver = async (raw: Buffer) => {
  await appendToMailbox(dovecot().imapUrl, [raw]);
  return h.sync();
};
const ticket = async () => h.ds.getRepository(RequestSchema).findOneByOrFail({ kind: 'help' });
const followUps = () => h.ds.getRepository(OutboxSchema).findBy({ template: 'ticket-follow-up' });

/** "Ticket answered" invites the reporter to reply on the thread if the answer did not solve it (Pasal 22). */
describe('a reporter writing again on a ticket by mail', () => {
  it('puts an answered ticket back in the queue with fresh SLA clocks, acknowledges once per round, and reopens a resolved one', async () => {
    await deliver(await budiWrites('<tk-1@pontianak.go.id>', 'Bantuan: gagal tanda tangan dokumen', 'Tanda tangan elektronik saya gagal terus.'));
    const opened = await ticket();
    expect(opened.status).toBe('open');
    expect((await answerTicket(h.desk.ports, { ticketId: opened.id, officerTelegramId: OFFICERS.andi, answer: 'Coba masuk ulang ke aplikasi.' })).ok).toBe(true);
    expect(JSON.parse((await ticket()).details)).toHaveProperty('firstResponseAt');

    // "Still failing", on the thread: back to the queue, the first response owed again from now.
    const report = await deliver(await budiWrites('<tk-2@pontianak.go.id>', `Re: [${opened.id}] Jawaban petugas`, 'Sudah saya coba, masih gagal.'));
    expect(report).toMatchObject({ handled: 1, quarantined: 0 });
    const back = await ticket();
    expect(back.status).toBe('open');
    const details = JSON.parse(back.details) as Record<string, string>;
    expect(details['followUpAt']).toBeDefined();
    expect(details['firstResponseAt']).toBeUndefined();
    expect((await followUps()).map((r) => [r.recipient, JSON.parse(r.model).reopened])).toEqual([[PEOPLE.budi.email, 'yes']]);

    // A second message in the same round is kept with the ticket and not answered again.
    await deliver(await budiWrites('<tk-3@pontianak.go.id>', `Re: [${opened.id}] Jawaban petugas`, 'Tambahan: muncul kode 401.'));
    expect((await ticket()).status).toBe('open');
    expect(await followUps()).toHaveLength(1);

    // The round's own SLA: nobody answered the follow-up for days, so the first-response breach is alerted (again).
    const later = new Date(Date.parse(details['followUpAt']!) + 10 * 86_400_000);
    expect(await runOversightSweep(h.desk.ports, { now: later })).toMatchObject({ slaBreaches: 4 });
    const keys = (await h.ds.getRepository(OutboxSchema).findBy({ template: 'sla-breach' })).map((r) => r.dedupeKey);
    expect(keys.filter((k) => k.startsWith(`sla:first:${details['followUpAt']}:${opened.id}:`))).toHaveLength(2);

    // Answered, then resolved: a message after that reopens it, acknowledged as a new round.
    expect((await answerTicket(h.desk.ports, { ticketId: opened.id, officerTelegramId: OFFICERS.andi, answer: 'Sertifikat sudah diperbarui.' })).ok).toBe(true);
    expect((await resolveTicket(h.desk.ports, { ticketId: opened.id, officerTelegramId: OFFICERS.andi })).ok).toBe(true);
    await deliver(await budiWrites('<tk-4@pontianak.go.id>', `Re: [${opened.id}] Jawaban petugas`, 'Maaf, gagal lagi hari ini.'));
    expect((await ticket()).status).toBe('open');
    expect((await followUps()).map((r) => JSON.parse(r.model).reopened)).toEqual(['yes', 'yes']);
    const trail = await h.ds.getRepository(AuditSchema).find({ where: { action: 'ticket.follow_up' }, order: { seq: 'ASC' } });
    expect(trail.map((a) => a.outcome)).toEqual(['reopened:open', 'kept:open', 'reopened:open']);
    expect((await h.desk.auditLog.verify()).ok).toBe(true);
  });

  it('keeps a message on a ticket that is still open with it, acknowledged once, and refuses a colleague on the thread', async () => {
    await deliver(await budiWrites('<tk-5@pontianak.go.id>', 'Bantuan: token tidak terbaca', 'Token saya tidak terbaca.'));
    const opened = await ticket();
    await deliver(await budiWrites('<tk-6@pontianak.go.id>', `Re: [${opened.id}] Tiket diterima`, 'Saya pakai Windows 11.'));
    await deliver(await budiWrites('<tk-7@pontianak.go.id>', `Re: [${opened.id}] Tiket diterima`, 'Dan port USB 3.'));
    expect((await ticket()).status).toBe('open');
    expect((await followUps()).map((r) => JSON.parse(r.model))).toEqual([{ ticketId: opened.id, status: 'open', reopened: 'no' }]);

    await deliver(await budiWrites('<tk-8@pontianak.go.id>', `Re: [${opened.id}] Tiket diterima`, 'Saya rekan kerja Budi.', PEOPLE.siti.email));
    expect(await followUps()).toHaveLength(1);
    expect(await h.ds.getRepository(OutboxSchema).findOneBy({ template: 'thread-not-applicant' })).toMatchObject({ recipient: PEOPLE.siti.email });
  });
});
