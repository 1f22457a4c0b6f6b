import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import type { SettledCall } from '../../devtools/bot-api-emulator.ts';
import { applicantCsr } from '../../devtools/applicant-csr.ts';
import { runReminderSweep } from '../commands/reminders.ts';
import { samplePdf } from './sample-pdf.ts';
import { CAST, type Stage } from './stage.ts';
import { createReportSource } from '../../storage/repositories/report-source.ts';
import { CANNED_REASON_CODES, compileAnnualReport } from '../../domain/reports/annual-report.ts';
import { renderAnnualReport } from '../../templates/report/annual-report.ts';

export interface StoryResult {
  readonly requestId: string;
  readonly revocationId: string;
  readonly incidentId: string;
  readonly certificatePath: string;
  readonly crlPath: string;
  /** Further files the story wrote (e.g. the annual report), by label. */
  readonly files: readonly { label: string; path: string }[];
}

const letter = (title: string, lines: readonly string[] = []) => samplePdf(['PEMERINTAH KOTA PONTIANAK', title, ...lines, 'Contoh untuk demo ra-desk.']);
const messageId = (c: SettledCall): number => (c.response as { result: { message_id: number } }).result.message_id;
const idIn = (text: string, prefix: 'OP' | 'TK'): string => {
  const m = new RegExp(`${prefix}-\\d{4}-\\d{6}`).exec(text);
  if (!m) throw new Error(`demo: no ${prefix} id in "${text.slice(0, 120)}"`);
  return m[0];
};

/**
 * The story of `npm run demo` (issue 7): an ASN applies by e-mail and is told what is missing, completes
 * it on the thread, binds Telegram, an officer approves in the bot, she accepts the agreement and sends
 * her CSR, the sandbox CA issues, she confirms receipt, a reminder fires 30 days before expiry, she loses
 * her key and asks for revocation with the police report and her statement (an incident too), the
 * officer revokes it and the CRL lists it.
 */
