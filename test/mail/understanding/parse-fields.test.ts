import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApplicantFields } from '../../../mail/understanding/parse-fields.ts';

const NIK = '6171011203850003';
const NIP = '198503122010011002';

describe('parseApplicantFields: a typical application mail', () => {
  it('reads every field of the form the desk asks for', () => {
    const body = [
      'Yth. Petugas Otoritas Pendaftaran Kota Pontianak,',
      '',
      'Bersama ini saya mengajukan permohonan penerbitan sertifikat elektronik dengan data berikut:',
      'Nama lengkap : Budi Santoso, S.Kom.',
      'NIK : 6171 0112 0385 0003',
      'NIP. 19850312 201001 1 002',
      'Jenis Sertifikat : Individu',
      'Penggunaan : tanda tangan, e-mail',
      '',
      'Demikian permohonan ini, atas perhatiannya saya ucapkan terima kasih.',
      '',
      'Budi Santoso',
      'Dinas Komunikasi dan Informatika Kota Pontianak',
    ].join('\n');
    expect(parseApplicantFields(body)).toEqual({
      nik: NIK, nip: NIP, name: 'Budi Santoso, S.Kom.', certificateType: 'individual', certificateTypeRaw: 'Individu',
      uses: ['signature', 'email'], unknownUses: [],
    });
  });

  it('returns nothing for a body without labels', () => {
    expect(parseApplicantFields('Mohon info syarat penerbitan sertifikat.')).toEqual({
      nik: null, nip: null, name: null, certificateType: null, certificateTypeRaw: null, uses: [], unknownUses: [],
    });
  });
});

describe('parseApplicantFields: NIK and NIP labels', () => {
  it.each([
    ['NIK : 6171 0112 0385 0003'],
    ['nik=6171011203850003'],
    ['N.I.K.: 6171011203850003'],
    ['NIK 6171-0112-0385-0003'],
    ['NIK:6171.0112.0385.0003'],
    ['  - NIK   :   6171011203850003   '],
    ['1. NIK: 6171011203850003'],
    ['a. NIK : 6171011203850003'],
    ['NIK (sesuai e-KTP): 6171011203850003'],
    ['No. KTP: 6171011203850003'],
    ['Nomor Induk Kependudukan : 6171011203850003'],
    ['NIK\t: 6171011203850003'],
    ['NIK ：6171011203850003'],
    ['*NIK*: 6171011203850003'],
    ['NIK: 6171011203850003 (sesuai KTP)'],
    ['NIK:\n\n6171011203850003'],
  ])('reads the NIK from %j', (line) => {
    expect(parseApplicantFields(line).nik).toBe(NIK);
  });

  it.each([
    ['NIP. 19850312 201001 1 002'],
    ['NIP: 198503122010011002'],
    ['nip = 19850312 201001 1 002'],
    ['N.I.P 19850312 201001 1 002'],
    ['NIP Baru : 19850312-201001-1-002'],
    ['2. NIP 198503122010011002'],
  ])('reads the NIP from %j', (line) => {
    expect(parseApplicantFields(line).nip).toBe(NIP);
  });

  it('keeps a wrong number as written for the domain to refuse with a reason', () => {
    expect(parseApplicantFields('NIK: 6171 0112 0385').nik).toBe('617101120385');
    expect(parseApplicantFields('NIK: 61710112O3850003').nik).toBe('61710112O3850003');
    expect(parseApplicantFields('NIK: 6171 0112 0385 0003, NIP menyusul').nik).toBe(NIK);
    expect(parseApplicantFields('NIK: 6171 0112 0385 0003 - sesuai KTP').nik).toBe(NIK);
    expect(parseApplicantFields('NIK: belum punya e-KTP').nik).toBe('belumpunyaeKTP');
  });

  it('takes the first occurrence of each label only', () => {
    expect(parseApplicantFields(`NIK: ${NIK}\nNIK: 1111111111111111`).nik).toBe(NIK);
  });

  it('skips placeholders so a later filled-in label counts', () => {
    expect(parseApplicantFields(`NIK: -\nNIP: -\n\nData:\nNIK: ${NIK}`)).toMatchObject({ nik: NIK, nip: null });
  });

  it('does not take the next label as the value of an empty one', () => {
    expect(parseApplicantFields(`NIK:\nNIP: ${NIP}`)).toMatchObject({ nik: null, nip: NIP });
  });

  it('ignores quoted reply text', () => {
    const body = `NIP: ${NIP}\n\nPada Sen, 5 Jan 2026 OP menulis:\n> NIK: 1111111111111111`;
    expect(parseApplicantFields(body)).toMatchObject({ nik: null, nip: NIP });
    expect(parseApplicantFields('> NIK: 1111111111111111\nNIK: ' + NIK).nik).toBe(NIK);
  });

  it('does not read a number mentioned in prose', () => {
    expect(parseApplicantFields('Saya, NIK 6171011203850003, mengajukan permohonan.').nik).toBeNull();
  });
});

