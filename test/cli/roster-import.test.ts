import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { sqliteFile } from '../../storage/data-source.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;
const HEADER = 'nip,nik,name,email,agency,position,superior_nip,category';

/**
 * One row per refusal the import knows, between valid rows; line numbers count the header as 1 and
 * the blank line 12 too. Lines 15 and 16 collide with people of the demo roster imported beforehand.
 */
const MIXED = [
  HEADER,
  /* 2 */ '198505152010011001,6171011505850001,Ahmad Fauzi,ahmad.fauzi@pontianak.go.id,Dinas Perhubungan,Analis,,asn',
  /* 3 */ '198606162011012002,617101561686000,Dewi Lestari,dewi.lestari@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 4 */ '198606162011012003,61710156068600A2,Dewi Kartika,dewi.kartika@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 5 */ '198702282012011003,6171013002870003,Joko Susilo,joko.susilo@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 6 */ '198803032013013004,6171010303880004,Eko Prasetyo,eko.prasetyo@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 7 */ '198904042014011005,6171010505890005,Fajar Nugroho,fajar.nugroho@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 8 */ '199005052015011006,6171010505900006,Gilang Ramadhan,gilang@gmail.com,Dinas Sosial,Analis,,asn',
  /* 9 */ '199106062016011007,6171010606910007,,hendra@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 10 */ '199207072017011008,6171010707920008,Wakil Walikota,wawako@pontianak.go.id,Sekretariat Daerah,Wakil Walikota,,official',
  /* 11 */ '199308082018011009,6171010808930009,Irfan Hakim,irfan.hakim@pontianak.go.id,Dinas Sosial',
  /* 12 */ '',
  /* 13 */ '199409092019012010,6171014909940010,Nur Aisyah,nur.aisyah@pontianak.go.id,"Dinas Pendidikan dan Kebudayaan, Bidang SD",Guru,198505152010011001,',
  /* 14 */ '198505152010011001,6171011505850001,Ahmad Fauzi Dua,ahmad.dua@pontianak.go.id,Dinas Perhubungan,Analis,,asn',
  /* 15 */ '198001012006011007,6171030101800005,Kurniawan,kurniawan@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 16 */ '199510102020011011,6171011010950011,Lukman Hakim,siti.aminah@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 17 */ '198702302012011012,6171013002870012,Mulyadi,mulyadi@pontianak.go.id,Dinas Sosial,Analis,,asn',
  /* 18 */ ',6171015207700008,Wakil Walikota Pontianak,wawako@pontianak.go.id,Sekretariat Daerah,Wakil Walikota,,official',
].join('\n') + '\n';

const EXPECTED_ERRORS: readonly [number, string, Record<string, string | number>?][] = [
  [3, 'NIK.BAD_LENGTH', { length: 15 }],
  [4, 'NIK.NOT_DIGITS', { position: 15 }],
  [5, 'NIK.BAD_BIRTH_DATE'],
  [6, 'NIP.BAD_GENDER'],
  [7, 'IDENTITY.BIRTH_DATE_MISMATCH'],
  [8, 'EMAIL.NOT_OFFICIAL', { domains: 'pontianak.go.id' }],
  [9, 'ROSTER.NAME_MISSING'],
  [10, 'ROSTER.OFFICIAL_WITH_NIP'],
  [11, 'ROSTER.BAD_COLUMN_COUNT'],
  [14, 'ROSTER.DUPLICATE_IN_FILE'],
  [15, 'ROSTER.NIK_TAKEN'],
  [16, 'ROSTER.EMAIL_TAKEN'],
  [17, 'NIP.BAD_BIRTH_DATE', { minYear: 1940, maxYear: 2015 }],
];
const expectedErrorLines = EXPECTED_ERRORS.map(([line, code, params]) => `baris ${line}: ${t.message(code, params ?? {})}`);

/** Every 16-digit run in a CSV text: the NIKs, valid or not, that must never be stored in clear. */
const niksIn = (...texts: string[]): string[] => [...new Set(texts.flatMap((s) => s.match(/\b61\d{14}\b/g) ?? []))];

