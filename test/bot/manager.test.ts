import { describe, it, expect, afterEach } from 'vitest';
import { openBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { PEOPLE, OFFICERS } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import type { SettledCall } from '../support/bot-api-emulator.ts';
import { AuditSchema, BotSessionSchema, OfficerSchema, OutsiderPermitSchema } from '../../storage/entities/schemas.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';

let h: BotHarness;
afterEach(async () => { await h?.close(); });

/** Budi is the Pengelola (Kepala Diskominfo) in these tests; Rahmat and Andi are plain officers. */
const BUDI_TG = 5550003;
const SITI_TG = 8100001;
const RAHMAT_TG = Number(OFFICERS.rahmat);
/** A "pihak lain": not on the roster, a dinas address, a well-formed NIK (female, born 15-05-1995). */
const OUTSIDER = { email: 'rina.wati@pontianak.go.id', nik: '6171015505950001', name: 'Rina Wati', ref: '800/45/DISKOMINFO/2026' };

const idOf = (call: SettledCall): number => (call.response as { result: { message_id: number } }).result.message_id;
const textOf = (call: SettledCall): string => String(call.params['text']);
/** The callback data of the ✅ or ✖️ button of a confirmation (it carries a per-question token). */
const dataOf = (call: SettledCall, choice: 'yes' | 'no'): string =>
  ((call.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard).flat()
    .map((b) => b.callback_data).find((d) => d.startsWith(`mgr:${choice}:`))!;
const pressConfirm = (user: { pressButton(id: number, data: string): unknown }, call: SettledCall, choice: 'yes' | 'no'): unknown =>
  user.pressButton(idOf(call), dataOf(call, choice));

async function openWithManager(): Promise<BotHarness> {
  const harness = await openBotHarness();
  const r = await addOfficer(harness.desk.ports, { telegramId: String(BUDI_TG), nip: PEOPLE.budi.nip, role: 'manager', appointmentRef: '800/1/SETDA/2026' });
  if (!r.ok) throw new Error(r.code);
  return harness;
}

const officerRows = async () => (await h.db.ds.getRepository(OfficerSchema).find({ order: { telegramId: 'ASC' } }))
  .map((o) => ({ telegramId: o.telegramId, role: o.role, active: Boolean(o.active) }));
const auditRows = () => h.db.ds.getRepository(AuditSchema).find();

/** Every text the bot sent or edited to anyone. */
const everythingSaid = (): string => JSON.stringify(h.tg.calls.map((c) => c.params['text'] ?? ''));

describe('the Pengelola in the bot (Pasal 8(2), 9(4))', () => {
  it('appoints an officer who can then open the queue, and removes them, after which they cannot', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    const siti = h.tg.user(SITI_TG, { first_name: 'Siti' });

    siti.sendCommand('/antrian');
    await h.reply(SITI_TG, /Hanya petugas OP/);

    budi.sendCommand('/angkat', `${SITI_TG} ${PEOPLE.siti.nip} petugas 800/77/DISKOMINFO/2026`);
    const ask = await h.reply(BUDI_TG, /Angkat Siti Aminah/);
    expect(textOf(ask)).toContain('Petugas OP');
    expect(textOf(ask)).toContain('800/77/DISKOMINFO/2026');
    expect((await officerRows()).some((o) => o.telegramId === String(SITI_TG))).toBe(false);
    pressConfirm(budi, ask, 'yes');
    await h.reply(BUDI_TG, /Siti Aminah ditetapkan sebagai Petugas OP/);
    expect(await officerRows()).toContainEqual({ telegramId: String(SITI_TG), role: 'officer', active: true });

    siti.sendCommand('/antrian');
    await h.reply(SITI_TG, /Antrian permohonan/);

    budi.sendCommand('/petugas');
    const list = await h.reply(BUDI_TG, /Petugas OP dan Pengelola/);
    for (const name of ['Siti Aminah', 'Rahmat Hidayat', 'Andi Pratama', 'Budi Santoso']) expect(textOf(list)).toContain(name);

    budi.sendCommand('/berhentikan', String(SITI_TG));
    const confirmRemove = await h.reply(BUDI_TG, /Berhentikan Siti Aminah/);
    pressConfirm(budi, confirmRemove, 'yes');
    await h.reply(BUDI_TG, /diberhentikan/);
    expect(await officerRows()).toContainEqual({ telegramId: String(SITI_TG), role: 'officer', active: false });

    siti.sendCommand('/antrian');
    await h.reply(SITI_TG, /Hanya petugas OP/);

    const audit = await auditRows();
    expect(audit.filter((a) => a.actor === `officer:${BUDI_TG}`).map((a) => [a.action, a.subject, a.outcome]))
      .toEqual([['officer.add', `officer:${SITI_TG}`, 'officer'], ['officer.remove', `officer:${SITI_TG}`, 'removed']]);
  });

  it('changes nothing when the Pengelola presses Batal, and treats a second press as stale', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    const before = await officerRows();
    budi.sendCommand('/berhentikan', OFFICERS.andi);
    const ask = await h.reply(BUDI_TG, /Berhentikan Andi Pratama/);
    pressConfirm(budi, ask, 'no');
    await h.reply(BUDI_TG, /Dibatalkan/);
    // The buttons are gone from the message; a crafted client can still send the data.
    h.tg.injectUpdate({
      update_id: 970001,
      callback_query: { id: 'stale-1', from: budi.from, chat_instance: 'x', data: dataOf(ask, 'yes'), message: { message_id: idOf(ask), date: 0, chat: budi.chat, text: 'x' } },
    });
    await h.reply(BUDI_TG, /sudah tidak berlaku/);
    expect(await officerRows()).toEqual(before);
  });

  it('does not let the button of an older question confirm a newer one', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    budi.sendCommand('/berhentikan', OFFICERS.andi);
    const first = await h.reply(BUDI_TG, /Berhentikan Andi Pratama/);
    budi.sendCommand('/berhentikan', OFFICERS.rahmat);
    await h.reply(BUDI_TG, /Berhentikan Rahmat Hidayat/);
    pressConfirm(budi, first, 'yes');
    await h.reply(BUDI_TG, /sudah tidak berlaku/);
    expect((await officerRows()).every((o) => o.active)).toBe(true);
  });

  it('refuses to remove or demote the last active Pengelola', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    budi.sendCommand('/berhentikan', String(BUDI_TG));
    await h.reply(BUDI_TG, /satu-satunya Pengelola/);
    budi.sendCommand('/angkat', `${BUDI_TG} ${PEOPLE.budi.nip} petugas 800/2/2026`);
    await h.reply(BUDI_TG, /satu-satunya Pengelola/);
    expect(await officerRows()).toContainEqual({ telegramId: String(BUDI_TG), role: 'manager', active: true });

    // With a second Pengelola appointed, Budi may step down.
    budi.sendCommand('/angkat', `${SITI_TG} ${PEOPLE.siti.nip} pengelola 800/3/SETDA/2026`);
    pressConfirm(budi, await h.reply(BUDI_TG, /Angkat Siti Aminah/), 'yes');
    await h.reply(BUDI_TG, /ditetapkan sebagai Pengelola/);
    budi.sendCommand('/berhentikan', String(BUDI_TG));
    pressConfirm(budi, await h.reply(BUDI_TG, /Berhentikan Budi Santoso/), 'yes');
    await h.reply(BUDI_TG, /diberhentikan/);
    budi.sendCommand('/petugas');
    await h.reply(BUDI_TG, /Hanya Pengelola/);
  });

  it.each([
    ['a Telegram username instead of the numeric id', `@siti ${PEOPLE.siti.nip} petugas 800/1/2026`, /bukan nama pengguna/],
    ['a malformed NIP', `${SITI_TG} 19900725 petugas 800/1/2026`, /NIP harus terdiri dari 18 digit/],
    ['an unknown role', `${SITI_TG} ${PEOPLE.siti.nip} admin_super 800/1/2026`, /peran "admin_super" tidak dikenal/],
    ['no appointment letter', `${SITI_TG} ${PEOPLE.siti.nip} petugas`, /surat penunjukan \(SK\) petugas wajib diisi/],
    ['someone not on the roster', `${SITI_TG} 199501012020121001 petugas 800/1/2026`, /tidak ada di daftar ASN/],
    ['nothing at all', '', /Cara pakai: \/angkat/],
  ])('refuses /angkat with %s and writes nothing', async (_case, args, expected) => {
    h = await openWithManager();
    const before = await officerRows();
    const auditBefore = (await auditRows()).length;
    h.tg.user(BUDI_TG, { first_name: 'Budi' }).sendCommand('/angkat', args);
    const reply = await h.reply(BUDI_TG, expected);
    expect(JSON.stringify(reply.params['reply_markup'] ?? '')).not.toContain('mgr:yes');
    expect(await officerRows()).toEqual(before);
    expect(await auditRows()).toHaveLength(auditBefore);
  });

  it.each([
    ['a username', '@andi', /bukan nama pengguna/],
    ['an id that is no officer', '123456789', /tidak ada petugas aktif/],
    ['nothing', '', /Cara pakai: \/berhentikan/],
  ])('refuses /berhentikan with %s and writes nothing', async (_case, args, expected) => {
    h = await openWithManager();
    const before = await officerRows();
    h.tg.user(BUDI_TG, { first_name: 'Budi' }).sendCommand('/berhentikan', args);
    await h.reply(BUDI_TG, expected);
    expect(await officerRows()).toEqual(before);
  });
});

