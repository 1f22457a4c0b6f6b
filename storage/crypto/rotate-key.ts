import { existsSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IsNull, Not, type DataSource, type QueryRunner } from 'typeorm';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { GENESIS_HASH } from '../../domain/audit/chain.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { auditCheckpointFile, checkpointMac, createAuditLog, type StoredAuditLog } from '../audit/audit-log.ts';
import { inWriteTransaction, isSqlite } from '../data-source.ts';
import {
  AuditSchema, BotSessionSchema, DocumentSchema, OutsiderPermitSchema, RequestSchema, RosterSchema, SettingSchema,
} from '../entities/schemas.ts';
import { toHandle } from '../transaction.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';
import { unwrapDataKey, wrapDataKey } from '../vault/key-wrap.ts';
import { createFieldCipher } from './field-cipher.ts';
import { createKeyRing, decodeMasterKey, type KeyRing } from './keys.ts';

/** What one rotation changed: counts only, never a value. */
export interface RotationReport {
  readonly fromKeyId: string;
  readonly toKeyId: string;
  /** Vault data keys re-wrapped (files are not rewritten: their data keys do not change). */
  readonly documents: number;
  /** Roster NIKs re-encrypted and re-hashed. */
  readonly roster: number;
  /** Request NIKs re-encrypted and re-hashed. */
  readonly requests: number;
  /** Outsider permits whose NIK hash was recomputed from a request of the same person. */
  readonly permits: number;
  /**
   * Permits in force whose NIK hash could not be recomputed: the desk keeps a permit's NIK only as its
   * keyed hash, so unless that person applied with it, the Pengelola must grant it again.
   */
  readonly permitsToRegrant: number;
  /** Bot conversations holding a sealed NIK (a half-finished application), re-sealed so they can finish. */
  readonly sessions: number;
  /** True when this run finished a rotation that an earlier run committed but did not complete. */
  readonly resumed: boolean;
}

export interface RotationInput {
  readonly ds: DataSource;
  readonly dataDir: string;
  /** The master key file in use; replaced (atomically, 0600) at the very end. */
  readonly keyFile: string;
  readonly current: Buffer;
  /** The new key, or undefined to generate one. */
  readonly next: Buffer;
  readonly now: () => Date;
}

const SETTING = 'master_key_id';
/** Where the new key waits between the database commit and the swap (see `rotateMasterKey`). */
export const pendingKeyFile = (keyFile: string): string => `${keyFile}.new`;
/** Key ids are fingerprints; eight hex digits name them in the audit row without looking like a NIK. */
const shortId = (keyId: string): string => keyId.slice(0, 8);

/**
 * Rotates the master key: every vault data key re-wrapped, every NIK ciphertext re-encrypted, every
 * keyed NIK hash recomputed, the database rebound to the new key and the rotation audited, all in ONE
 * database transaction; then the audit checkpoint is re-signed and the key file swapped.
 *
 * Crash safety, step by step:
 * 1. The new key is written to `<key file>.new` (0600, fsynced) before the database is touched.
 * 2. The transaction commits, or nothing changed (the old key keeps working; the stale `.new` file is
 *    discarded by the next run).
 * 3. After the commit the database answers only to the new key: every command refuses the old one with
 *    KEY.MISMATCH until step 5, so nothing can be written under the wrong key. Running
 *    `ra-desk vault rotate-key` again finds `.new` matching the database and finishes (`resumed`).
 * 4. The audit checkpoint is re-signed under the new key (atomic rename).
 * 5. `.new` is renamed over the key file (atomic), and the folder fsynced.
 * Vault files are never rewritten, so no step can leave a file that neither key opens.
 */
