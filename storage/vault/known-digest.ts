import { createHash } from 'node:crypto';

/**
 * SHA-256 digests already computed for byte buffers, so the vault does not hash the same bytes again.
 * A received mail is hashed where it is parsed (the parse worker, off the event loop): the message for
 * the audit evidence and its attachments, which the vault would otherwise hash on the event loop while
 * storing them. Keyed by the buffer object itself (a WeakMap): the entry goes when the buffer does, and
 * a digest is only ever found for the very object it was computed from.
 *
 * Nothing is trusted blindly: the vault records the digest with the row and checks the decrypted bytes
 * against it on every read, so a wrong digest could never pass as a valid document.
 */
const known = new WeakMap<Uint8Array, string>();

/** Records that `bytes` (which no one changes afterwards) hash to `sha256` (hex). */
export function rememberDigest(bytes: Uint8Array, sha256: string): void {
  known.set(bytes, sha256);
}

/** The digest remembered for `bytes`, if any. */
export function rememberedDigest(bytes: Uint8Array): string | undefined {
  return known.get(bytes);
}

/** The SHA-256 (hex) of `bytes`: remembered, or computed now. */
export function sha256Of(bytes: Uint8Array): string {
  return known.get(bytes) ?? createHash('sha256').update(bytes).digest('hex');
}