describe('"pihak lain" allowed by the Pengelola (Pasal 13(1)c)', () => {
  it('allows a pihak lain: the NIK message is deleted, the NIK shown masked only, and they can then apply; a revoked permit no longer counts', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    const sent = budi.sendCommand('/izinkan', `${OUTSIDER.email} ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`);
    const deleted = await h.tg.waitForCall('deleteMessage');
    expect(Number(deleted.params['message_id'])).toBe(sent.message!.message_id);
    const ask = await h.reply(BUDI_TG, /Izinkan pihak lain/);
    expect(textOf(ask)).toContain('6171********0001');
    expect(textOf(ask)).toContain(OUTSIDER.name);
    expect(await h.db.ds.getRepository(OutsiderPermitSchema).count()).toBe(0);
    pressConfirm(budi, ask, 'yes');
    await h.reply(BUDI_TG, /Izin tercatat: Rina Wati/);

    const [permit] = await h.db.ds.getRepository(OutsiderPermitSchema).find();
    expect(permit).toMatchObject({ email: OUTSIDER.email, name: OUTSIDER.name, reference: OUTSIDER.ref, grantedBy: `officer:${BUDI_TG}`, revokedAt: null });
    expect(permit!.nikHmac).toBe(h.desk.ports.hasher.nikLookup(OUTSIDER.nik));
    const audit = await auditRows();
    expect(audit.find((a) => a.action === 'outsider.allow')).toMatchObject({ actor: `officer:${BUDI_TG}`, subject: `permit:${permit!.id}`, outcome: 'allowed' });

    // The NIK is nowhere in clear: not in what the bot said, the audit log, the permit or the chat state.
    expect(everythingSaid()).not.toContain(OUTSIDER.nik);
    expect(JSON.stringify(audit)).not.toContain(OUTSIDER.nik);
    expect(JSON.stringify(await h.db.ds.getRepository(OutsiderPermitSchema).find())).not.toContain(OUTSIDER.nik);
    expect(JSON.stringify(await h.db.ds.getRepository(BotSessionSchema).find())).not.toContain(OUTSIDER.nik);
    expect(h.tg.history(BUDI_TG).some((m) => (m.text ?? '').includes(OUTSIDER.nik))).toBe(false);

    budi.sendCommand('/pihaklain');
    expect(textOf(await h.reply(BUDI_TG, /Pihak lain yang diizinkan/))).toContain(OUTSIDER.email);

    const apply = () => submitApplication(h.desk.ports, {
      channel: 'email', email: OUTSIDER.email, nik: OUTSIDER.nik, nip: null, name: OUTSIDER.name, certificateType: 'individual', uses: [],
      documents: [
        { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
        { kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() },
        { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
      ],
    });
    const allowed = await apply();
    expect(allowed.ok && allowed.value.status).toBe('pending_review');

    budi.sendCommand('/cabutizin', OUTSIDER.email);
    pressConfirm(budi, await h.reply(BUDI_TG, /Cabut izin pihak lain Rina Wati/), 'yes');
    await h.reply(BUDI_TG, /dicabut/);
    const after = await apply();
    expect(after.ok && after.value.checks.find((c) => c.rule === 'roster')?.code).toBe('VERIFY.NOT_ON_ROSTER');
    expect((await auditRows()).find((a) => a.action === 'outsider.revoke')).toMatchObject({ actor: `officer:${BUDI_TG}`, subject: `permit:${permit!.id}` });
  });

  it('reads a NIK typed in groups of digits', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    budi.sendCommand('/izinkan', `${OUTSIDER.email} 6171 0155 0595 0001 ${OUTSIDER.ref} ${OUTSIDER.name}`);
    pressConfirm(budi, await h.reply(BUDI_TG, /6171\*{8}0001/), 'yes');
    await h.reply(BUDI_TG, /Izin tercatat/);
    expect(await h.desk.ports.permits.isPermitted(OUTSIDER.email, h.desk.ports.hasher.nikLookup(OUTSIDER.nik))).toBe(true);
  });

  it.each([
    ['a malformed e-mail address', `rina.wati ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`, /Alamat e-mail tidak valid/],
    ['a non-dinas address', `rina@gmail.com ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`, /e-mail dinas Pemerintah Kota Pontianak/],
    ['a NIK of 15 digits', `${OUTSIDER.email} 617101550595000 ${OUTSIDER.ref} ${OUTSIDER.name}`, /16 digit angka; yang Anda kirim 15/],
    ['a NIK with an impossible birth date', `${OUTSIDER.email} 6171019913950001 ${OUTSIDER.ref} ${OUTSIDER.name}`, /tanggal lahir/],
    ['no name', `${OUTSIDER.email} ${OUTSIDER.nik} ${OUTSIDER.ref}`, /Nama lengkap pihak lain wajib diisi/],
    ['no reference and no name', `${OUTSIDER.email} ${OUTSIDER.nik}`, /Nomor surat atau dasar pemberian izin wajib diisi/],
    ['an ASN on the roster', `${PEOPLE.siti.email} ${OUTSIDER.nik} ${OUTSIDER.ref} Siti`, /milik ASN di daftar ASN/],
    ['nothing', '', /Cara pakai: \/izinkan/],
    ['an address only', OUTSIDER.email, /Cara pakai: \/izinkan/],
  ])('refuses /izinkan with %s, deletes the message and writes nothing', async (_case, args, expected) => {
    h = await openWithManager();
    const auditBefore = (await auditRows()).length;
    const sent = h.tg.user(BUDI_TG, { first_name: 'Budi' }).sendCommand('/izinkan', args);
    const reply = await h.reply(BUDI_TG, expected);
    expect(Number((await h.tg.waitForCall('deleteMessage')).params['message_id'])).toBe(sent.message!.message_id);
    expect(textOf(reply)).not.toMatch(/\d{15,16}/);
    expect(await h.db.ds.getRepository(OutsiderPermitSchema).count()).toBe(0);
    expect(await auditRows()).toHaveLength(auditBefore);
  });

  it('takes /izinkan in a private chat only: in a group the message is deleted and nothing is shown or written', async () => {
    h = await openWithManager();
    const group = h.tg.group(-100777, { title: 'Pimpinan Diskominfo' });
    const sent = h.tg.user(BUDI_TG, { first_name: 'Budi' }).in(group).sendCommand('/izinkan', `${OUTSIDER.email} ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`);
    const reply = await h.reply(-100777, /percakapan pribadi/);
    expect(Number((await h.tg.waitForCall('deleteMessage')).params['message_id'])).toBe(sent.message!.message_id);
    expect(textOf(reply)).not.toContain(OUTSIDER.email);
    expect(await h.db.ds.getRepository(OutsiderPermitSchema).count()).toBe(0);
  });

  it('refuses a second permit for the same address and a revocation of none', async () => {
    h = await openWithManager();
    const budi = h.tg.user(BUDI_TG, { first_name: 'Budi' });
    budi.sendCommand('/cabutizin', OUTSIDER.email);
    await h.reply(BUDI_TG, /Tidak ada izin pihak lain yang berlaku/);
    budi.sendCommand('/izinkan', `${OUTSIDER.email} ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`);
    pressConfirm(budi, await h.reply(BUDI_TG, /Izinkan pihak lain/), 'yes');
    await h.reply(BUDI_TG, /Izin tercatat/);
    budi.sendCommand('/izinkan', `${OUTSIDER.email} ${OUTSIDER.nik} 800/46/2026 ${OUTSIDER.name}`);
    await h.reply(BUDI_TG, /sudah memiliki izin pihak lain/);
    expect(await h.db.ds.getRepository(OutsiderPermitSchema).count()).toBe(1);
  });
});

