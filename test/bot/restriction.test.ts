import { afterEach, describe, expect, it } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { seedIssuedCertificate } from '../support/certificates.ts';
import { RequestSchema } from '../../storage/entities/schemas.ts';
import { setProcessingRestriction } from '../../domain/use-cases/restrict-processing.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { createTemplates } from '../../templates/catalog.ts';

/** A restriction of processing (UU 27/2022 Pasal 11) as the owner meets it in the bot. */
let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SITI = 8100001;
const t = createTemplates();
const idOf = (c: { response?: unknown }) => (c.response as { result: { message_id: number } }).result.message_id;

describe('restriction of processing in the bot', () => {
  it('answers a renewal with the restriction message and records nothing; after lifting, the renewal goes through', async () => {
    h = await openBotHarness({ sandboxCa: true });
    const cert = await seedIssuedCertificate(h.desk, h.ca!, 'siti', { channel: 'telegram', chatId: String(SITI) });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    siti.sendCommand('/start');
    await h.reply(SITI, /NIP/);
    siti.sendText(PEOPLE.siti.nip);
    await h.reply(SITI, /Kode verifikasi telah dikirim/);
    siti.sendText(await h.lastCode());
    const menu = idOf(await h.reply(SITI, /sudah terhubung/));
    const requests = await h.db.ds.getRepository(RequestSchema).count();

    expect(await setProcessingRestriction(h.desk.ports, { personId: cert.personId, by: SYSTEM_ACTOR, lift: false })).toMatchObject({ ok: true });
    siti.pressButton(menu, 'menu:renew');
    siti.pressButton(idOf(await h.reply(SITI, /pilih sertifikat yang akan diperbarui/)), `renew:${cert.certificateId}`);
    const refused = await h.reply(SITI, /dibatasi/);
    expect(String(refused.params['text'])).toContain(t.message('RENEW.RESTRICTED'));
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(requests);

    expect(await setProcessingRestriction(h.desk.ports, { personId: cert.personId, by: SYSTEM_ACTOR, lift: true })).toMatchObject({ ok: true });
    siti.pressButton(menu, 'menu:renew');
    siti.pressButton(idOf(await h.reply(SITI, /pilih sertifikat yang akan diperbarui/)), `renew:${cert.certificateId}`);
    await h.reply(SITI, /Permohonan pembaruan OP-\d{4}-\d{6}/);
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(requests + 1);
  });
});
