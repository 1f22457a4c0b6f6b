import { describe, it, expect, afterEach } from 'vitest';
import { openBotHarness, bindTelegram, messageIdOf, type PlayedUser, spoofCallback, pressOn, type BotHarness } from '../support/bot-harness.ts';
import { OFFICERS, PEOPLE, seedPendingRequests } from '../support/storage-desk.ts';
import { AuditSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { drainTelegramOutbox } from '../../bot/outbox/send-telegram.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { DEFAULT_OVERSIGHT, type OversightSettings } from '../../domain/oversight/oversight-settings.ts';

/**
 * Incidents (Pasal 24), help tickets (Pasal 22) and complaints about officers (Pasal 9(7)) in the bot,
 * played through the Bot API emulator over HTTP.
 */
let h: BotHarness;
afterEach(async () => { await h?.close(); });

const SETTINGS: OversightSettings = {
  ...DEFAULT_OVERSIGHT, bsreSupportEmail: 'layanan@bsre.id',
  incidentRecipients: [
    { role: 'walikota', address: 'walikota@pontianak.go.id' }, { role: 'gubernur', address: 'gubernur@kalbarprov.go.id' },
    { role: 'bssn', address: 'kepala@bssn.go.id' }, { role: 'bsre', address: 'kepala@bsre.id' },
  ],
};
const SITI = 8100001;
const RAHMAT = Number(OFFICERS.rahmat);
const ANDI = Number(OFFICERS.andi);
const BUDI_MANAGER = 5550003;
type User = PlayedUser;
const idOf = messageIdOf;
const bind = (user: User, nip: string): Promise<number> => bindTelegram(h, user, nip);
const spoof = (user: User, data: string): void => spoofCallback(h, user, data);
const press = (user: User, text: RegExp, data: string): Promise<void> => pressOn(h, user, text, data);
const t = createTemplates();
const drain = () => drainTelegramOutbox(h.db.ds, h.api, t, () => new Date());
const outbox = (template: string) => h.db.ds.getRepository(OutboxSchema).find({ where: { template } });

describe('incidents in the bot (Pasal 24)', () => {
  it('alerts each officer once with Laporkan; one tap queues one report per addressee; a second tap and a non-officer send nothing', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    const menu = await bind(siti, PEOPLE.siti.nip);
    siti.pressButton(menu, 'menu:incident');
    await press(siti, /Insiden apa yang terjadi/, 'inc:key_lost_damaged');
    await h.reply(SITI, /Ceritakan insiden/);
    siti.sendText('Token kriptografi saya hilang bersama tas kerja.');
    const opened = await h.reply(SITI, /tercatat dengan nomor/);
    const id = /TK-\d{4}-\d{6}/.exec(String(opened.params['text']))![0];

    // Officers' chats exist before the outbox is drained (the emulator refuses unknown chats, as Telegram does).
    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    const andi = h.tg.user(ANDI, { first_name: 'Andi' });
    await drain();
    const alerts = [await h.reply(RAHMAT, /INSIDEN KEAMANAN/), await h.reply(ANDI, /INSIDEN KEAMANAN/)];
    for (const a of alerts) {
      expect(String(a.params['text'])).toContain('Pasal 24 ayat 3 huruf a');
      expect(JSON.stringify(a.params['reply_markup'])).toContain(`irep:${id}`);
    }
    const sentTo = (chat: number, re: RegExp) => h.tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.params['chat_id']) === chat && re.test(String(c.params['text'])));
    expect(sentTo(RAHMAT, /INSIDEN KEAMANAN/)).toHaveLength(1);
    await drain();
    expect(sentTo(ANDI, /INSIDEN KEAMANAN/)).toHaveLength(1);

    rahmat.pressButton(idOf(alerts[0]!), `irep:${id}`);
    await h.reply(RAHMAT, /diantrekan untuk 4 penerima/);
    andi.pressButton(idOf(alerts[1]!), `irep:${id}`);
    await h.reply(ANDI, /sudah dilaporkan pada/);
    spoof(siti, `irep:${id}`);
    await h.reply(SITI, /Hanya petugas OP/);
    expect((await outbox('incident-report')).map((m) => m.recipient).sort()).toEqual(SETTINGS.incidentRecipients.map((r) => r.address).sort());
    const refusals = (await h.db.ds.getRepository(AuditSchema).find({ where: { action: 'incident.report' } })).map((a) => `${a.actor} ${a.outcome}`);
    expect(refusals).toEqual([`officer:${RAHMAT} reported:4`, `officer:${ANDI} refused:INCIDENT.ALREADY_REPORTED`, `officer:${SITI} refused:TICKET.NOT_AN_OFFICER`]);
  });

  it('refuses a crafted category, opening nothing', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    await bind(siti, PEOPLE.siti.nip);
    spoof(siti, 'inc:constructor');
    await h.reply(SITI, /Kategori insiden tidak dikenal/);
    spoof(siti, 'cpl:OP-2026-000001');
    await h.reply(SITI, /OP-2026-000001 tidak ditemukan/);
    expect(await h.db.ds.getRepository(RequestSchema).count()).toBe(0);
  });
});

