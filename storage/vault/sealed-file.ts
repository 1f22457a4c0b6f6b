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

/** Where the ciphertext starts in a sealed file. */
export const SEALED_HEADER_BYTES = HEADER_BYTES;

/** One file being sealed: the ciphertext in slices, then the header, which holds the tag known only at the end. */
export interface Sealing {
  /** Ciphertext slices in order; the first goes at `SEALED_HEADER_BYTES`. */
  readonly slices: Iterable<Buffer>;
  /** The header; only once every slice was taken. */
  header(): Buffer;
}

/**
 * Seals `plain` slice by slice, so a 25 MB message is never held twice more (ciphertext, then header
 * plus ciphertext): each slice can be written and dropped. The cipher takes its copy of the key here,
 * so the caller may wipe `dataKey` as soon as this returns.
 */
export function startSealing(dataKey: Buffer, aad: Buffer, plain: Uint8Array, sliceBytes = 256 * 1024): Sealing {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce).setAAD(aad);
  let done = false;
  function* slices(): Generator<Buffer> {
    for (let at = 0; at < plain.length; at += sliceBytes) yield cipher.update(plain.subarray(at, at + sliceBytes));
    const rest = cipher.final(); // empty for GCM, but it is what computes the tag
    done = true;
    if (rest.length > 0) yield rest;
  }
  return {
    slices: slices(),
    header() {
      if (!done) throw new Error('sealed-file: header() before every slice was taken');
      return Buffer.concat([MAGIC, Buffer.of(VAULT_FORMAT_VERSION), nonce, cipher.getAuthTag()]);
    },
  };
}

/** The whole sealed file in one buffer: for small files and tests. */
export function sealContent(dataKey: Buffer, aad: Buffer, plain: Uint8Array): Buffer {
  const sealing = startSealing(dataKey, aad, plain, Math.max(1, plain.length));
  const body = [...sealing.slices];
  return Buffer.concat([sealing.header(), ...body]);
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
