import type { DocumentKind } from '../documents/document-kind.ts';
import { MEDIA_TYPES } from '../documents/file-type.ts';

/**
 * What the vault archives: the file types people may upload (checked by their bytes), plus whole
 * received messages (`message/rfc822`) kept as the original record of a mail application (Pasal 15(6)),
 * issued certificates (PEM) and delivery receipts (text, Pasal 16(6)).
 */
export const ARCHIVED_MEDIA_TYPES = [...MEDIA_TYPES, 'message/rfc822', 'application/x-pem-file', 'text/plain'] as const;
export type ArchivedMediaType = (typeof ARCHIVED_MEDIA_TYPES)[number];
import type { TransactionHandle } from './transaction.ts';

/** What the desk knows about a stored file without opening it. */
export interface StoredDocument {
  readonly id: string;
  readonly requestId: string;
  readonly kind: DocumentKind;
  readonly mediaType: ArchivedMediaType;
  /** Plaintext size in bytes. */
  readonly size: number;
  /** SHA-256 of the plaintext, hex: what an officer quotes to show which file was verified. */
  readonly sha256: string;
  readonly createdAt: Date;
}

export interface DocumentToStore {
  readonly requestId: string;
  readonly kind: DocumentKind;
  /** Bytes already accepted by `checkFileType`; the vault does not judge content. */
  readonly bytes: Uint8Array;
  readonly mediaType: ArchivedMediaType;
}

/**
 * Where every file people send is archived: encrypted at rest and bound to its request, because the RA
 * must archive applications securely (Pasal 15(6)) and an e-KTP scan (Pasal 15(2)d) is personal data
 * under UU 27/2022 (Pelindungan Data Pribadi). Implementations never keep a plaintext byte on disk.
 *
 * @example
 * await uow.run(async (tx) => {
 *   const doc = await vault.store({ requestId, kind: 'ktp_scan', bytes, mediaType: 'image/jpeg' }, tx);
 *   await requests.attach(requestId, doc.id, tx); // both commit, or neither does (nor does the file stay)
 * });
 */
export interface DocumentVault {
  /**
   * Encrypts and stores the file. With `tx` its record joins the caller's transaction: when that
   * transaction rolls back, the record and the file both disappear.
   */
  store(input: DocumentToStore, tx?: TransactionHandle): Promise<StoredDocument>;
  /**
   * The plaintext of one document of one request. Throws `RaError` `VAULT.NOT_FOUND` for an unknown id
   * and `VAULT.DECRYPT_FAILED` when the file does not belong to `requestId`, was altered, or was
   * encrypted under another master key.
   */
  read(documentId: string, requestId: string): Promise<Uint8Array>;
  /** Every document of a request, oldest first. */
  list(requestId: string): Promise<StoredDocument[]>;
}