/** Every file under `dir`, recursively (the .sqlite, -wal and -shm files, keys, checkpoint, vault). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

const summary = (created: number, updated: number, errors: number): string =>
  t.message('ROSTER.SUMMARY', { created, updated, errors });

describe.each(DATABASES)('roster import on %s', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let csv: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), ...(db.databaseUrl ? { RA_DATABASE_URL: db.databaseUrl } : {}) };
    csv = join(db.dataDir, 'mixed.csv');
    writeFileSync(csv, MIXED);
  });
  afterAll(() => db?.close());

  const roster = async (): Promise<{ nip: string | null; name: string; agency: string; superior_nip: string | null }[]> =>
    db.ds.query('SELECT nip, name, agency, superior_nip FROM roster_entries ORDER BY email');

  it('keeps the valid rows, reports each bad row on its own line with its line number and exits 2; a re-import updates', async () => {
    const demo = await runCli(['roster', 'import', DEMO_ROSTER], env);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout.trim()).toBe(summary(5, 0, 0));

    const first = await runCli(['roster', 'import', csv], env);
    expect(first.code).toBe(2);
    expect(first.stdout.trim()).toBe(summary(3, 0, EXPECTED_ERRORS.length));
    expect(linesOf(first.stderr)).toEqual(expectedErrorLines);

    const after = await roster();
    expect(after).toHaveLength(8);
    expect(after.filter((r) => ['198505152010011001', '199409092019012010', null].includes(r.nip)).map((r) => r.name).sort())
      .toEqual(['Ahmad Fauzi', 'Nur Aisyah', 'Wakil Walikota Pontianak', 'Walikota Pontianak']);
    expect(after.find((r) => r.nip === '199409092019012010')).toMatchObject({
      agency: 'Dinas Pendidikan dan Kebudayaan, Bidang SD', superior_nip: '198505152010011001',
    });

    const again = await runCli(['roster', 'import', csv], env);
    expect(again.code).toBe(2);
    expect(again.stdout.trim()).toBe(summary(0, 3, EXPECTED_ERRORS.length));
    expect(linesOf(again.stderr)).toEqual(expectedErrorLines);
    expect(await roster()).toEqual(after);
  });

  it('stores no NIK in clear, neither in the rows nor in any file of the data folder', async () => {
    const niks = niksIn(MIXED, readFileSync(DEMO_ROSTER, 'utf8'));
    expect(niks.length).toBeGreaterThanOrEqual(15);
    const rows = JSON.stringify([
      await db.ds.query('SELECT * FROM roster_entries'),
      await db.ds.query('SELECT * FROM audit_log'),
    ]);
    expect(niks.filter((nik) => rows.includes(nik))).toEqual([]);

    const files = filesUnder(db.dataDir).filter((f) => !f.endsWith('.csv'));
    if (kind === 'sqlite') expect(files).toContain(sqliteFile(db.dataDir));
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(niks.filter((nik) => bytes.includes(nik)), file).toEqual([]);
    }
  });
});

describe.concurrent('roster import of files that are not a roster', () => {
  const root = makeTempDir('cli-roster');
  afterAll(() => removeTempDir(root));
  let n = 0;

  /** A fresh data folder and a CSV written as raw bytes; returns the run and the roster NIPs afterwards. */
  async function importBytes(bytes: Buffer | string | null) {
    const dataDir = join(root, `d${++n}`);
    const file = join(root, `f${n}.csv`);
    if (bytes !== null) writeFileSync(file, bytes);
    const r = await runCli(['roster', 'import', file], { RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') });
    let nips: (string | null)[] = [];
    if (existsSync(sqliteFile(dataDir))) {
      const sqlite = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
      try {
        nips = (sqlite.prepare('SELECT nip FROM roster_entries ORDER BY nip').all() as { nip: string | null }[]).map((r) => r.nip);
      } finally {
        sqlite.close();
      }
    }
    return { ...r, nips, file };
  }

  const oneError = (stderr: string, pattern: RegExp): void => {
    expect(linesOf(stderr)).toEqual([expect.stringMatching(pattern)]);
  };

  it('refuses a header that misses a column, naming it and the expected header, and imports nothing', async () => {
    const r = await importBytes('nip,nik,name,email,agency,position,telepon\n198505152010011001,6171011505850001,Ahmad,a@pontianak.go.id,X,Y,0812\n');
    expect(r.code).toBe(2);
    oneError(r.stderr, /^ra-desk: .*Kurang: superior_nip\. Tidak dikenal: telepon\. .*nip,nik,name,email,agency,position,superior_nip,category/);
    expect(r.stdout).toBe('');
    expect(r.nips).toEqual([]);
  });

  it('refuses a file that is not UTF-8 (Excel\'s latin1 "CSV")', async () => {
    const r = await importBytes(Buffer.concat([
      Buffer.from(`${HEADER}\n198505152010011001,6171011505850001,Andr`), Buffer.of(0xe9),
      Buffer.from(',andre@pontianak.go.id,Dinas Sosial,Analis,,asn\n'),
    ]));
    expect(r.code).toBe(2);
    oneError(r.stderr, /^ra-desk: .*bukan teks UTF-8/);
    expect(r.nips).toEqual([]);
  });

  it('refuses a file that does not exist', async () => {
    const r = await importBytes(null);
    expect(r.code).toBe(2);
    oneError(r.stderr, /^ra-desk: berkas .*f\d+\.csv tidak ditemukan/);
  });

  it('refuses an empty file, and one of blank lines', async () => {
    const [empty, blank] = await Promise.all([importBytes(''), importBytes('\n\r\n\n')]);
    for (const r of [empty, blank]) {
      expect(r.code).toBe(2);
      oneError(r.stderr, /^ra-desk: berkas .* kosong; baris pertama harus berisi judul kolom\.$/);
      expect(r.nips).toEqual([]);
    }
  });

  it('imports a file saved with a byte order mark and CRLF line endings', async () => {
    const r = await importBytes('\ufeff' + [
      'nip,nik,name,email,agency,position,superior_nip',
      '198505152010011001,6171011505850001,Ahmad Fauzi,ahmad.fauzi@pontianak.go.id,Dinas Perhubungan,Analis,',
      '199409092019012010,6171014909940010,Nur Aisyah,nur.aisyah@pontianak.go.id,Dinas Pendidikan,Guru,198505152010011001',
    ].join('\r\n') + '\r\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(summary(2, 0, 0));
    expect(r.nips).toEqual(['198505152010011001', '199409092019012010']);
  });

  it('keeps the rows before an unclosed quote and reports where reading stopped', async () => {
    const r = await importBytes([
      'nip,nik,name,email,agency,position,superior_nip',
      '198606162011012002,6171015606860002,Dewi Lestari,dewi.lestari@pontianak.go.id,Dinas Sosial,Analis,',
      '198803032013011004,6171010303880004,"Eko Prasetyo,eko.prasetyo@pontianak.go.id,Dinas Sosial,Analis,',
      '199005052015011006,6171010505900006,Gilang Ramadhan,gilang@pontianak.go.id,Dinas Sosial,Analis,',
    ].join('\n') + '\n');
    expect(r.code).toBe(2);
    expect(r.stdout.trim()).toBe(summary(1, 0, 1));
    oneError(r.stderr, /^pembacaan CSV berhenti di sekitar baris [34] karena tanda kutip tidak tertutup/);
    expect(r.nips).toEqual(['198606162011012002']);
  });
});

describe('roster import --full (the file is the whole roster)', () => {
  const root = makeTempDir('cli-roster-full');
  afterAll(() => removeTempDir(root));
  const two = [
    'nip,nik,name,email,agency,position,superior_nip',
    '198505152010011001,6171011505850001,Ahmad Fauzi,ahmad.fauzi@pontianak.go.id,Dinas Perhubungan,Analis,',
    '199409092019012010,6171014909940010,Nur Aisyah,nur.aisyah@pontianak.go.id,Dinas Pendidikan,Guru,',
  ];
  const active = (dataDir: string): Record<string, number> => {
    const sqlite = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
    try {
      return Object.fromEntries((sqlite.prepare('SELECT nip, active FROM roster_entries').all() as { nip: string; active: number }[]).map((r) => [r.nip, Number(r.active)]));
    } finally {
      sqlite.close();
    }
  };

  it('deactivates who is no longer listed, and nobody when the file has a bad row', async () => {
    const env = { RA_DATA_DIR: join(root, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64') };
    writeFileSync(join(root, 'all.csv'), two.join('\n') + '\n');
    expect((await runCli(['roster', 'import', join(root, 'all.csv')], env)).code).toBe(0);

    writeFileSync(join(root, 'bad.csv'), [two[0], two[1], '199409092019012010,123,Nur Aisyah,nur.aisyah@pontianak.go.id,Dinas Pendidikan,Guru,'].join('\n') + '\n');
    const bad = await runCli(['roster', 'import', join(root, 'bad.csv'), '--full'], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(t.message('ROSTER.FULL_SKIPPED'));
    expect(active(env.RA_DATA_DIR)).toEqual({ '198505152010011001': 1, '199409092019012010': 1 });

    writeFileSync(join(root, 'one.csv'), [two[0], two[1]].join('\n') + '\n');
    const one = await runCli(['roster', 'import', join(root, 'one.csv'), '--full'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(t.message('ROSTER.FULL_DONE', { dropped: 1 }));
    expect(active(env.RA_DATA_DIR)).toEqual({ '198505152010011001': 1, '199409092019012010': 0 });
  });
});