describe('everyone but the Pengelola', () => {
  const COMMANDS: ReadonlyArray<[string, string, string]> = [
    ['/petugas', '', 'officer.list'],
    ['/angkat', `${SITI_TG} ${PEOPLE.siti.nip} pengelola 800/9/2026`, 'officer.add'],
    ['/berhentikan', OFFICERS.andi, 'officer.remove'],
    ['/izinkan', `${OUTSIDER.email} ${OUTSIDER.nik} ${OUTSIDER.ref} ${OUTSIDER.name}`, 'outsider.allow'],
    ['/pihaklain', '', 'outsider.list'],
    ['/cabutizin', OUTSIDER.email, 'outsider.revoke'],
  ];

  it.each([
    ['a plain officer', RAHMAT_TG, undefined],
    ['an unbound user', 8200001, undefined],
    ['someone using the Pengelola\'s username', 8200002, 'budi_kadis'],
  ])('refuses every Pengelola command and button to %s, audits each, and still deletes a NIK', async (_who, id, username) => {
    h = await openWithManager();
    const before = await officerRows();
    const u = h.tg.user(id, { first_name: 'Budi', ...(username ? { username } : {}) });
    for (const [command, args] of COMMANDS) {
      const sent = u.sendCommand(command, args);
      await h.reply(id, /Hanya Pengelola/);
      if (command === '/izinkan') expect(Number((await h.tg.waitForCall('deleteMessage')).params['message_id'])).toBe(sent.message!.message_id);
    }
    // A confirm button the bot never showed them: a crafted client can still send its data.
    h.tg.injectUpdate({
      update_id: 980000 + id % 1000,
      callback_query: { id: `spoof-${id}`, from: u.from, chat_instance: 'x', data: 'mgr:yes:0123456789ab', message: { message_id: 1, date: 0, chat: u.chat, text: 'x' } },
    });
    await h.reply(id, /Hanya Pengelola/);

    expect(await officerRows()).toEqual(before);
    expect(await h.db.ds.getRepository(OutsiderPermitSchema).count()).toBe(0);
    const refusals = (await auditRows()).filter((a) => a.actor === `officer:${id}` && a.outcome === 'refused:NOT_A_MANAGER');
    expect(refusals.map((a) => a.action).sort()).toEqual([...COMMANDS.map(([, , action]) => action), 'manager.confirm'].sort());
    expect(JSON.stringify(await auditRows())).not.toContain(OUTSIDER.nik);
    expect(everythingSaid()).not.toContain(OUTSIDER.nik);
  });

  it('refuses GroupAnonymousBot (1087968824) and Telegram\'s service account (777000) in a group, audited as system', async () => {
    h = await openWithManager();
    const before = await officerRows();
    const group = h.tg.group(-100555, { title: 'OP Diskominfo' });
    group.anonymousAdmin.sendCommand('/angkat', `${SITI_TG} ${PEOPLE.siti.nip} pengelola 800/9/2026`);
    await h.reply(-100555, /Hanya Pengelola/);
    group.telegramService.sendCommand('/berhentikan', OFFICERS.andi);
    await h.reply(-100555, /Hanya Pengelola/);
    expect(await officerRows()).toEqual(before);
    const refusals = (await auditRows()).filter((a) => a.outcome === 'refused:NOT_A_MANAGER');
    expect(refusals.map((a) => [a.actor, a.action])).toEqual([['system', 'officer.add'], ['system', 'officer.remove']]);
  });
});