describe('help tickets in the bot (Pasal 22)', () => {
  async function helpTicket(): Promise<string> {
    const dewi = h.tg.user(8400001, { first_name: 'Dewi' });
    dewi.sendCommand('/start');
    await press(dewi, /NIP/, 'menu:help');
    await h.reply(8400001, /Tuliskan kendala/);
    dewi.sendText('Muncul pesan pengguna tidak terdaftar saat tanda tangan');
    return /TK-\d{4}-\d{6}/.exec(String((await h.reply(8400001, /tercatat dengan nomor/)).params['text']))![0];
  }

  async function openCard(officer: User, id: string): Promise<number> {
    officer.sendCommand('/cari', id);
    await press(officer, /Ditemukan/, `open:${id}`);
    return idOf(await h.reply(officer.id, /Batas tanggapan pertama/));
  }

  it('answers with a canned answer that reaches the user, and a crafted index sends nothing', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    const id = await helpTicket();
    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    const card = await openCard(rahmat, id);
    spoof(rahmat, `cna:99:${id}`);
    await h.reply(RAHMAT, /Jawaban tidak boleh kosong/);
    rahmat.pressButton(card, `cnd:${id}`);
    await press(rahmat, /Pilih jawaban siap pakai/, `cna:1:${id}`);
    await h.reply(RAHMAT, /tercatat dan dikirim/);
    await drain();
    await h.reply(8400001, /pengguna tidak terdaftar/);
    expect(await outbox('ticket-answered')).toHaveLength(1);
  });

  it('reclassifies a help ticket as an incident and escalates another to BSrE by e-mail', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    const id = await helpTicket();
    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    rahmat.pressButton(await openCard(rahmat, id), `esc:${id}`);
    await h.reply(RAHMAT, /dikirim ke BSrE/);
    expect((await outbox('help-escalation')).map((m) => m.recipient)).toEqual(['layanan@bsre.id']);
    const other = await helpTicket();
    rahmat.pressButton(await openCard(rahmat, other), `recl:${other}`);
    await press(rahmat, /Jadikan .* insiden keamanan/, `rcl:authenticity:${other}`);
    await h.reply(RAHMAT, /sekarang insiden keamanan/);
    expect((await h.db.ds.getRepository(RequestSchema).findOneByOrFail({ id: other })).kind).toBe('incident');
    expect((await outbox('incident-alert')).map((m) => m.recipient).sort()).toEqual([OFFICERS.andi, OFFICERS.rahmat].sort());
  });
});

