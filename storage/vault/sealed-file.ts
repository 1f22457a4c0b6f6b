import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The on-disk form of one document: `RADV` | format version (1 byte) | nonce (12) | GCM tag (16) |
 * ciphertext. AES-256-GCM under the document's own data key; the associated data binds the file to its
 * request and document id, so a file moved to another request (or another row) fails to decrypt.
 */
export const VAULT_FORMAT_VERSION = 1;

const MAGIC = Buffer.from('RADV', 'ascii');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + NONCE_BYTES + TAG_BYTES;

export const contentAad = (requestId: string, documentId: string): Buffer =>
  Buffer.from(`ra-desk/doc/v${VAULT_FORMAT_VERSION}|${requestId}|${documentId}`, 'utf8');

export function sealContent(dataKey: Buffer, aad: Buffer, plain: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce).setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, Buffer.of(VAULT_FORMAT_VERSION), nonce, cipher.getAuthTag(), body]);
}

/** The plaintext, or undefined when the header, the key, the associated data or any byte is wrong. */
export function openContent(dataKey: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < HEADER_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (sealed[MAGIC.length] !== VAULT_FORMAT_VERSION) return undefined;
  const nonceAt = MAGIC.length + 1;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(nonceAt, nonceAt + NONCE_BYTES)).setAAD(aad);
    decipher.setAuthTag(sealed.subarray(nonceAt + NONCE_BYTES, HEADER_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