describe('parseApplicantFields: name', () => {
  it.each([
    ['Nama: Budi Santoso', 'Budi Santoso'],
    ['Nama lengkap: Dra. Siti   Aminah, M.Si.', 'Dra. Siti Aminah, M.Si.'],
    ['NAMA LENGKAP (sesuai KTP) : BUDI SANTOSO', 'BUDI SANTOSO'],
    ['nama=Budi', 'Budi'],
    ['Nama Pemohon : Budi Santoso', 'Budi Santoso'],
    ['Name: Budi Santoso', 'Budi Santoso'],
  ])('reads %j', (line, name) => {
    expect(parseApplicantFields(line).name).toBe(name);
  });

  it.each([['Nama Atasan: Andi Wijaya'], ['Nama Jabatan: Kepala Seksi'], ['Nama Instansi: Diskominfo'], ['Nama: -']])(
    'does not take %j for the applicant name',
    (line) => {
      expect(parseApplicantFields(line).name).toBeNull();
    },
  );

  it('takes the applicant name, not the superior listed first', () => {
    expect(parseApplicantFields('Nama Atasan: Andi\nNama: Budi').name).toBe('Budi');
  });
});

describe('parseApplicantFields: certificate type', () => {
  it.each([
    ['Jenis Sertifikat : Individu', 'individual', 'Individu'],
    ['jenis: jabatan', 'position', 'jabatan'],
    ['JENIS SERTIFIKAT: SISTEM ELEKTRONIK', 'system', 'SISTEM ELEKTRONIK'],
    ['Jenis sertifikat = perorangan', 'individual', 'perorangan'],
    ['Jenis Sertifikat: Wewenang', 'position', 'Wewenang'],
    ['Jenis: organisasi (Dinas)', 'position', 'organisasi (Dinas)'],
    ['Jenis sertifikat: server', 'system', 'server'],
    ['Type: individual', 'individual', 'individual'],
    ['Jenis Sertifikat Elektronik : Sertifikat Individu', 'individual', 'Sertifikat Individu'],
  ])('reads %j', (line, type, raw) => {
    expect(parseApplicantFields(line)).toMatchObject({ certificateType: type, certificateTypeRaw: raw });
  });

  it('keeps an unknown type as written with no type', () => {
    expect(parseApplicantFields('Jenis sertifikat: kelas 3')).toMatchObject({ certificateType: null, certificateTypeRaw: 'kelas 3' });
  });

  it('reads an unfilled template listing every type as no choice', () => {
    expect(parseApplicantFields('Jenis Sertifikat: individu / jabatan / sistem')).toMatchObject({
      certificateType: null, certificateTypeRaw: 'individu / jabatan / sistem',
    });
  });

  it('does not read "Jenis Kelamin" as the certificate type', () => {
    expect(parseApplicantFields('Jenis Kelamin: Laki-laki\nJenis: jabatan')).toMatchObject({ certificateType: 'position' });
  });
});

describe('parseApplicantFields: uses', () => {
  it.each([
    ['Penggunaan: tanda tangan, e-mail', ['signature', 'email'], []],
    ['Penggunaan : TTE; dokumen', ['signature', 'document'], []],
    ['penggunaan=ttd/surel', ['signature', 'email'], []],
    ['Penggunaan: Tanda Tangan Elektronik dan Perlindungan Dokumen', ['signature', 'document'], []],
    ['Penggunaan: digital signature, email protection, document', ['signature', 'email', 'document'], []],
    ['Penggunaan: SSL Server & SSL Client', ['ssl_server', 'ssl_client'], []],
    ['Kegunaan: server; client', ['ssl_server', 'ssl_client'], []],
    ['Penggunaan: TTE, tte, Tanda tangan', ['signature'], []],
    ['Penggunaan: TTE, blockchain, VPN', ['signature'], ['blockchain', 'VPN']],
    ['Penggunaan: -', [], []],
  ])('reads %j', (line, uses, unknownUses) => {
    expect(parseApplicantFields(line)).toMatchObject({ uses, unknownUses });
  });

  it('reads a bulleted list below the label', () => {
    const body = 'Penggunaan:\n- tanda tangan elektronik\n- perlindungan e-mail\n* SSL client\nNama: Budi';
    expect(parseApplicantFields(body)).toMatchObject({ uses: ['signature', 'email', 'ssl_client'], name: 'Budi' });
  });
});

describe('parseApplicantFields robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (body) => {
        const r = parseApplicantFields(body);
        return Array.isArray(r.uses) && Array.isArray(r.unknownUses);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on text made of labels, separators and digits', () => {
    const piece = fc.constantFrom('NIK', 'N.I.K.', 'NIP.', 'Nama', 'Jenis', 'Penggunaan', ':', '=', ' ', '\n', '>', '-', '(', ')', '6171', ',', 'dan', 'TTE');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), (pieces) => {
        parseApplicantFields(pieces.join(''));
      }),
      { numRuns: 500 },
    );
  });

  // Shapes that make naive label or separator regexes backtrack; each must come back in one pass.
  it.each([
    ['one 5 MB line of spaces after a label', `NIK:${' '.repeat(5_000_000)}`],
    ['one 5 MB line of digits and spaces', `NIK: ${'1 '.repeat(2_500_000)}`],
    ['repeated dotted labels without a value', 'N.I.K.'.repeat(850_000)],
    ['a million empty labels', 'NIK:\n'.repeat(1_000_000)],
    ['unclosed parentheses', `Nama (${'('.repeat(5_000_000)}`],
    ['separators without labels', ':='.repeat(2_500_000)],
    ['a huge use list', `Penggunaan: ${'tte, '.repeat(1_000_000)}`],
    ['deep quoting', '>'.repeat(5_000_000)],
  ])('returns on %s', (_shape, body) => {
    expect(() => parseApplicantFields(body)).not.toThrow();
  });
});