export async function rotateMasterKey(input: RotationInput): Promise<RotationReport> {
  const { ds, dataDir, keyFile, now } = input;
  const oldKeys = createKeyRing(input.current);
  const newKeys = createKeyRing(input.next);
  if (oldKeys.keyId === newKeys.keyId) throw new RaError('KEY.SAME', 'The new master key is the key in use');
  const bound = await boundKeyId(ds);
  if (bound !== oldKeys.keyId) {
    throw new RaError('KEY.MISMATCH', `The master key (id ${oldKeys.keyId}) is not the key this database was written with (id ${bound ?? 'none'})`);
  }
  // A tampered log must not be re-signed under a fresh key: that would launder it.
  const before = await createAuditLog({ dataSource: ds, dataDir, keys: oldKeys, now }).verify();
  if (!before.ok) throw new RaError('KEY.AUDIT_BROKEN', `The audit log does not verify (${before.reason ?? 'unknown'}); run "ra-desk audit verify" and resolve it before rotating`);

  const pending = pendingKeyFile(keyFile);
  await rm(pending, { force: true });
  await writeFileAtomic(pending, Buffer.from(input.next.toString('base64') + '\n'));

  const auditLog = createAuditLog({ dataSource: ds, dataDir, keys: newKeys, now });
  const counts = await inWriteTransaction(ds, (qr) => rewrap(qr, oldKeys, newKeys, auditLog, now()));
  await finish(ds, dataDir, keyFile, newKeys, now);
  return { fromKeyId: oldKeys.keyId, toKeyId: newKeys.keyId, ...counts, resumed: false };
}

/**
 * Finishes a rotation whose transaction committed but whose checkpoint or key swap did not happen (a
 * crash between steps 2 and 5). Returns null when there is nothing to finish.
 */
export async function finishPendingRotation(input: { ds: DataSource; dataDir: string; keyFile: string; current: Buffer; now: () => Date }): Promise<RotationReport | null> {
  const pending = pendingKeyFile(input.keyFile);
  if (!existsSync(pending)) return null;
  const newKeys = createKeyRing(decodeMasterKey(readFileSync(pending, 'utf8')));
  const bound = await boundKeyId(input.ds);
  if (bound !== newKeys.keyId) return null;
  const oldKeys = createKeyRing(input.current);
  // The checkpoint is signed by the old key (crash before step 4) or already by the new one.
  const underOld = await createAuditLog({ dataSource: input.ds, dataDir: input.dataDir, keys: oldKeys, now: input.now }).verify();
  const underNew = underOld.ok ? underOld : await createAuditLog({ dataSource: input.ds, dataDir: input.dataDir, keys: newKeys, now: input.now }).verify();
  if (!underNew.ok) throw new RaError('KEY.AUDIT_BROKEN', `The audit log does not verify (${underNew.reason ?? 'unknown'}); run "ra-desk audit verify" with the key in ${pending}`);
  await finish(input.ds, input.dataDir, input.keyFile, newKeys, input.now);
  return { fromKeyId: oldKeys.keyId, toKeyId: newKeys.keyId, documents: 0, roster: 0, requests: 0, permits: 0, permitsToRegrant: 0, sessions: 0, resumed: true };
}

async function boundKeyId(ds: DataSource): Promise<string | null> {
  return (await ds.getRepository(SettingSchema).findOneBy({ name: SETTING }))?.value ?? null;
}

