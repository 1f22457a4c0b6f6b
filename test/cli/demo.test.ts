import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const root = makeTempDir('cli-demo');
const dataDir = join(root, 'demo');

const nikHashes = (): string[] => {
  const db = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT nik_hmac FROM roster_entries ORDER BY email').all() as { nik_hmac: string }[]).map((r) => r.nik_hmac);
  } finally {
    db.close();
  }
};
afterAll(() => removeTempDir(root));

/**
 * `npm run demo` (issue 7): the whole story through the real bot (against the Bot API emulator), the
 * mail pipeline and the SMTP receiver, printed from what they recorded; exits 0 with the paths of the
 * certificate and the CRL.
 */
describe('ra-desk demo', () => {
  it('plays the story end to end and its transcript shows each step on its channel', async () => {
    const r = await runCli(['demo', '--data-dir', dataDir], {}, { timeoutMs: 120_000 });
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    const lines = linesOf(out);
    const year = new Date().getUTCFullYear();
    const has = (pattern: RegExp): void => { expect(lines.some((l) => pattern.test(l)), String(pattern)).toBe(true); };

    // 1-2: applied by e-mail without the recommendation, told what is missing, completed on the thread.
    has(/^\[e-mail\] Siti Aminah → OP: "Permohonan Penerbitan Sertifikat Elektronik" \(lampiran: surat-pengantar\.pdf, scan-e-ktp\.pdf\)$/);
    has(new RegExp(`^\\[e-mail\\] OP → Siti Aminah: "\\[OP-${year}-000001\\] Permohonan belum lengkap`));
    has(/^ {6}1\. Surat rekomendasi dari atasan$/);
    has(/^\[e-mail\] Siti Aminah → OP: "Re: \[OP-\d{4}-000001\] Permohonan belum lengkap.*\(lampiran: surat-rekomendasi\.pdf\)$/);
    has(/Permohonan diterima — sertifikat elektronik/);
    // 3: Telegram binding with the code mailed to the dinas address.
    has(/^\[Telegram\] Siti Aminah: \/start$/);
    has(/^\[e-mail\] OP → Siti Aminah: "Kode verifikasi akun Telegram/);
    has(/^\[Telegram\] Bot OP → Siti Aminah: Akun Telegram Anda sudah terhubung atas nama Siti Aminah/);
    // 4: the officer approves in the bot.
    has(/^\[Telegram\] Rahmat Hidayat menekan «✅ Setujui»$/);
    has(/Permohonan penerbitan disetujui/);
    // 5: agreement, CSR, certificate, receipt — by mail.
    has(/^\[e-mail\] Siti Aminah → OP: "Re: .*mohon balas SETUJU" \(lampiran: -\)$/);
    has(/^\[e-mail\] Siti Aminah → OP: .*\(lampiran: siti\.csr\)$/);
    has(/telah terbit .*\(lampiran: sertifikat-OP-\d{4}-000001\.pem\)$/);
    has(/Tanda terima sertifikat elektronik tercatat/);
    // 6: the reminder 30 days before expiry, on Telegram and by mail.
    has(/^\[Telegram\] Bot OP → Siti Aminah: ⏰ .* \(30 hari lagi\)/);
    has(/^\[e-mail\] OP → Siti Aminah: "Pengingat perpanjangan/);
    // 7: lost key: revocation with evidence, an incident, revoked at the CA.
    has(/^\[Telegram\] Siti Aminah menekan «Kunci privat\/sertifikat hilang»$/);
    has(/^\[Telegram\] Siti Aminah mengirim berkas laporan-polisi\.pdf$/);
    has(/insiden keamanan dengan nomor TK-\d{4}-\d{6}/);
    // … reported to the addressees of Pasal 24(1) with one tap.
    has(/^\[Telegram\] Bot OP → Rahmat Hidayat: 🚨 INSIDEN KEAMANAN TK-\d{4}-\d{6}/);
    has(/^\[Telegram\] Rahmat Hidayat menekan «📨 Laporkan»$/);
    for (const who of ['Wali Kota Pontianak', 'Gubernur Kalimantan Barat', 'Kepala BSSN', 'Kepala BSrE']) {
      has(new RegExp(`^\\[e-mail\\] OP → ${who}: "\\[TK-\\d{4}-\\d{6}\\] Laporan insiden keamanan`));
    }
    has(/^\[Telegram\] Bot OP → Rahmat Hidayat: ⛔ Sertifikat nomor seri [0-9a-f]+ telah dicabut/);
    has(/^\[Telegram\] Bot OP → Siti Aminah: ⛔ Sertifikat nomor seri [0-9a-f]+ telah DICABUT/);
    // 8: the annual report.
    has(/^== 8\. Laporan pengawasan dan evaluasi tahunan \(Pasal 23\) ==$/);
    has(/^ {3}\(Dinas Kesehatan: 0 dari 1 ASN memegang sertifikat yang sah\)$/);
    has(/^Log audit utuh: \d+ catatan, rantai hash dan titik periksa cocok\.$/);
    expect(lines.at(-1)).toBe(t.message('DEMO.END', { dataDir }));

    // The files it names exist: the certificate it delivered and a CRL that lists it.
    const certificate = /^Sertifikat: (.+)$/m.exec(out)?.[1];
    const crl = /^CRL: (.+)$/m.exec(out)?.[1];
    expect(certificate && readFileSync(certificate, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(crl && readFileSync(crl, 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
    const report = /^Laporan tahunan: (.+)$/m.exec(out)?.[1];
    expect(report && readFileSync(report, 'utf8')).toMatch(/<svg/);
    // Nobody's NIK is printed in clear, even a made-up one.
    expect(out).not.toMatch(/(?<!\d)6171\d{12}(?!\d)/);
    expect(existsSync(sqliteFile(dataDir))).toBe(true);
  });

  it('leaves a data folder that already holds data untouched, and refuses stray arguments', async () => {
    // The demo makes up a fresh master key each run; on an existing folder (say, the real ./data) it
    // must not re-encrypt the roster's NIKs under a key nobody keeps.
    const before = nikHashes();
    expect(before).toHaveLength(5);
    const r = await runCli(['demo', '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(t.message('DEMO.DATA_DIR_IN_USE', { dataDir }));
    expect(nikHashes()).toEqual(before);
    const stray = await runCli(['demo', 'sekarang']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain(t.message('DEMO.USAGE'));
  });
});