describe('complaints about an officer in the bot (Pasal 9(7))', () => {
  it('an officer cannot find, open or list a complaint about themself; the Pengelola opens and forwards it', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    const added = await addOfficer(h.desk.ports, { telegramId: String(BUDI_MANAGER), nip: PEOPLE.budi.nip, role: 'manager', appointmentRef: '800/1/2026' });
    expect(added.ok).toBe(true);
    const [requestId] = await seedPendingRequests(h.desk, 1);
    await decideRequest(h.desk.ports, { requestId: requestId!, officerTelegramId: OFFICERS.andi, outcome: 'reject', reasons: ['Berkas tidak terbaca'] });

    const siti = h.tg.user(SITI, { first_name: 'Siti' });
    const menu = await bind(siti, PEOPLE.siti.nip);
    siti.pressButton(menu, 'menu:complaint');
    await press(siti, /Pengaduan Anda tentang apa/, `cpl:${requestId}`);
    await h.reply(SITI, /Tuliskan pengaduan/);
    siti.sendText('Permohonan saya ditolak tanpa penjelasan yang jelas.');
    const id = /TK-\d{4}-\d{6}/.exec(String((await h.reply(SITI, /tercatat dengan nomor/)).params['text']))![0];

    const andi = h.tg.user(ANDI, { first_name: 'Andi' });
    andi.sendCommand('/cari', id);
    await h.reply(ANDI, /Tidak ditemukan/);
    andi.sendCommand('/antrian');
    const queue = await h.reply(ANDI, /Antrian permohonan/);
    expect(JSON.stringify(queue.params['reply_markup'])).not.toContain(id);
    spoof(andi, `open:${id}`);
    await h.reply(ANDI, new RegExp(`Tiket ${id} tidak ditemukan`));
    spoof(andi, `ans:${id}`);
    await h.reply(ANDI, /Ketik jawaban/);
    andi.sendText('Pengadu keliru.');
    await h.reply(ANDI, /tidak ditemukan/);
    const audit = (await h.db.ds.getRepository(AuditSchema).find()).filter((a) => a.actor === `officer:${ANDI}` && a.outcome.startsWith('refused:'));
    expect(audit.map((a) => `${a.action} ${a.outcome}`).sort()).toEqual(['officer.open refused:TICKET.NOT_FOUND', 'ticket.answer refused:ANSWER.NOT_FOUND']);
    expect(await outbox('ticket-answered')).toHaveLength(0);

    const budi = h.tg.user(BUDI_MANAGER, { first_name: 'Budi' });
    await drain();
    const alert = await h.reply(BUDI_MANAGER, /tentang petugas OP/);
    expect(h.tg.calls.some((c) => c.method === 'sendMessage' && Number(c.params['chat_id']) === ANDI && /tentang petugas OP/.test(String(c.params['text'])))).toBe(false);
    budi.pressButton(idOf(alert), `open:${id}`);
    const card = await h.reply(BUDI_MANAGER, /Tentang petugas yang menangani/);
    expect(JSON.stringify(card.params['reply_markup'])).toContain(`fwd:${id}`);
    budi.pressButton(idOf(card), `fwd:${id}`);
    await h.reply(BUDI_MANAGER, /diteruskan kepada 2 penerima/);
    expect((await outbox('complaint-forward')).map((m) => m.recipient).sort()).toEqual(['kepala@bsre.id', 'walikota@pontianak.go.id']);
  });
});

describe('/kebutuhan (Pasal 10(2)-(3))', () => {
  it('takes an agency admin\'s counts, refuses bad ones and non-admins writing nothing, and ranks them for the Pengelola', async () => {
    h = await openBotHarness({ oversight: SETTINGS });
    for (const [id, nip, role] of [['5550010', PEOPLE.siti.nip, 'agency_admin'], [String(BUDI_MANAGER), PEOPLE.budi.nip, 'manager']] as const) {
      expect((await addOfficer(h.desk.ports, { telegramId: id, nip, role, appointmentRef: `800/${id}/2026` })).ok).toBe(true);
    }
    const admin = h.tg.user(5550010, { first_name: 'Siti' });
    admin.sendCommand('/kebutuhan');
    await h.reply(5550010, /misalnya \/kebutuhan 10 2 1/);
    admin.sendCommand('/kebutuhan', '10 dua 1');
    await h.reply(5550010, /tidak dapat dibaca; tidak ada yang dicatat/);
    const rahmat = h.tg.user(RAHMAT, { first_name: 'Rahmat' });
    rahmat.sendCommand('/kebutuhan', '1 1 1');
    await h.reply(RAHMAT, /Hanya admin perangkat daerah/);
    const budi = h.tg.user(BUDI_MANAGER, { first_name: 'Budi' });
    budi.sendCommand('/kebutuhan');
    await h.reply(BUDI_MANAGER, /Belum ada perangkat daerah/);
    admin.sendCommand('/kebutuhan', '10 2 1');
    await h.reply(5550010, /Dinas Komunikasi dan Informatika tahun \d{4} tercatat.*total 13/);
    budi.sendCommand('/kebutuhan');
    const ranked = await h.reply(BUDI_MANAGER, /diurutkan menurut jumlah/);
    expect(String(ranked.params['text'])).toMatch(/1\. Dinas Komunikasi dan Informatika — 13 \(individu 10, jabatan 2, sistem 1\)/);
    rahmat.sendCommand('/kebutuhan');
    await h.reply(RAHMAT, /Hanya admin perangkat daerah/);
    const rows = await h.db.ds.query('SELECT COUNT(*) AS n FROM needs_inventory') as Array<{ n: number }>;
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
