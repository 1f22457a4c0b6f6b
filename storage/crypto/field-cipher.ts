import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { RaError } from '../../domain/shared/ra-error.ts';
import type { KeyRing } from './keys.ts';

/**
 * Encrypts personal fields (the NIK) in database rows, because a NIK is personal data under UU 27/2022
 * and must never sit in clear in the database file, its WAL or a backup. Beside each ciphertext a
 * keyed hash (`lookupHash`) lets the desk find a roster entry by NIK without decrypting every row; it
 * uses its own HKDF-derived key, so leaking the hashes reveals nothing without the master key.
 *
 * Tokens read `v1.<keyId>.<base64(nonce|tag|ciphertext)>`: the key id says which master key to use after
 * a rotation; note that a rotation must also recompute the lookup hashes.
 *
 * @example
 * const fields = createFieldCipher(keys);
 * const row = { nikEnc: fields.encrypt(nik), nikHmac: fields.lookupHash(nik) };
 * const found = await roster.findOneBy({ nikHmac: fields.lookupHash(input) });
 */
export interface FieldCipher {
  encrypt(plain: string): string;
  /** Throws `RaError` `CRYPTO.DECRYPT_FAILED` for a token that is altered, foreign or under another key. */
  decrypt(token: string): string;
  /** HMAC-SHA256 (hex) of the value without whitespace, so `3171 0123…` and `31710123…` match. */
  lookupHash(plain: string): string;
}

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Binds tokens to this use, so a vault wrapped key can never be passed off as a field. */
const AAD = Buffer.from('ra-desk/field/v1');

export const normaliseLookupValue = (plain: string): string => plain.replace(/\s+/g, '');

export function createFieldCipher(keys: KeyRing): FieldCipher {
  const failed = (cause?: unknown): RaError =>
    new RaError('CRYPTO.DECRYPT_FAILED', 'An encrypted field could not be decrypted: it was altered or encrypted under another master key', cause === undefined ? undefined : { cause });

  return {
    encrypt(plain) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.fieldKey, nonce).setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}.${keys.keyId}.${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
    },

    decrypt(token) {
      const [version, keyId, payload, ...rest] = token.split('.');
      if (version !== VERSION || keyId !== keys.keyId || payload === undefined || rest.length > 0) throw failed();
      const raw = Buffer.from(payload, 'base64');
      if (raw.length < NONCE_BYTES + TAG_BYTES) throw failed();
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys.fieldKey, raw.subarray(0, NONCE_BYTES)).setAAD(AAD);
        decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (e) {
        // Node's message ("Unsupported state or unable to authenticate data") holds no data; keep it as cause.
        throw failed(e);
      }
    },

    lookupHash(plain) {
      return createHmac('sha256', keys.lookupKey).update(normaliseLookupValue(plain), 'utf8').digest('hex');
    },
  };
}
