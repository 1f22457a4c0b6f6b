import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE } from '../support/storage-desk.ts';
import { AuditSchema, CertificateSchema } from '../../storage/entities/schemas.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { createTemplates } from '../../templates/catalog.ts';

const t = createTemplates();
let h: BotHarness;
afterEach(async () => { await h?.close(); });

const RAHMAT_TG = Number(OFFICERS.rahmat);
const STRANGER_TG = 8100042;
const DAY = 86_400_000;

/** A certificate for one of PEOPLE, valid from yesterday for a year, or already revoked. */
async function certify(who: keyof typeof PEOPLE, revoked = false): Promise<void> {
  const person = await h.desk.ports.roster.findByNip(PEOPLE[who].nip);
  const now = Date.now();
  await inWriteTransaction(h.db.ds, (qr) => qr.manager.insert(CertificateSchema, {
    id: randomUUID(), requestId: 'OP-2026-000001', ownerPersonId: person!.personId, serial: randomUUID().slice(0, 12).toUpperCase(), issuer: 'BSrE',
    fingerprint: 'ab'.repeat(32), notBefore: new Date(now - DAY).toISOString(), notAfter: new Date(now + 365 * DAY).toISOString(),
    state: revoked ? 'revoked' : 'active', agreementAcceptedAt: null, agreementHash: null, deliveredAt: null, receiptConfirmedAt: null,
    revokedAt: revoked ? new Date(now - 3_600_000).toISOString() : null, revocationReason: revoked ? 'keyCompromise' : null, createdAt: new Date(now - DAY).toISOString(),
  }));
}

describe('/laporan in the bot (Pasal 13(3), 23)', () => {
  it('shows officers the coverage table: ASN on the roster with a certificate valid now, per agency', async () => {
    h = await openBotHarness();
    await certify('siti');
    await certify('budi', true); // revoked an hour ago: not covered
    const asn = Object.keys(PEOPLE).length;
    h.tg.user(RAHMAT_TG, { first_name: 'Rahmat' }).sendCommand('/laporan');
    const reply = String((await h.reply(RAHMAT_TG, /Cakupan sertifikat/)).params['text']);
    const percent = `${new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.round(1000 / asn) / 10)} %`;
    expect(reply).toContain(t.message('REPORT.BOT_LINE', { agency: 'Dinas Komunikasi dan Informatika', covered: 1, asn, percent }));
    expect(reply).toContain(t.message('REPORT.BOT_TOTAL', { covered: 1, asn, percent }));
    // Aggregates only: no names, NIPs or addresses.
    for (const p of Object.values(PEOPLE)) {
      expect(reply).not.toContain(p.name);
      expect(reply).not.toContain(p.nip);
      expect(reply).not.toContain(p.email);
    }
    expect(h.errors).toEqual([]);
  });

  it('refuses everyone else, and audits the attempt', async () => {
    h = await openBotHarness();
    h.tg.user(STRANGER_TG, { first_name: 'Rahmat', username: 'rahmat_op' }).sendCommand('/laporan');
    const refusal = await h.reply(STRANGER_TG);
    expect(refusal.params['text']).toBe(t.message('DECISION.NOT_AN_OFFICER'));
    const audit = await h.db.ds.getRepository(AuditSchema).findBy({ action: 'officer.report' });
    expect(audit.map((a) => [a.actor, a.outcome])).toEqual([[`officer:${STRANGER_TG}`, 'refused:NOT_AN_OFFICER']]);
    expect(JSON.stringify(h.tg.calls.map((c) => c.params['text'] ?? ''))).not.toContain('Cakupan sertifikat');
  });
});
