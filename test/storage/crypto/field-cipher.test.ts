import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isRaError } from '../../../domain/shared/ra-error.ts';
import { createFieldCipher } from '../../../storage/crypto/field-cipher.ts';
import { createKeyRing } from '../../../storage/crypto/keys.ts';

const NIK = '6171012345678901';
const newCipher = () => createFieldCipher(createKeyRing(randomBytes(32)));

const decryptError = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected decrypt to throw');
};

describe('field cipher', () => {
  it('decrypts what it encrypted, and never shows the NIK in the token', () => {
    const fields = newCipher();
    const token = fields.encrypt(NIK);
    expect(token).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9+/]+=*$/);
    expect(token).not.toContain(NIK);
    expect(fields.decrypt(token)).toBe(NIK);
  });

  it('uses a fresh nonce for every encryption', () => {
    const fields = newCipher();
    expect(fields.encrypt(NIK)).not.toBe(fields.encrypt(NIK));
  });

  it('refuses an altered token with CRYPTO.DECRYPT_FAILED and no data in the message', () => {
    const fields = newCipher();
    const token = fields.encrypt(NIK);
    const payload = Buffer.from(token.split('.')[2] ?? '', 'base64');
    payload[payload.length - 1] = (payload[payload.length - 1] ?? 0) ^ 1;
    const tampered = `${token.split('.').slice(0, 2).join('.')}.${payload.toString('base64')}`;
    for (const bad of [tampered, token.slice(0, -4), 'v2' + token.slice(2), 'garbage']) {
      const e = decryptError(() => fields.decrypt(bad));
      expect(isRaError(e, 'CRYPTO.DECRYPT_FAILED')).toBe(true);
      expect(String((e as Error).message)).not.toContain(NIK);
    }
  });

  it('refuses a token made under another master key', () => {
    const e = decryptError(() => newCipher().decrypt(newCipher().encrypt(NIK)));
    expect(isRaError(e, 'CRYPTO.DECRYPT_FAILED')).toBe(true);
  });

  it('gives a stable lookup hash that ignores spaces and differs per master key', () => {
    const master = randomBytes(32);
    const a = createFieldCipher(createKeyRing(master));
    const again = createFieldCipher(createKeyRing(Buffer.from(master)));
    expect(a.lookupHash(NIK)).toMatch(/^[0-9a-f]{64}$/);
    expect(a.lookupHash(NIK)).toBe(again.lookupHash(NIK));
    expect(a.lookupHash(' 6171 0123 4567 8901 ')).toBe(a.lookupHash(NIK));
    expect(a.lookupHash('6171012345678902')).not.toBe(a.lookupHash(NIK));
    expect(newCipher().lookupHash(NIK)).not.toBe(a.lookupHash(NIK));
  });
});
