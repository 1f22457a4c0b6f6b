import { describe, expect, it } from 'vitest';
import { foldText, stripQuoted, unquotedLines } from '../../../mail/understanding/strip-quoted.ts';

describe('stripQuoted', () => {
  it.each([
    ['drops ">" lines, indented or not', 'Setuju.\n> Balas SETUJU\n  >> lama\nSalam', 'Setuju.\nSalam'],
    [
      'cuts at an English attribution',
      'Baik, terima kasih.\n\nOn Mon, 5 Jan 2026 at 10:00, OP Pontianak <op@pontianak.go.id> wrote:\nBalas SETUJU',
      'Baik, terima kasih.\n',
    ],
    [
      'cuts at an Indonesian attribution',
      'Sudah saya terima.\n\nPada tanggal Sen, 5 Jan 2026 pukul 10.00 OP <op@pontianak.go.id> menulis:\nBalas TERIMA',
      'Sudah saya terima.\n',
    ],
    [
      'cuts at an attribution wrapped over two lines',
      'Oke\nOn Mon, Jan 5, 2026 at 10:00 AM Otoritas Pendaftaran Kota Pontianak <op@pontianak.go.id>\nwrote:\nSETUJU',
      'Oke',
    ],
    ['cuts at an Outlook separator', 'Terlampir.\n-----Original Message-----\nFrom: OP\nSETUJU', 'Terlampir.'],
    ['cuts at an Indonesian Outlook separator', 'Terlampir.\n----- Pesan Asli -----\nSETUJU', 'Terlampir.'],
    [
      'cuts at an Outlook header block under underscores',
      'SETUJU\n\n________________________________\nFrom: Otoritas Pendaftaran <op@pontianak.go.id>\nSent: Monday, January 5, 2026 10:00 AM\nBalas SETUJU',
      'SETUJU\n',
    ],
    [
      'cuts at an Indonesian Outlook header block',
      'Sudah saya terima.\nDari: Otoritas Pendaftaran\nDikirim: Senin, 5 Januari 2026 10.00\nBalas TERIMA',
      'Sudah saya terima.',
    ],
    ['keeps a "Dari:" line that starts no header block', 'Dari: Dinas Kesehatan\nNIK: 1', 'Dari: Dinas Kesehatan\nNIK: 1'],
    ['cuts at a Gmail forwarding marker', 'Mohon diproses.\n---------- Forwarded message ---------\nNIK: 1', 'Mohon diproses.'],
    ['cuts at an Indonesian forwarding marker', 'Mohon diproses.\n---------- Pesan terusan ---------\nNIK: 1', 'Mohon diproses.'],
    ['cuts at an Apple Mail forwarding marker', 'Mohon diproses.\n\nBegin forwarded message:\n\nNIK: 1', 'Mohon diproses.\n'],
    ['keeps a signature', 'SETUJU\n-- \nBudi Santoso\nNIP. 19850312 201001 1 002', 'SETUJU\n-- \nBudi Santoso\nNIP. 19850312 201001 1 002'],
    ['keeps prose that starts with "Pada"', 'Pada hari Senin saya menulis surat.\nNIK: 1', 'Pada hari Senin saya menulis surat.\nNIK: 1'],
    ['treats CRLF and CR like LF', 'a\r\n> q\r\nb\rc', 'a\nb\nc'],
  ])('%s', (_rule, body, expected) => {
    expect(stripQuoted(body)).toBe(expected);
  });

  it('returns the kept lines one by one', () => {
    expect(unquotedLines('a\n> b\nc')).toEqual(['a', 'c']);
  });
});

describe('foldText', () => {
  it('lower-cases and drops diacritics and compatibility forms', () => {
    expect(foldText('PENGADUÁN İnsiden ＴＴＥ')).toBe('pengaduan insiden tte');
  });
});