export async function playStory(stage: Stage, outDir: string): Promise<StoryResult> {
  const { tg, transcript: tr } = stage;
  mkdirSync(outDir, { recursive: true });
  const siti = tg.user(CAST.siti.telegram, { first_name: 'Siti' });
  const rahmat = tg.user(CAST.rahmat.telegram, { first_name: 'Rahmat' });
  /** A played user acts; the update the emulator queued goes to the transcript. */
  const act = (u: Update): void => tr.user(u);
  const botSays = (chatId: number, text?: RegExp) => tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === chatId && (!text || text.test(String(c.params['text']))), 15_000);

  tr.step('1. Siti mengajukan permohonan melalui e-mail, tanpa surat rekomendasi');
  const form = `Yth. Otoritas Pendaftaran,\n\nDengan hormat, saya mengajukan permohonan penerbitan sertifikat elektronik.\nNIK: 6171026507900002\nNIP: ${CAST.siti.nip}\nNama: ${CAST.siti.name}\nJenis sertifikat: individu\nPenggunaan: tanda tangan, e-mail, dokumen\n\nHormat saya,\nSiti Aminah`;
  await stage.receive({
    from: CAST.siti.email, subject: 'Permohonan Penerbitan Sertifikat Elektronik', text: form,
    attachments: [{ filename: 'surat-pengantar.pdf', content: letter('SURAT PENGANTAR', ['Kepala Dinas Kesehatan']) }, { filename: 'scan-e-ktp.pdf', content: letter('E-KTP (contoh)') }],
  });
  await stage.deliver();
  const incomplete = stage.lastMail(CAST.siti.email, /belum lengkap/);
  const requestId = idIn(incomplete.parsed.subject ?? '', 'OP');

  tr.step('2. Siti melengkapi dengan membalas e-mail yang sama');
  await stage.receive({
    from: CAST.siti.email, subject: `Re: ${incomplete.parsed.subject ?? ''}`, text: 'Terlampir surat rekomendasi dari atasan saya.',
    attachments: [{ filename: 'surat-rekomendasi.pdf', content: letter('SURAT REKOMENDASI', ['Kepala Bidang']) }], inReplyTo: incomplete.parsed.messageId ?? '',
  });
  await stage.deliver();

  tr.step('3. Siti menghubungkan akun Telegram-nya (kode satu kali ke e-mail dinas)');
  act(siti.sendCommand('/start'));
  await botSays(siti.id, /NIP/);
  act(siti.sendText(CAST.siti.nip));
  await botSays(siti.id, /Kode verifikasi/);
  await stage.deliver();
  const code = /\b(\d{6})\b/.exec(stage.lastMail(CAST.siti.email, /Kode verifikasi/).parsed.text ?? '')?.[1] ?? '';
  act(siti.sendText(code));
  const bound = await botSays(siti.id, /terhubung/);

  tr.step('4. Petugas Rahmat memeriksa dan menyetujui di bot');
  act(rahmat.sendCommand('/cari', requestId));
  const found = await botSays(rahmat.id, /Ditemukan/);
  act(rahmat.pressButton(messageId(found), `open:${requestId}`));
  const card = await botSays(rahmat.id, new RegExp(requestId));
  act(rahmat.pressButton(messageId(card), `dec:approve:${requestId}`));
  await botSays(rahmat.id, /tercatat: disetujui/);
  await stage.deliver();

  tr.step('5. Siti menyetujui perjanjian, mengirim CSR, menerima sertifikat, dan mengonfirmasi tanda terima');
  const agreement = stage.lastMail(CAST.siti.email, /SETUJU/);
  await stage.receive({ from: CAST.siti.email, subject: `Re: ${agreement.parsed.subject ?? ''}`, text: 'SETUJU', inReplyTo: agreement.parsed.messageId ?? '' });
  await stage.deliver();
  tr.note('Siti membuat pasangan kunci dan CSR di perangkatnya sendiri; kunci privat tidak pernah dikirim.');
  const accepted = stage.lastMail(CAST.siti.email, /Persetujuan perjanjian tercatat/);
  await stage.receive({
    from: CAST.siti.email, subject: `Re: ${accepted.parsed.subject ?? ''}`, text: 'Terlampir CSR saya.', inReplyTo: accepted.parsed.messageId ?? '',
    attachments: [{ filename: 'siti.csr', content: Buffer.from(await applicantCsr(CAST.siti.email, 'CN=Siti Aminah, O=Pemerintah Kota Pontianak, C=ID')) }],
  });
  await stage.deliver();
  const issued = stage.lastMail(CAST.siti.email, /telah terbit/);
  const pem = issued.parsed.attachments.find((a) => (a.filename ?? '').endsWith('.pem'));
  if (!pem) throw new Error('demo: the certificate mail has no certificate');
  const certificatePath = join(outDir, pem.filename!);
  writeFileSync(certificatePath, pem.content);
  await stage.receive({ from: CAST.siti.email, subject: `Re: ${issued.parsed.subject ?? ''}`, text: 'TERIMA', inReplyTo: issued.parsed.messageId ?? '' });
  await stage.deliver();

  tr.step('6. Pengingat 30 hari sebelum masa berlaku berakhir (Pasal 17 ayat 2)');
  const cert = await stage.app.ports.certificates.findByRequest(requestId);
  if (!cert) throw new Error('demo: no certificate registered');
  const at = new Date(new Date(cert.notAfter).getTime() - 30 * 86_400_000 + 3_600_000);
  tr.note(`Jam dimajukan ke ${at.toISOString().slice(0, 10)}: ra-desk reminders run --now ${at.toISOString()}`);
  await runReminderSweep(stage.app, { now: at });
  await stage.deliver();
  await botSays(siti.id, /berakhir pada/);

  tr.step('7. Kunci privat Siti hilang: pencabutan dengan laporan polisi dan surat pernyataan, insiden dilaporkan (Pasal 18, 24)');
  act(siti.pressButton(messageId(bound), 'menu:revoke'));
  const pick = await botSays(siti.id, /dicabut/);
  act(siti.pressButton(messageId(pick), `rvk:${cert.id}`));
  const why = await botSays(siti.id, /Mengapa/);
  act(siti.pressButton(messageId(why), `rvg:lost:${cert.id}`));
  await botSays(siti.id, /Langkah 1 dari 2/);
  act(siti.sendDocument({ filename: 'laporan-polisi.pdf', mimeType: 'application/pdf', bytes: letter('SURAT TANDA LAPOR KEHILANGAN', ['Polresta Pontianak']) }));
  await botSays(siti.id, /Langkah 2 dari 2/);
  act(siti.sendDocument({ filename: 'surat-pernyataan.pdf', mimeType: 'application/pdf', bytes: letter('SURAT PERNYATAAN', ['diketahui atasan langsung']) }));
  const filed = await botSays(siti.id, /Permohonan pencabutan/);
  const revocationId = idIn(String(filed.params['text']), 'OP');
  const incidentId = idIn(String(filed.params['text']), 'TK');
  await stage.deliver();
  const alert = await botSays(rahmat.id, new RegExp(incidentId));
  act(rahmat.pressButton(messageId(alert), `irep:${incidentId}`));
  await botSays(rahmat.id, /Laporan insiden .* diantrekan/);
  await stage.deliver();
  act(rahmat.sendCommand('/cari', revocationId));
  const found2 = await botSays(rahmat.id, /Ditemukan/);
  act(rahmat.pressButton(messageId(found2), `open:${revocationId}`));
  const card2 = await botSays(rahmat.id, /alasan:/);
  act(rahmat.pressButton(messageId(card2), `dec:approve:${revocationId}`));
  await botSays(rahmat.id, /telah dicabut/);
  await stage.deliver();
  await botSays(siti.id, /DICABUT/);
  const crlPath = join(outDir, 'crl.pem');
  const ca = await stage.app.ca();
  writeFileSync(crlPath, await ca!.crlPem());
  tr.note(`CRL baru mencantumkan nomor seri ${cert.serial}.`);

  tr.step('8. Laporan pengawasan dan evaluasi tahunan (Pasal 23)');
  const year = stage.app.ports.clock.now().getUTCFullYear();
  tr.note(`ra-desk report annual --year ${year} --out ${outDir}`);
  const timeZone = stage.app.config.timezone;
  const report = await compileAnnualReport(createReportSource(stage.app.ds), {
    year, timeZone, now: stage.app.ports.clock.now(), knownReasons: CANNED_REASON_CODES.map((c) => stage.t.message(c)),
  });
  const rendered = renderAnnualReport(stage.t, report);
  const reportPath = join(outDir, 'report.html');
  writeFileSync(reportPath, rendered.html);
  writeFileSync(join(outDir, 'report.csv'), rendered.csv);
  for (const row of report.coverage.rows) {
    tr.note(`${row.agency}: ${row.covered} dari ${row.asn} ASN memegang sertifikat yang sah`);
  }

  return { requestId, revocationId, incidentId, certificatePath, crlPath, files: [{ label: stage.t.message('DEMO.REPORT_LABEL'), path: reportPath }] };
}
