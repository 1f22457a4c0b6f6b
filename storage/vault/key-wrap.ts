import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { RaError } from '../../domain/shared/ra-error.ts';

/**
 * Wraps a per-file data key with the vault wrap key (AES-256-GCM, its own nonce). Kept apart from the
 * file encryption so `vault rotate-key` re-wraps every data key and rewrites `wrapped_key` / `key_id`
 * without touching a single file. The document id is bound as associated data: a wrapped key copied
 * onto another document's row does not open it.
 *
 * Format: `v1.<base64(nonce|tag|ciphertext)>`; which master key wrapped it is the row's `key_id`.
 */
const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

const aad = (documentId: string): Buffer => Buffer.from(`ra-desk/dk/v1|${documentId}`, 'utf8');

export function wrapDataKey(wrapKey: Buffer, documentId: string, dataKey: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', wrapKey, nonce).setAAD(aad(documentId));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return `${VERSION}.${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** Throws `RaError` `VAULT.DECRYPT_FAILED` under a wrong wrap key, another document id, or an altered value. */
export function unwrapDataKey(wrapKey: Buffer, documentId: string, wrapped: string): Buffer {
  const [version, payload, ...rest] = wrapped.split('.');
  const raw = Buffer.from(payload ?? '', 'base64');
  if (version !== VERSION || rest.length > 0 || raw.length !== NONCE_BYTES + TAG_BYTES + DATA_KEY_BYTES) {
    throw new RaError('VAULT.DECRYPT_FAILED', `The data key of document ${documentId} is not a ${VERSION} wrapped key`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrapKey, raw.subarray(0, NONCE_BYTES)).setAAD(aad(documentId));
    decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new RaError('VAULT.DECRYPT_FAILED', `The data key of document ${documentId} cannot be unwrapped with the current master key`, { cause });
  }
}
