import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';
import { isDocumentKind } from '../../domain/documents/document-kind.ts';
import { ARCHIVED_MEDIA_TYPES, type ArchivedMediaType, type DocumentVault, type StoredDocument } from '../../domain/ports/document-vault.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { finishBeforeCommit, inWriteTransaction } from '../data-source.ts';
import type { DocumentRow } from '../entities/rows.ts';
import { DocumentSchema } from '../entities/schemas.ts';
import { writeAllAt, writeNewFile } from './atomic-write.ts';
import { createVaultPacks, type SealedWriter } from './vault-pack.ts';
import { DATA_KEY_BYTES, unwrapDataKey, wrapDataKey } from './key-wrap.ts';
import { registerRollbackCleanup } from './rollback-cleanup.ts';
import { contentAad, openContent, SEALED_HEADER_BYTES, startSealing, type Sealing } from './sealed-file.ts';
import { isUuid } from '../../domain/shared/uuid.ts';
import { sha256Of } from './known-digest.ts';
import { rowInsert } from '../row-insert.ts';
import { reclaimAfter, reclaimYoung } from '../reclaim-memory.ts';

export { VAULT_FORMAT_VERSION } from './sealed-file.ts';

export interface FileVaultOptions {
  readonly dataSource: DataSource;
  /** The data folder; files go to `<dataDir>/vault/<2 hex>/<documentId>.bin`. */
  readonly dataDir: string;
  readonly keys: KeyRing;
  readonly now?: () => Date;
}

/**
 * Relative to the data folder, `/`-separated, so the folder can move and backups can verify it. A file
 * is named by a fresh UUID: the document's own, or its pack's (vault-pack.ts).
 */
export const documentPath = (fileId: string): string => `vault/${fileId.slice(0, 2)}/${fileId}.bin`;

/** Whether a row's path keeps to the vault layout (and so cannot point outside the vault folder). */
export const isVaultPath = (path: string): boolean => {
  const id = /^vault\/[0-9a-f]{2}\/([0-9a-f-]{36})\.bin$/.exec(path)?.[1];
  return id !== undefined && isUuid(id) && path === documentPath(id);
};

/**
 * A document's sealed bytes as its row places them: its span of a shared file, or (rows older than
 * packs) its whole file. Fewer bytes if the file is shorter; decryption then fails.
 */
