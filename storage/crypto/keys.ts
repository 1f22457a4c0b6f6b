import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RaError } from '../../domain/shared/ra-error.ts';

/**
 * The master key (32 bytes) and the keys derived from it. Every purpose gets its own HKDF-derived key so
 * a leak of one (say the NIK lookup key) does not open the others. The master key lives outside the
 * database: in `RA_MASTER_KEY` (base64) or in a key file created with mode 0600 by `ra-desk init`.
 */
export interface KeyRing {
  /** Short, non-secret id of the master key (first 8 bytes of its SHA-256, hex) to tell keys apart after rotation. */
  readonly keyId: string;
  /** Wraps per-file data keys in the document vault. */
  readonly wrapKey: Buffer;
  /** Encrypts personal fields (NIK) in database rows. */
  readonly fieldKey: Buffer;
  /** Keyed hash for lookups of personal fields (NIK) without storing them in clear. */
  readonly lookupKey: Buffer;
  /** Authenticates the audit chain checkpoint kept outside the database. */
  readonly auditKey: Buffer;
}

const derive = (master: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `ra-desk/${purpose}/v1`, 32));

export function createKeyRing(master: Buffer): KeyRing {
  if (master.length !== 32) throw new RaError('KEY.BAD_LENGTH', `The master key must be 32 bytes; got ${master.length}`);
  return {
    keyId: createHash('sha256').update(master).digest('hex').slice(0, 16),
    wrapKey: derive(master, 'vault-wrap'),
    fieldKey: derive(master, 'field'),
    lookupKey: derive(master, 'lookup'),
    auditKey: derive(master, 'audit-checkpoint'),
  };
}

/** Decodes `RA_MASTER_KEY` (base64 of 32 bytes). */
export function decodeMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new RaError('KEY.BAD_LENGTH', 'RA_MASTER_KEY must be the base64 of exactly 32 random bytes (try: openssl rand -base64 32)');
  return key;
}

/** Creates the key file with mode 0600 unless it exists; returns true when it was created. */
export function createMasterKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return true;
}

export function readMasterKeyFile(path: string): Buffer {
  if (!existsSync(path)) throw new RaError('KEY.MISSING', `No master key: set RA_MASTER_KEY or run "ra-desk init" to create ${path}`);
  return decodeMasterKey(readFileSync(path, 'utf8'));
}
