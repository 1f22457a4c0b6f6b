import { createPrivateKey, generateKeyPairSync, randomBytes, webcrypto, type KeyObject } from 'node:crypto';

/**
 * Key handling for the sandbox CA. Keys are made with Node's native crypto (milliseconds, where
 * node-forge's pure-JS RSA takes seconds) and handed to @peculiar/x509 as WebCrypto keys.
 */

/** RSA with SHA-256: what every relying party, OpenSSL build and PDF reader accepts. */
export const CA_SIGNING_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** 2048 bits keeps `ra-desk init` and test set-up fast; the sandbox signs nothing of legal weight. */
export const CA_RSA_BITS = 2048;

export interface CaKeyPair {
  readonly privateKeyPem: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

const importPrivate = (key: KeyObject, extractable: boolean): Promise<webcrypto.CryptoKey> =>
  webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), CA_SIGNING_ALGORITHM, extractable, ['sign']);

export async function generateCaKeyPair(bits = CA_RSA_BITS): Promise<CaKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keys: webcrypto.CryptoKeyPair = {
    privateKey: await importPrivate(privateKey, false),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), CA_SIGNING_ALGORITHM, true, ['verify']),
  };
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), keys };
}

/** Loads a PKCS#8 PEM signing key as a non-extractable WebCrypto key. */
export const loadSigningKey = (pem: string): Promise<webcrypto.CryptoKey> => importPrivate(createPrivateKey(pem), false);

/**
 * A fresh serial: 16 random bytes (RFC 5280 allows 20; CA/B Forum asks for 64 random bits), top bits
 * `01` so the number is positive and keeps all 16 bytes: lower-case hex, 32 characters.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** DER INTEGER of a non-negative number, for the cRLNumber extension. */
export function derInteger(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('derInteger takes non-negative numbers');
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const body = Buffer.from(hex, 'hex');
  const content = (body[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return Uint8Array.from([0x02, content.length, ...content]);
}
