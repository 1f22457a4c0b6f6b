import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_KINDS, type CaseKind } from '../../../domain/requests/case-kind.ts';
import { classifyKind } from '../../../mail/understanding/classify-kind.ts';

describe('classifyKind from the subject', () => {
  it.each<[string, CaseKind, string]>([
    ['Re: [OP-2026-000001] Permohonan penerbitan', 'issuance', 'penerbitan'],
    ['Permohonan Sertifikat Elektronik a.n. Budi Santoso', 'issuance', 'permohonan'],
    ['Pengajuan sertifikat TTE Dinas Kesehatan', 'issuance', 'pengajuan'],
    ['FW: Penerbitan sertifikat elektronik Kepala Bidang', 'issuance', 'penerbitan'],
    ['Certificate issuance request', 'issuance', 'issuance'],
    ['Perpanjangan sertifikat', 'renewal', 'perpanjangan'],
    ['Permohonan pembaruan sertifikat elektronik', 'renewal', 'pembaruan'],
    ['Pembaharuan Sertifikat TTE (masa berlaku habis)', 'renewal', 'pembaharuan'],
    ['Certificate renewal', 'renewal', 'renewal'],
    ['Pencabutan sertifikat karena kehilangan', 'revocation', 'pencabutan'],
    ['Mohon sertifikat saya dicabut', 'revocation', 'dicabut'],
    ['Please revoke my certificate', 'revocation', 'revoke'],
    ['Permohonan perpanjangan dan pencabutan', 'revocation', 'pencabutan'],
    ['Laporan kehilangan token', 'incident', 'kehilangan'],
    ['Passphrase bocor', 'incident', 'bocor'],
    ['Insiden keamanan: akun diretas', 'incident', 'insiden'],
    ['Laptop hilang, berisi kunci privat', 'incident', 'hilang'],
    ['Private key compromised', 'incident', 'compromised'],
    ['Pengaduan pelayanan petugas OP', 'complaint', 'pengaduan'],
    ['Keluhan: lambat sekali', 'complaint', 'keluhan'],
    ['Complaint about the RA officer', 'complaint', 'complaint'],
    ['Kendala TTE gagal', 'help', 'kendala'],
    ['Permohonan bantuan teknis', 'help', 'bantuan'],
    ['Error saat tanda tangan dokumen', 'help', 'error'],
    ['Tidak bisa login, mohon help', 'help', 'help'],
    ['Aplikasi bermasalah', 'help', 'bermasalah'],
    ['Bls: Re: Fwd: Kendala', 'help', 'kendala'],
  ])('%s → %s', (subject, kind, matched) => {
    expect(classifyKind(subject, '')).toEqual({ kind, matched, fallback: false });
  });

  it.each([
    ['PENCABUTAN SERTIFIKAT', 'revocation'],
    ['pengaduán pelayanan', 'complaint'],
    ['Permohonan_Penerbitan_Sertifikat', 'issuance'],
    ['[Perpanjangan]Sertifikat', 'renewal'],
  ])('ignores case, diacritics and separators: %s', (subject, kind) => {
    expect(classifyKind(subject, '').kind).toBe(kind);
  });

  it('matches whole words only', () => {
    // "helpdesk", "errornya" and "pencabutannya" are other words; the desk does not stem.
    expect(classifyKind('Helpdesk', '')).toMatchObject({ kind: 'help', fallback: true });
    expect(classifyKind('Kendalanya', '')).toMatchObject({ fallback: true });
  });
});

describe('classifyKind precedence', () => {
  it.each<[string, CaseKind]>([
    ['Pencabutan karena kehilangan', 'revocation'],
    ['Kehilangan token, mohon pencabutan', 'revocation'],
    ['Gagal perpanjangan sertifikat', 'renewal'],
    ['Kendala penerbitan sertifikat', 'issuance'],
    ['Pengaduan: sertifikat hilang', 'incident'],
    ['Keluhan: aplikasi error terus', 'complaint'],
    ['Pengajuan keluhan atas layanan', 'complaint'],
    ['Permohonan: token hilang', 'incident'],
  ])('%s → %s', (subject, kind) => {
    expect(classifyKind(subject, '').kind).toBe(kind);
  });

  it('lets the subject win over a stronger word in the body', () => {
    expect(classifyKind('Laporan kehilangan token', 'Mohon sertifikat saya dicabut.')).toEqual({
      kind: 'incident', matched: 'kehilangan', fallback: false,
    });
  });

  it('reads the body when the subject names no kind', () => {
    expect(classifyKind('Sertifikat elektronik', 'Yth. Petugas OP,\nSaya mengajukan perpanjangan sertifikat.')).toEqual({
      kind: 'renewal', matched: 'perpanjangan', fallback: false,
    });
    expect(classifyKind('', 'Dengan hormat, bersama ini kami sampaikan pengaduan.')).toMatchObject({ kind: 'complaint' });
  });

  it('reads an application closed with the usual courtesy formula as issuance', () => {
    const body = [
      'Dengan hormat,',
      'Bersama ini saya mengajukan permohonan sertifikat elektronik untuk keperluan TTE.',
      'Atas perhatian dan bantuan Bapak/Ibu, saya ucapkan terima kasih.',
    ].join('\n');
    expect(classifyKind('Sertifikat elektronik a.n. Budi Santoso', body)).toEqual({ kind: 'issuance', matched: 'mengajukan', fallback: false });
    expect(classifyKind('', 'Please issue my certificate (application attached). Thanks for your help.')).toMatchObject({ kind: 'issuance' });
    expect(classifyKind('', 'Mohon bantuan, token tidak terbaca.')).toMatchObject({ kind: 'help', matched: 'bantuan' });
  });

  it('ignores quoted reply text in the body', () => {
    const body = 'Baik, terima kasih.\n\nPada Sen, 5 Jan 2026 OP menulis:\n> Permohonan penerbitan Anda sudah kami terima.';
    expect(classifyKind('Re: [OP-2026-000001]', body)).toEqual({ kind: 'help', matched: null, fallback: true });
    expect(classifyKind('Re: info', '> Pencabutan sertifikat\nterlampir')).toMatchObject({ fallback: true });
  });
});

describe('classifyKind fallback', () => {
  it.each([
    ['Undangan rapat', 'Yth. Bapak/Ibu, mohon hadir pada rapat koordinasi.'],
    ['', ''],
    ['Re: Fwd: Bls:', ''],
    ['Selamat pagi', 'Terima kasih atas perhatiannya.'],
  ])('%s → a help ticket with fallback', (subject, body) => {
    expect(classifyKind(subject, body)).toEqual({ kind: 'help', matched: null, fallback: true });
  });
});

describe('classifyKind robustness', () => {
  it('never throws and always answers a known kind', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 2000 }), (subject, body) => {
        const r = classifyKind(subject, body);
        return CASE_KINDS.includes(r.kind) && r.fallback === (r.matched === null);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a 5 MB body in one pass', () => {
    const body = `${'kata '.repeat(1_000_000)}pencabutan`;
    expect(classifyKind('', body)).toMatchObject({ kind: 'revocation' });
  });
});
