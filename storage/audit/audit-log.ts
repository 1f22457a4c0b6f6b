import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MoreThan, type DataSource, type QueryRunner } from 'typeorm';
import { assertAuditSafe, type Actor, type AuditEvent } from '../../domain/audit/audit-event.ts';
import {
  GENESIS_HASH, chainHash, createChainVerifier, encodeEvidence, verifyCheckpoint, type ChainRow,
} from '../../domain/audit/chain.ts';
import type { AuditLog, AuditRecord } from '../../domain/ports/audit-log.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { createRawSql } from '../raw-sql.ts';
import { rowInsert } from '../row-insert.ts';
import { inWriteTransaction, isSqlite } from '../data-source.ts';
import type { AuditRow } from '../entities/rows.ts';
import { AuditSchema } from '../entities/schemas.ts';
import { toHandle, toQueryRunner } from '../transaction.ts';
import { coalesced } from '../coalesced.ts';

/** The authenticated chain head, kept outside the database so whoever can edit the database cannot also move it. */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  /** HMAC-SHA256 (hex) of `${seq}|${hash}|${at}` under `KeyRing.auditKey`. */
  readonly mac: string;
}

export type AuditVerifyReason =
  | 'hash_mismatch' | 'link_broken' | 'sequence_gap' | 'sequence_order'
  | 'truncated' | 'checkpoint_mismatch' | 'checkpoint_missing' | 'checkpoint_forged';

/** What `ra-desk audit verify` prints; a non-zero exit whenever `ok` is false. */
export interface AuditVerifyReport {
  readonly ok: boolean;
  /** Rows verified intact from seq 1 (on failure: the intact prefix before `firstBadSeq`). */
  readonly count: number;
  /** Hash of row `count` (GENESIS_HASH when none). */
  readonly head: string;
  /** Absent for a missing or forged checkpoint on an intact chain: no row is known to be bad. */
  readonly firstBadSeq?: number;
  readonly reason?: AuditVerifyReason;
  /** The checkpoint's own state, reported even when the chain failure is the headline. */
  readonly checkpoint: 'ok' | 'none_needed' | 'missing' | 'forged' | 'truncated' | 'checkpoint_mismatch';
}

/**
 * `appendStandalone` and `checkpoint` open write transactions of their own: call them outside any
 * transaction (on SQLite the process's writers take turns, so calling them inside one would wait forever).
 */
export interface StoredAuditLog extends AuditLog {
  /** Appends in a write transaction of its own, commits, then moves the checkpoint. */
  appendStandalone(event: AuditEvent): Promise<AuditRecord>;
  /**
   * Moves the checkpoint to the committed head; call after every commit that appended. Never moves it
   * backwards. Throws AUDIT.CHECKPOINT_FORGED rather than overwrite a checkpoint it cannot authenticate:
   * that file is the evidence `verify` needs.
   */
  checkpoint(): Promise<AuditCheckpoint>;
  /** How many rows this process has appended so far (committed or not): tells a caller whether its transaction appended. */
  appendCount(): number;
  /** Streams the whole log in pages, checks the chain, then the checkpoint. */
  verify(): Promise<AuditVerifyReport>;
}

export interface AuditLogOptions {
  readonly dataSource: DataSource;
  /** Folder of `audit-checkpoint.json`. */
  readonly dataDir: string;
  readonly keys: KeyRing;
  readonly now?: () => Date;
}

export const auditCheckpointFile = (dataDir: string): string => join(dataDir, 'audit-checkpoint.json');

/** The checkpoint's MAC; exported for `vault rotate-key`, which re-signs the checkpoint under the new key. */
export const checkpointMac = (keys: KeyRing, seq: number, hash: string, at: string): string =>
  createHmac('sha256', keys.auditKey).update(`${seq}|${hash}|${at}`).digest('hex');

/** Rows per page while verifying: a million rows never sit in memory at once. */
const PAGE = 5_000;
const HEX64 = /^[0-9a-f]{64}$/;

const toChainRow = (r: AuditRow): ChainRow => ({ ...r, seq: Number(r.seq) });

const toRecord = (r: AuditRow): AuditRecord => ({ ...r, actor: r.actor as Actor, evidence: JSON.parse(r.evidence) as string[] });

