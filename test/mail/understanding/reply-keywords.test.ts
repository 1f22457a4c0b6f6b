import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectReplyCommand, type ReplyCommand } from '../../../mail/understanding/reply-keywords.ts';

/** Our mail as the applicant's client quotes it back. */
const QUOTED_AGREEMENT = [
  'Pada Sen, 5 Jan 2026 pukul 10.00 Otoritas Pendaftaran <op@pontianak.go.id> menulis:',
  '> Yth. Bapak Budi Santoso,',
  '> Sebelum sertifikat diterbitkan, balas surel ini dengan SETUJU.',
  '> Setelah sertifikat Anda terima, balas dengan TERIMA.',
].join('\n');

describe('detectReplyCommand', () => {
  it.each<[string, ReplyCommand]>([
    ['SETUJU', 'agree'],
    ['setuju', 'agree'],
    ['Setuju.', 'agree'],
    ['Saya setuju', 'agree'],
    ['Saya SETUJU!', 'agree'],
    ['Ya, setuju', 'agree'],
    ['Ok setuju', 'agree'],
    ['SETUJU. Terima kasih.', 'agree'],
    ['Setuju, terima kasih banyak', 'agree'],
    ['  \n\nSETUJU\n\nSalam,\nBudi', 'agree'],
    ['Setuju pak, terima kasih', 'agree'],
    ['I agree', 'agree'],
    ['Saya menyetujui.', 'agree'],
    ['TERIMA', 'receipt'],
    ['Terima.', 'receipt'],
    ['Sudah saya terima', 'receipt'],
    ['Sudah saya terima, terima kasih.', 'receipt'],
    ['Sertifikat? Sudah diterima.', 'receipt'],
    ['TERIMA. Terima kasih.', 'receipt'],
    ['Telah saya terima dengan baik', 'receipt'],
  ])('%j → %s', (body, command) => {
    expect(detectReplyCommand(body)).toBe(command);
  });

  it.each([
    ['Terima kasih'],
    ['Terima kasih, Pak.'],
    ['Tidak setuju'],
    ['Saya tidak setuju dengan ketentuan ini.'],
    ['Belum saya terima'],
    ['Belum setuju, mohon penjelasan'],
    ['Mohon penjelasan dulu sebelum saya setuju'],
    ['Baik.\n\nSETUJU'],
    [''],
    ['   \n\n  '],
    ['Setuju, sudah saya terima'],
  ])('%j → null', (body) => {
    expect(detectReplyCommand(body)).toBeNull();
  });

  it('ignores a SETUJU that is only quoted', () => {
    expect(detectReplyCommand(`Baik, saya pelajari dulu.\n\n${QUOTED_AGREEMENT}`)).toBeNull();
    expect(detectReplyCommand(`\n\n${QUOTED_AGREEMENT}`)).toBeNull();
    expect(detectReplyCommand('> SETUJU\n> TERIMA')).toBeNull();
  });

  it('reads the command above the quoted mail', () => {
    expect(detectReplyCommand(`SETUJU\n\n${QUOTED_AGREEMENT}`)).toBe('agree');
    expect(detectReplyCommand(`Sudah saya terima.\n\nOn Mon, 5 Jan 2026 at 10:00, OP wrote:\n> SETUJU`)).toBe('receipt');
  });

  it('skips greeting lines above the command', () => {
    expect(detectReplyCommand('Yth. Petugas OP,\n\nSaya setuju.\n\nHormat saya,\nBudi')).toBe('agree');
    expect(detectReplyCommand('Selamat pagi,\nDengan hormat,\nTERIMA')).toBe('receipt');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (body) => {
        return [null, 'agree', 'receipt'].includes(detectReplyCommand(body));
      }),
      { numRuns: 500 },
    );
  });
});
