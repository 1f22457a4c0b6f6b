import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS, type DocumentKind } from '../../../domain/documents/document-kind.ts';
import { classifyAttachment } from '../../../mail/understanding/classify-attachment.ts';

describe('classifyAttachment', () => {
  it.each<[string, DocumentKind]>([
    ['Surat Pengantar Kadis.pdf', 'cover_letter'],
    ['surat_pengantar.PDF', 'cover_letter'],
    ['SuratPengantar-Diskominfo.pdf', 'cover_letter'],
    ['pengantar.jpg', 'cover_letter'],
    ['Cover Letter.pdf', 'cover_letter'],
    ['Rekomendasi Atasan Langsung.pdf', 'recommendation'],
    ['surat.rekomendasi.pdf', 'recommendation'],
    ['KTP.jpg', 'ktp_scan'],
    ['scan_ktp_budi.png', 'ktp_scan'],
    ['e-KTP Budi Santoso.jpeg', 'ktp_scan'],
    ['EKTP.pdf', 'ktp_scan'],
    ['e_ktp.pdf', 'ktp_scan'],
    ['Kartu Tanda Penduduk.pdf', 'ktp_scan'],
    ['Laporan Polisi.pdf', 'police_report'],
    ['laporan-polisi-kehilangan.pdf', 'police_report'],
    ['Surat dari Kepolisian.pdf', 'police_report'],
    ['SKTLK Polsek Pontianak Kota.pdf', 'police_report'],
    ['Surat Pernyataan Kehilangan.pdf', 'owner_statement'],
    ['pernyataan_pemilik.pdf', 'owner_statement'],
    ['Surat Keterangan.pdf', 'owner_statement'],
    ['C:\\Users\\budi\\Desktop\\KTP.jpg', 'ktp_scan'],
    ['dokumen/pengantar.pdf', 'cover_letter'],
    ['REKOMENDASİ.pdf', 'recommendation'],
  ])('%s → %s', (filename, kind) => {
    expect(classifyAttachment(filename)).toBe(kind);
  });

  it.each([['foto.png'], ['image001.jpg'], ['lampiran.pdf'], ['SK Pengangkatan.pdf'], ['undangan.docx']])('files %s as other', (filename) => {
    expect(classifyAttachment(filename)).toBe('other');
  });

  it.each([[''], ['   '], ['.pdf'], ['___.jpg']])('returns null when %j gives no name to read', (filename) => {
    expect(classifyAttachment(filename)).toBeNull();
  });

  it.each<[string, DocumentKind]>([
    // The first word names the document; later words name what it refers to.
    ['rekomendasi_pengantar.pdf', 'recommendation'],
    ['pengantar_rekomendasi.pdf', 'cover_letter'],
    ['Surat Pernyataan kehilangan dan laporan polisi.pdf', 'owner_statement'],
    ['Laporan Polisi dan Pernyataan.pdf', 'police_report'],
    ['Pengantar untuk KTP.pdf', 'cover_letter'],
  ])('picks the first word when %s names several kinds', (filename, kind) => {
    expect(classifyAttachment(filename)).toBe(kind);
  });

  it('reads "surat keterangan" as the owner statement only when nothing else is named', () => {
    expect(classifyAttachment('Surat Keterangan Kehilangan dari Kepolisian.pdf')).toBe('police_report');
    expect(classifyAttachment('Surat Keterangan.pdf')).toBe('owner_statement');
  });

  it('ignores the extension, even one that spells a word', () => {
    expect(classifyAttachment('foto.ktp')).toBe('other');
    expect(classifyAttachment('scan.pdf')).toBe('other');
  });

  it('never throws and answers a known kind or null', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const kind = classifyAttachment(name);
        return kind === null || DOCUMENT_KINDS.includes(kind);
      }),
      { numRuns: 500 },
    );
  });
});
