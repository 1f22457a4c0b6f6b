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
    ['keeps a forwarded message', 'Mohon diproses.\n---------- Forwarded message ---------\nNIK: 1', 'Mohon diproses.\n---------- Forwarded message ---------\nNIK: 1'],
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