/** The chain head: the last row's seq and hash. */
const CHAIN_HEAD = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';

/**
 * SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL needs the table lock so two transactions
 * cannot both read seq N and both write N+1. EXCLUSIVE mode still lets readers (verify) through.
 */
async function lockChain(qr: QueryRunner): Promise<void> {
  if (!isSqlite(qr.dataSource)) await qr.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
}

/**
 * The audit log on the desk's own database (SQLite or PostgreSQL) with its checkpoint file.
 *
 * @example
 * const audit = createAuditLog({ dataSource, dataDir: config.dataDir, keys });
 * await audit.appendStandalone({ actor: SYSTEM_ACTOR, action: 'roster.imported', subject: 'roster', outcome: 'ok' });
 * const report = await audit.verify();
 */
export function createAuditLog(options: AuditLogOptions): StoredAuditLog {
  const { dataSource, dataDir, keys } = options;
  const now = options.now ?? (() => new Date());
  const file = auditCheckpointFile(dataDir);

  const mac = (seq: number, hash: string, at: string): string => checkpointMac(keys, seq, hash, at);

  type Read = { state: 'missing' } | { state: 'forged' } | { state: 'valid'; checkpoint: AuditCheckpoint };

  /** Synchronous for the reason given at writeCheckpoint: it too runs in the write turn. */
  function readCheckpoint(): Read {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      throw new RaError('AUDIT.CHECKPOINT_UNREADABLE', `Cannot read ${file}; check its permissions`, { cause: e });
    }
    try {
      const c = JSON.parse(text) as Partial<Record<keyof AuditCheckpoint, unknown>>;
      if (!Number.isSafeInteger(c.seq) || (c.seq as number) < 0 || typeof c.hash !== 'string' || !HEX64.test(c.hash)
        || typeof c.at !== 'string' || typeof c.mac !== 'string' || !HEX64.test(c.mac)) return { state: 'forged' };
      const checkpoint: AuditCheckpoint = { seq: c.seq as number, hash: c.hash, at: c.at, mac: c.mac };
      const expected = Buffer.from(mac(checkpoint.seq, checkpoint.hash, checkpoint.at), 'hex');
      return timingSafeEqual(expected, Buffer.from(checkpoint.mac, 'hex')) ? { state: 'valid', checkpoint } : { state: 'forged' };
    } catch {
      return { state: 'forged' };
    }
  }

  /**
   * temp + fsync + rename + fsync(dir): a crash leaves the old checkpoint or the new one, never half of one.
   * Synchronous on purpose: it runs inside the write turn (so two processes cannot interleave read-head and
   * rename), and a hundred bytes with two fsyncs take well under a millisecond, while each of the eight
   * steps done asynchronously waited its turn on a busy event loop, holding every other writer of the
   * process — under bot traffic, each update's claim — for tens of milliseconds.
   */
  function writeCheckpoint(checkpoint: AuditCheckpoint): void {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(checkpoint) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new RaError('AUDIT.CHECKPOINT_WRITE', `Cannot write ${file}; check that the data folder is writable`, { cause: e });
    }
    const dir = openSync(dataDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  let appends = 0;
  // Every audited step appends: its two statements go without typeorm's query builder (raw-sql.ts).
  const raw = createRawSql(dataSource);
  const insertRow = rowInsert(dataSource, AuditSchema);

  /** The last row's seq and hash, inside `qr`'s transaction when given; undefined on an empty chain. */
  async function chainHead(qr?: QueryRunner): Promise<{ seq: number; hash: string } | undefined> {
    const [row] = await raw.rows(CHAIN_HEAD, [], qr);
    return row ? { seq: Number(row['seq']), hash: String(row['hash']) } : undefined;
  }

  async function append(event: AuditEvent, tx: TransactionHandle): Promise<AuditRecord> {
    assertAuditSafe(event);
    const qr = toQueryRunner(tx);
    if (!qr.isTransactionActive) throw new RaError('AUDIT.NO_TRANSACTION', 'AuditLog.append needs the caller\'s open write transaction');
    await lockChain(qr);
    const last = await chainHead(qr);
    const entry = {
      seq: last ? last.seq + 1 : 1,
      at: now().toISOString(),
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      outcome: event.outcome,
      evidence: encodeEvidence(event.evidence ?? []),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row: AuditRow = { ...entry, prevHash, hash: chainHash(prevHash, entry) };
    await insertRow(row, tx);
    appends++;
    return toRecord(row);
  }

  const moveCheckpoint = (): Promise<AuditCheckpoint> => inWriteTransaction(dataSource, async (qr) => {
    // Inside the write lock: two processes checkpointing at once cannot interleave read-head and rename.
    await lockChain(qr);
    const existing = readCheckpoint();
    if (existing.state === 'forged') {
      throw new RaError('AUDIT.CHECKPOINT_FORGED', `${file} does not authenticate; run "ra-desk audit verify" before anything overwrites it`);
    }
    const head = await chainHead(qr);
    const seq = head?.seq ?? 0;
    if (existing.state === 'valid' && existing.checkpoint.seq >= seq) return existing.checkpoint;
    const hash = head?.hash ?? GENESIS_HASH;
    const at = now().toISOString();
    const next: AuditCheckpoint = { seq, hash, at, mac: mac(seq, hash, at) };
    writeCheckpoint(next);
    return next;
  }, 'relaxed'); // it writes no row: its commit has nothing to make durable (the file is fsynced itself)

  // Callers that arrive while a checkpoint is running share the one queued after it (../coalesced.ts):
  // that one reads the head only once the running one is done, so it covers every commit made before its
  // callers called.
  // Without this every commit queued a checkpoint transaction of its own, each holding the process's write
  // queue across a file read (and often a write: two fsyncs and a rename) on the thread pool, and under
  // bot traffic each update's dedupe and session writes waited behind a line of them: `npm run bench --
  // bot --scale 0.3` ran 1,308 checkpoint transactions before, 132 after.
  const checkpoints = coalesced(moveCheckpoint);
  const checkpoint = (): Promise<AuditCheckpoint> => checkpoints.run();

  async function appendStandalone(event: AuditEvent): Promise<AuditRecord> {
    const record = await inWriteTransaction(dataSource, (qr) => append(event, toHandle(qr)));
    await checkpoint();
    return record;
  }

  async function verify(): Promise<AuditVerifyReport> {
    // Read the checkpoint before the rows: rows only grow, so a checkpoint written meanwhile can never
    // look like a truncation.
    const cp = readCheckpoint();
    const verifier = createChainVerifier();
    const repo = dataSource.getRepository(AuditSchema);
    for (let after = 0; ;) {
      const page = await repo.find({ where: { seq: MoreThan(after) }, order: { seq: 'ASC' }, take: PAGE });
      const broken = page.some((row) => verifier.push(toChainRow(row)) !== undefined);
      const lastInPage = page.at(-1);
      if (broken || !lastInPage || page.length < PAGE) break;
      after = Number(lastInPage.seq);
    }
    const chain = verifier.result();
    const lastSeq = (await chainHead())?.seq ?? 0;

    let status: AuditVerifyReport['checkpoint'];
    let cpFailure: { firstBadSeq: number; reason: AuditVerifyReason } | undefined;
    if (cp.state === 'missing') status = lastSeq === 0 ? 'none_needed' : 'missing';
    else if (cp.state === 'forged') status = 'forged';
    else {
      const at = await repo.findOne({ where: { seq: cp.checkpoint.seq } });
      const r = verifyCheckpoint(cp.checkpoint, { lastSeq, hashAtSeq: at?.hash });
      status = r.ok ? 'ok' : r.reason;
      if (!r.ok) cpFailure = { firstBadSeq: r.firstBadSeq, reason: r.reason };
    }

    const base = { count: chain.count, head: chain.head, checkpoint: status };
    // The earliest bad seq wins: that is where an auditor starts reading.
    if (!chain.ok && (!cpFailure || chain.firstBadSeq <= cpFailure.firstBadSeq)) {
      return { ok: false, ...base, firstBadSeq: chain.firstBadSeq, reason: chain.reason };
    }
    if (cpFailure) return { ok: false, ...base, ...cpFailure };
    if (status === 'missing') return { ok: false, ...base, reason: 'checkpoint_missing' };
    if (status === 'forged') return { ok: false, ...base, reason: 'checkpoint_forged' };
    return { ok: true, ...base };
  }

  return { append, appendStandalone, checkpoint, verify, appendCount: () => appends };
}