export async function readSealed(dataDir: string, row: Pick<DocumentRow, 'path' | 'fileOffset' | 'sealedSize'>): Promise<Buffer> {
  const file = join(dataDir, row.path);
  if (row.sealedSize === null) return readFile(file);
  const handle = await open(file, 'r');
  try {
    const into = Buffer.alloc(row.sealedSize);
    const { bytesRead } = await handle.read(into, 0, row.sealedSize, row.fileOffset);
    return into.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The document vault on the local file system (Pasal 15(6): archive securely; UU 27/2022: the e-KTP
 * scan is personal data). Each file gets a random data key; content is AES-256-GCM with the request and
 * document id as associated data; the data key is wrapped by the master key's wrap key and kept in the
 * row with `key_id`, so a key rotation re-wraps rows and never rewrites files. Plaintext lives only in
 * memory: no temp file, no log line.
 *
 * @example
 * const vault = createFileVault({ dataSource, dataDir: config.dataDir, keys });
 * const doc = await vault.store({ requestId, kind: 'ktp_scan', bytes, mediaType: 'image/png' });
 * const bytes = await vault.read(doc.id, requestId);
 */
export function createFileVault(options: FileVaultOptions): DocumentVault {
  const { dataSource, dataDir, keys } = options;
  const now = options.now ?? (() => new Date());
  const rollbacks = registerRollbackCleanup(dataSource);
  const packs = createVaultPacks(dataDir, rollbacks, documentPath);
  // A mail application stores four documents: their rows go without typeorm's query builder.
  const insertDocument = rowInsert(dataSource, DocumentSchema);
  const documents = (qr?: QueryRunner) => (qr ? qr.manager : dataSource.manager).getRepository(DocumentSchema);

  return {
    async store(input, tx) {
      const id = randomUUID();
      const dataKey = randomBytes(DATA_KEY_BYTES);
      const row: DocumentRow = {
        id,
        requestId: input.requestId,
        kind: input.kind,
        mediaType: input.mediaType,
        size: input.bytes.length,
        sha256: sha256Of(input.bytes),
        path: documentPath(id),
        fileOffset: 0,
        sealedSize: null,
        wrappedKey: wrapDataKey(keys.wrapKey, id, dataKey),
        keyId: keys.keyId,
        createdAt: now().toISOString(),
      };
      const sealing = startSealing(dataKey, contentAad(input.requestId, id), input.bytes);
      dataKey.fill(0);
      const qr = tx === undefined ? undefined : toQueryRunner(tx);
      // Inside a transaction the document joins the transaction's pack (one file, fsynced once before
      // the commit); a failure there leaves the pack to the transaction's rollback.
      const packed = qr && packs.append(qr, writeSealed(sealing, input.bytes.length));
      reclaimAfter(input.bytes.length);
      if (qr && packed) {
        const inPack: DocumentRow = { ...row, path: packed.path, fileOffset: packed.offset, sealedSize: packed.length };
        await insertDocument(inPack, tx);
        return toStored(inPack);
      }
      // Otherwise a file of its own. A row is written only once its file holds the whole ciphertext (a
      // reader of the row, even of the transaction's own uncommitted state, finds the file), and is
      // committed only once the file is durable: inside a transaction the fsyncs run while it goes on
      // with its queries, and its commit waits for them (finishBeforeCommit); on its own, the fsyncs first.
      const file = join(dataDir, row.path);
      const write = writeSealed(sealing, input.bytes.length);
      const durable = writeNewFile(file, (fd) => { row.sealedSize = write(fd, 0); });
      try {
        if (qr === undefined || !finishBeforeCommit(qr, durable)) await durable;
        if (qr === undefined) {
          await inWriteTransaction(dataSource, (own) => documents(own).insert(row));
        } else {
          await documents(qr).insert(row);
          rollbacks.track(qr, file, durable);
        }
      } catch (e) {
        // If the row fails, the file goes (once it is settled, so nothing recreates it after the removal).
        await durable.catch(() => undefined);
        await rm(file, { force: true });
        throw e;
      }
      return toStored(row);
    },

    async read(documentId, requestId) {
      const row = isUuid(documentId) ? await documents().findOneBy({ id: documentId }) : null;
      if (!row) throw new RaError('VAULT.NOT_FOUND', isUuid(documentId) ? `No stored document has id ${documentId}` : 'No stored document has that id (ids are UUIDs)');
      if (!isVaultPath(row.path)) {
        throw new RaError('VAULT.BAD_PATH', `The row of document ${row.id} points outside the vault layout (${VAULT_LAYOUT})`);
      }
      const dataKey = unwrapWithKeyHint(row);
      let sealed: Buffer;
      try {
        await packs.written(row.path);
        sealed = await readSealed(dataDir, row);
      } catch (cause) {
        throw new RaError('VAULT.FILE_MISSING', `The file of document ${row.id} is missing from ${row.path}; restore it from backup`, { cause });
      }
      const plain = openContent(dataKey, contentAad(requestId, row.id), sealed);
      dataKey.fill(0);
      if (!plain) {
        throw new RaError('VAULT.DECRYPT_FAILED', `Document ${row.id} cannot be decrypted for this request: it belongs to another request or its file was altered`);
      }
      if (plain.length !== row.size || sha256(plain) !== row.sha256) {
        throw new RaError('VAULT.INTEGRITY_FAILED', `Document ${row.id} decrypted but does not match its recorded size and SHA-256`);
      }
      return plain;
    },

    async list(requestId) {
      const rows = await documents().find({ where: { requestId }, order: { createdAt: 'ASC', id: 'ASC' } });
      return rows.map(toStored);
    },
  };

  function unwrapWithKeyHint(row: DocumentRow): Buffer {
    try {
      return unwrapDataKey(keys.wrapKey, row.id, row.wrappedKey);
    } catch (e) {
      if (row.keyId === keys.keyId) throw e;
      // Key ids are fingerprints, not secrets: naming them tells the operator which key file to load.
      throw new RaError('VAULT.DECRYPT_FAILED', `Document ${row.id} was stored under master key ${row.keyId}; the loaded key is ${keys.keyId}`, { cause: e });
    }
  }
}

/** Ciphertext gathered per write: a typical file goes out in one write, header included. */
const WRITE_BYTES = 1024 * 1024;
/**
 * Documents up to this size are written on the thread pool, where the copy into the page cache runs
 * beside the main thread; their ciphertext is held until written. A bigger one is written here, a
 * megabyte at a time, so its ciphertext never piles up (a 25 MB message's peak memory counts).
 */
const BACKGROUND_MAX_BYTES = 4 * 1024 * 1024;
/** How much ciphertext of one document may be written between collections of the slices already written. */
const YOUNG_COLLECTION_BYTES = 4 * WRITE_BYTES;

/**
 * Writes the ciphertext as it is made, a megabyte at a time, then the header (which holds the tag) in
 * front; a document of up to a megabyte is written whole in one call once its tag is known. Returns the
 * sealed size.
 */
const writeSealed = (sealing: Sealing, size: number): SealedWriter => (fd, offset, later) => {
  if (later && size <= BACKGROUND_MAX_BYTES) {
    const body = [...sealing.slices];
    const pieces = [sealing.header(), ...body];
    later(offset, pieces);
    return pieces.reduce((n, p) => n + p.length, 0);
  }
  let at = offset + SEALED_HEADER_BYTES;
  let batch: Buffer[] = [];
  let bytes = 0;
  let uncollected = 0; // bytes written since the slices written were last collected
  for (const slice of sealing.slices) {
    batch.push(slice);
    bytes += slice.length;
    if (bytes < WRITE_BYTES) continue;
    writeAllAt(fd, batch, at);
    at += bytes;
    uncollected += bytes;
    batch = [];
    bytes = 0;
    // The slices written are garbage: a big document's would otherwise pile up to its whole size.
    if (uncollected >= YOUNG_COLLECTION_BYTES) {
      reclaimYoung();
      uncollected = 0;
    }
  }
  const header = sealing.header();
  if (at === offset + SEALED_HEADER_BYTES) writeAllAt(fd, [header, ...batch], offset);
  else {
    writeAllAt(fd, batch, at);
    writeAllAt(fd, [header], offset);
  }
  return at + bytes - offset;
};

const VAULT_LAYOUT = 'vault/<2 hex>/<document id>.bin';

/**
 * Storage's own transaction handles are typeorm query runners (see domain/ports/transaction.ts); anything
 * else reaching here is a wiring mistake.
 */
function toQueryRunner(tx: TransactionHandle): QueryRunner {
  const qr = tx as unknown as Partial<QueryRunner>;
  if (typeof qr.manager !== 'object' || typeof qr.isTransactionActive !== 'boolean') {
    throw new RaError('VAULT.BAD_TRANSACTION', 'The transaction handle passed to the vault is not a typeorm QueryRunner');
  }
  return qr as QueryRunner;
}

function toStored(row: DocumentRow): StoredDocument {
  const { kind, mediaType } = row;
  if (!isDocumentKind(kind) || !(ARCHIVED_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new RaError('VAULT.BAD_ROW', `Document ${row.id} has an unknown kind or media type`);
  }
  return {
    id: row.id,
    requestId: row.requestId,
    kind,
    mediaType: mediaType as ArchivedMediaType,
    size: row.size,
    sha256: row.sha256,
    createdAt: new Date(row.createdAt),
  };
}