async function rewrap(qr: QueryRunner, oldKeys: KeyRing, newKeys: KeyRing, auditLog: StoredAuditLog, at: Date) {
  const m = qr.manager;
  const oldFields = createFieldCipher(oldKeys);
  const newFields = createFieldCipher(newKeys);

  let documents = 0;
  for (const row of await m.find(DocumentSchema, { select: { id: true, wrappedKey: true, keyId: true } })) {
    const dataKey = unwrapDataKey(oldKeys.wrapKey, row.id, row.wrappedKey);
    await m.update(DocumentSchema, { id: row.id }, { wrappedKey: wrapDataKey(newKeys.wrapKey, row.id, dataKey), keyId: newKeys.keyId });
    dataKey.fill(0);
    documents++;
  }

  let roster = 0;
  for (const row of await m.find(RosterSchema, { select: { personId: true, nikEnc: true, nikHmac: true } })) {
    // A NIK destroyed by the retention run has no ciphertext left; its placeholder hash stays as it is.
    if (row.nikEnc === '') continue;
    const nik = oldFields.decrypt(row.nikEnc);
    await m.update(RosterSchema, { personId: row.personId }, { nikEnc: newFields.encrypt(nik), nikHmac: newFields.lookupHash(nik) });
    roster++;
  }

  // Old hash → new hash of every NIK a request holds: also how outsider permits are carried over.
  const rehashed = new Map<string, string>();
  let requests = 0;
  for (const row of await m.find(RequestSchema, { where: { applicantNikEnc: Not(IsNull()) }, select: { id: true, applicantNikEnc: true, applicantNikHmac: true, applicantEmail: true } })) {
    const nik = oldFields.decrypt(row.applicantNikEnc!);
    const hash = newFields.lookupHash(nik);
    if (row.applicantNikHmac) rehashed.set(`${row.applicantEmail}|${row.applicantNikHmac}`, hash);
    await m.update(RequestSchema, { id: row.id }, { applicantNikEnc: newFields.encrypt(nik), applicantNikHmac: hash });
    requests++;
  }
  // A hash without its ciphertext cannot be recomputed; under the new key it would match nothing anyway.
  await m.update(RequestSchema, { applicantNikEnc: IsNull(), applicantNikHmac: Not(IsNull()) }, { applicantNikHmac: null });

  let permits = 0;
  let permitsToRegrant = 0;
  for (const row of await m.find(OutsiderPermitSchema)) {
    const hash = rehashed.get(`${row.email}|${row.nikHmac}`);
    if (hash) {
      await m.update(OutsiderPermitSchema, { id: row.id }, { nikHmac: hash });
      permits++;
    } else if (row.revokedAt === null) {
      permitsToRegrant++;
    }
  }

  // The bot keeps a NIK typed mid-conversation sealed with the field key (`nikSealed` in the chat state).
  const sealedPrefix = `v1.${oldKeys.keyId}.`;
  const reseal = (value: unknown): unknown => {
    if (typeof value === 'string') return value.startsWith(sealedPrefix) ? newFields.encrypt(oldFields.decrypt(value)) : value;
    if (Array.isArray(value)) return value.map(reseal);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reseal(v)]));
    return value;
  };
  let sessions = 0;
  for (const row of await m.find(BotSessionSchema)) {
    if (!row.state.includes(sealedPrefix)) continue;
    await m.update(BotSessionSchema, { chatId: row.chatId }, { state: JSON.stringify(reseal(JSON.parse(row.state))) });
    sessions++;
  }

  await m.update(SettingSchema, { name: SETTING }, { value: newKeys.keyId, updatedAt: at.toISOString() });
  await auditLog.append({
    actor: SYSTEM_ACTOR, action: 'vault.key_rotated', subject: 'vault',
    outcome: `from:${shortId(oldKeys.keyId)}/to:${shortId(newKeys.keyId)}/documents:${documents}/roster:${roster}/requests:${requests}/permits:${permits}/regrant:${permitsToRegrant}`,
  }, toHandle(qr));
  return { documents, roster, requests, permits, permitsToRegrant, sessions };
}

/** Steps 4 and 5: the checkpoint under the new key, then the key file. Both idempotent. */
async function finish(ds: DataSource, dataDir: string, keyFile: string, newKeys: KeyRing, now: () => Date): Promise<void> {
  await inWriteTransaction(ds, async (qr) => {
    // Inside the write lock, like every checkpoint: no append can slip between reading the head and the rename.
    if (!isSqlite(ds)) await qr.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const [head] = await qr.manager.find(AuditSchema, { order: { seq: 'DESC' }, take: 1 });
    const seq = head ? Number(head.seq) : 0;
    const hash = head?.hash ?? GENESIS_HASH;
    const at = now().toISOString();
    await writeFileAtomic(auditCheckpointFile(dataDir), Buffer.from(JSON.stringify({ seq, hash, at, mac: checkpointMac(newKeys, seq, hash, at) }) + '\n'));
  });
  await rename(pendingKeyFile(keyFile), keyFile);
  const dir = await open(dirname(keyFile), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
