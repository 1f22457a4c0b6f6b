import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentVault } from '../../../domain/ports/document-vault.ts';
import type { TransactionHandle } from '../../../domain/ports/transaction.ts';
import { isRaError } from '../../../domain/shared/ra-error.ts';
import { createFieldCipher } from '../../../storage/crypto/field-cipher.ts';
import { createKeyRing, type KeyRing } from '../../../storage/crypto/keys.ts';
import { inWriteTransaction, openDatabase } from '../../../storage/data-source.ts';
import { DocumentSchema, RosterSchema } from '../../../storage/entities/schemas.ts';
import { createFileVault, documentPath, VAULT_FORMAT_VERSION } from '../../../storage/vault/file-vault.ts';
import { pdfStream, tinyJpeg, tinyPdf, tinyPng } from '../../support/sample-files.ts';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.ts';

const REQUEST = 'REQ-2026-000123';
const asTx = (qr: QueryRunner): TransactionHandle => qr as unknown as TransactionHandle;
const randomNik = (): string => `6171${String(randomInt(1e6)).padStart(6, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;

let dataDir: string;
let ds: DataSource;
let keys: KeyRing;
let vault: DocumentVault;

beforeEach(async () => {
  dataDir = makeTempDir('vault');
  ds = await openDatabase({ dataDir });
  keys = createKeyRing(randomBytes(32));
  vault = createFileVault({ dataSource: ds, dataDir, keys, now: () => new Date('2026-11-25T09:00:00.000Z') });
});

afterEach(async () => {
  if (ds.isInitialized) await ds.destroy();
  removeTempDir(dataDir);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]);
}
const vaultFiles = (): string[] => filesUnder(dataDir).filter((f) => relative(dataDir, f).startsWith('vault'));

async function expectRaError(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(isRaError(e, code), `expected RaError ${code}, got ${String(e)}`).toBe(true);
}

describe('file vault', () => {
  it('gives back exactly what was stored, with its SHA-256 and size recorded', async () => {
    const pdf = tinyPdf({ text: 'Surat Pengantar Dinas Kominfo' });
    const doc = await vault.store({ requestId: REQUEST, kind: 'cover_letter', bytes: pdf, mediaType: 'application/pdf' });
    expect(doc).toMatchObject({ requestId: REQUEST, kind: 'cover_letter', mediaType: 'application/pdf', size: pdf.length });
    expect(doc.sha256).toBe((await import('node:crypto')).createHash('sha256').update(pdf).digest('hex'));
    expect(Buffer.from(await vault.read(doc.id, REQUEST)).equals(pdf)).toBe(true);
    expect(await vault.list(REQUEST)).toEqual([doc]);
    expect(await vault.list('REQ-OTHER')).toEqual([]);
  });

  it('writes one 0600 file per document under vault/<2 hex>/, in its own format', async () => {
    const doc = await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyJpeg(), mediaType: 'image/jpeg' });
    const file = join(dataDir, documentPath(doc.id));
    expect(vaultFiles()).toEqual([file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const head = readFileSync(file).subarray(0, 5);
    expect(head.toString('latin1', 0, 4)).toBe('RADV');
    expect(head[4]).toBe(VAULT_FORMAT_VERSION);
    const row = await ds.getRepository(DocumentSchema).findOneByOrFail({ id: doc.id });
    expect(row).toMatchObject({ path: documentPath(doc.id), keyId: keys.keyId });
    expect(row.wrappedKey).toMatch(/^v1\./);
  });

  it('refuses to decrypt under another master key', async () => {
    const doc = await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyPng(), mediaType: 'image/png' });
    const other = createFileVault({ dataSource: ds, dataDir, keys: createKeyRing(randomBytes(32)) });
    await expectRaError(other.read(doc.id, REQUEST), 'VAULT.DECRYPT_FAILED');
  });

  it('refuses to decrypt a document for another request', async () => {
    const doc = await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyPng(), mediaType: 'image/png' });
    await expectRaError(vault.read(doc.id, 'REQ-2026-000124'), 'VAULT.DECRYPT_FAILED');
  });

  it('refuses a file altered on disk', async () => {
    const doc = await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyPdf(), mediaType: 'application/pdf' });
    const file = join(dataDir, documentPath(doc.id));
    const sealed = readFileSync(file);
    sealed[sealed.length - 10] = (sealed[sealed.length - 10] ?? 0) ^ 0x01;
    writeFileSync(file, sealed);
    await expectRaError(vault.read(doc.id, REQUEST), 'VAULT.DECRYPT_FAILED');
  });

  it('refuses a file whose recorded SHA-256 was altered', async () => {
    const doc = await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyPdf(), mediaType: 'application/pdf' });
    await ds.getRepository(DocumentSchema).update({ id: doc.id }, { sha256: '0'.repeat(64) });
    await expectRaError(vault.read(doc.id, REQUEST), 'VAULT.INTEGRITY_FAILED');
  });

  it('says VAULT.NOT_FOUND for an unknown document', async () => {
    await expectRaError(vault.read('00000000-0000-4000-8000-000000000000', REQUEST), 'VAULT.NOT_FOUND');
    await expectRaError(vault.read('../../etc/passwd', REQUEST), 'VAULT.NOT_FOUND');
  });

  it('commits the record with the caller transaction', async () => {
    const doc = await inWriteTransaction(ds, (qr) =>
      vault.store({ requestId: REQUEST, kind: 'recommendation', bytes: tinyPdf(), mediaType: 'application/pdf' }, asTx(qr)));
    expect(await vault.list(REQUEST)).toEqual([doc]);
    expect(vaultFiles()).toHaveLength(1);
  });

  it('leaves no row and no file when the caller transaction rolls back', async () => {
    const failed = inWriteTransaction(ds, async (qr) => {
      await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyJpeg(), mediaType: 'image/jpeg' }, asTx(qr));
      await vault.store({ requestId: REQUEST, kind: 'cover_letter', bytes: tinyPdf(), mediaType: 'application/pdf' }, asTx(qr));
      throw new Error('a later step of the use case failed');
    });
    await expect(failed).rejects.toThrow('a later step');
    expect(await vault.list(REQUEST)).toEqual([]);
    expect(vaultFiles().filter((f) => f.endsWith('.bin') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes only the files of a rolled-back savepoint', async () => {
    const kept = await inWriteTransaction(ds, async (qr) => {
      const outer = await vault.store({ requestId: REQUEST, kind: 'cover_letter', bytes: tinyPdf(), mediaType: 'application/pdf' }, asTx(qr));
      await qr.startTransaction();
      await vault.store({ requestId: REQUEST, kind: 'other', bytes: tinyPng(), mediaType: 'image/png' }, asTx(qr));
      await qr.rollbackTransaction();
      return outer;
    });
    expect(await vault.list(REQUEST)).toEqual([kept]);
    // The savepoint's document had a file of its own, now gone; the outer one is in the transaction's pack.
    expect(vaultFiles()).toHaveLength(1);
    expect(await vault.read(kept.id, REQUEST)).toEqual(tinyPdf());
  });

  it('puts the documents of one transaction in one file, each readable on its own, and a second transaction in another', async () => {
    const files = [tinyPdf(), tinyJpeg(), Buffer.from(randomBytes(3 * 1024 * 1024))];
    const stored = await inWriteTransaction(ds, async (qr) => {
      const out = [];
      for (const [i, bytes] of files.entries()) {
        out.push(await vault.store({ requestId: REQUEST, kind: 'other', bytes, mediaType: i === 1 ? 'image/jpeg' : 'application/pdf' }, asTx(qr)));
        // Readable inside the transaction too, before the pack is fsynced.
        // Buffer.equals: toEqual compares a 3 MB buffer element by element, for seconds.
        expect(Buffer.from(await vault.read(out[i]!.id, REQUEST)).equals(bytes)).toBe(true);
      }
      return out;
    });
    expect(vaultFiles()).toHaveLength(1);
    for (const [i, doc] of stored.entries()) expect(Buffer.from(await vault.read(doc.id, REQUEST)).equals(files[i]!)).toBe(true);
    const rows = await ds.getRepository(DocumentSchema).find({ order: { fileOffset: 'ASC' } });
    expect(new Set(rows.map((r) => r.path)).size).toBe(1);
    expect(rows.map((r) => r.fileOffset)).toEqual([0, rows[0]!.sealedSize, rows[0]!.sealedSize! + rows[1]!.sealedSize!]);
    expect(statSync(vaultFiles()[0]!).size).toBe(rows.reduce((n, r) => n + r.sealedSize!, 0));

    await inWriteTransaction(ds, (qr) => vault.store({ requestId: REQUEST, kind: 'other', bytes: tinyPng(), mediaType: 'image/png' }, asTx(qr)));
    expect(vaultFiles()).toHaveLength(2);
  });

  it('refuses a document whose bytes in a shared file were swapped with its neighbour\'s', async () => {
    const [a, b] = await inWriteTransaction(ds, async (qr) => [
      await vault.store({ requestId: REQUEST, kind: 'other', bytes: tinyPng(), mediaType: 'image/png' }, asTx(qr)),
      await vault.store({ requestId: REQUEST, kind: 'other', bytes: tinyPng(), mediaType: 'image/png' }, asTx(qr)),
    ]);
    const rowA = await ds.getRepository(DocumentSchema).findOneByOrFail({ id: a.id });
    await ds.getRepository(DocumentSchema).update({ id: b.id }, { fileOffset: rowA.fileOffset });
    await expectRaError(vault.read(b.id, REQUEST), 'VAULT.DECRYPT_FAILED');
  });

  it('removes the written file when the record cannot be inserted', async () => {
    await ds.query(`CREATE TRIGGER refuse_documents BEFORE INSERT ON documents BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await expect(vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes: tinyJpeg(), mediaType: 'image/jpeg' })).rejects.toThrow();
    expect(vaultFiles().filter((f) => f.endsWith('.bin') || f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('no plaintext under the data folder (UU 27/2022)', () => {
  const WINDOW = 16;

  /** Every 16-byte window of the secrets, skipping runs too plain to be telling (padding, zero fill). */
  function windowsOf(secrets: readonly Uint8Array[]): Set<string> {
    const windows = new Set<string>();
    for (const secret of secrets) {
      const text = Buffer.from(secret).toString('latin1');
      for (let i = 0; i + WINDOW <= text.length; i++) {
        const w = text.slice(i, i + WINDOW);
        if (new Set(w).size >= 4) windows.add(w);
      }
    }
    return windows;
  }

  /** Files (relative to `dir`) containing any of the windows or any of the NIKs. */
  function leaks(dir: string, windows: Set<string>, niks: readonly string[]): string[] {
    return filesUnder(dir).filter((file) => {
      const text = readFileSync(file).toString('latin1');
      if (niks.some((nik) => text.includes(nik))) return true;
      for (let i = 0; i + WINDOW <= text.length; i++) if (windows.has(text.slice(i, i + WINDOW))) return true;
      return false;
    }).map((f) => relative(dir, f));
  }

  it('finds no 16-byte window of any stored file and no NIK in any file, WAL and SHM included', async () => {
    const niks = [randomNik(), randomNik(), randomNik()];
    const plaintexts = [
      tinyPdf({ text: `e-KTP NIK ${niks[0]} ${randomBytes(8).toString('hex')}`, objects: [pdfStream('/Type /XObject /Subtype /Image /Filter /DCTDecode', randomBytes(200_000))] }),
      tinyJpeg({ comment: Buffer.from(`NIK ${niks[1]} ${randomBytes(16).toString('hex')}`) }),
      tinyPng({ text: randomBytes(4096) }),
    ];
    const mediaTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
    await inWriteTransaction(ds, async (qr) => {
      for (const [i, bytes] of plaintexts.entries()) {
        await vault.store({ requestId: REQUEST, kind: 'ktp_scan', bytes, mediaType: mediaTypes[i] ?? 'application/pdf' }, asTx(qr));
      }
    });
    const fields = createFieldCipher(keys);
    await ds.getRepository(RosterSchema).insert(niks.map((nik, i) => ({
      personId: `P-${i}`, nip: `19800101200501100${i}`, nikHmac: fields.lookupHash(nik), nikEnc: fields.encrypt(nik),
      name: `Pegawai ${i}`, email: `pegawai${i}@pontianak.go.id`, agency: 'Diskominfo', position: 'Staf',
      superiorNip: null, category: 'pns', active: true, updatedAt: '2026-11-25T09:00:00.000Z',
    })));
    const found = await ds.getRepository(RosterSchema).findOneByOrFail({ nikHmac: fields.lookupHash(niks[2] ?? '') });
    expect(fields.decrypt(found.nikEnc)).toBe(niks[2]);

    const windows = windowsOf(plaintexts);
    const names = filesUnder(dataDir).map((f) => relative(dataDir, f));
    expect(names).toEqual(expect.arrayContaining(['ra-desk.sqlite', 'ra-desk.sqlite-wal', 'ra-desk.sqlite-shm']));
    expect(leaks(dataDir, windows, niks)).toEqual([]);

    await ds.destroy(); // checkpoints the WAL into the database file
    expect(leaks(dataDir, windows, niks)).toEqual([]);

    // The scan itself works: it finds a plaintext and a NIK where they are.
    const control = makeTempDir('vault-control');
    try {
      writeFileSync(join(control, 'copy.bin'), Buffer.concat([randomBytes(100), (plaintexts[2] ?? Buffer.alloc(0)).subarray(1000, 1016)]));
      writeFileSync(join(control, 'nik.txt'), `nik=${niks[1]}`);
      expect(leaks(control, windows, niks).sort()).toEqual(['copy.bin', 'nik.txt']);
    } finally {
      removeTempDir(control);
    }
  });
});
