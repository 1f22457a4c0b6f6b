import { describe, it, expect } from 'vitest';
import { parseCertificateFields } from '../../../mail/understanding/parse-certificate-fields.ts';

describe('parseCertificateFields (renewal and revocation mails)', () => {
  it('reads the serial however it is grouped, and the reason from its line', () => {
    expect(parseCertificateFields('Pencabutan', 'Nomor seri : 4f:1a:9c-2b\nAlasan: token hilang di jalan')).toEqual({ serial: '4F1A9C2B', ground: 'lost', reason: 'token hilang di jalan' });
    expect(parseCertificateFields('x', 'No. Seri = 00AB CD')).toMatchObject({ serial: '00ABCD' });
  });

  it.each([
    ['Alasan: kunci privat bocor dan hilang', 'key_compromise'],
    ['Alasan: lupa passphrase', 'inaccessible'],
    ['Alasan: flashdisk rusak', 'damaged'],
    ['Alasan: pensiun per 1 Desember', 'moved_retired'],
    ['Alasan: ganti jabatan', 'data_changed'],
    ['Alasan: tidak bisa diakses lagi', 'inaccessible'],
  ])('maps "%s" to %s', (body, ground) => {
    expect(parseCertificateFields('Pencabutan sertifikat', body).ground).toBe(ground);
  });

  it('falls back to the subject and body words, and to nothing', () => {
    expect(parseCertificateFields('Pencabutan sertifikat karena kehilangan', 'Mohon dibantu.').ground).toBe('lost');
    expect(parseCertificateFields('Pencabutan sertifikat', 'Mohon dicabut.')).toEqual({ serial: null, ground: null, reason: null });
  });

  it('ignores a serial that is not hex, quoted text, and never throws on hostile input', () => {
    expect(parseCertificateFields('x', 'Nomor seri: belum tahu').serial).toBeNull();
    expect(parseCertificateFields('x', '> Alasan: hilang\n').ground).toBeNull();
    expect(() => parseCertificateFields('\u0000'.repeat(1000), `${'Alasan:'.repeat(100000)}\n${'a'.repeat(5_000_000)}`)).not.toThrow();
  });
});
