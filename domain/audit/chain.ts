import { createHash } from 'node:crypto';

/**
 * The hash chain behind the audit log (Pasal 26(2)): each row's hash covers its content and the
 * previous row's hash, so editing, deleting or reordering any row breaks every link after it. Pure:
 * storage feeds rows in, this module says whether and where the chain breaks.
 */

/** The `prevHash` of row 1 and the head of an empty log. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hashed fields of one row, as stored. `evidence` is the stored JSON text (see `encodeEvidence`), not
 * the parsed list: any byte edit then changes the hash, and verification never parses what a tamperer wrote.
 */
export interface ChainEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly outcome: string;
  readonly evidence: string;
}

export interface ChainRow extends ChainEntry {
  readonly prevHash: string;
  readonly hash: string;
}

export type ChainFailureReason = 'hash_mismatch' | 'link_broken' | 'sequence_gap' | 'sequence_order';

export type ChainResult =
  | { readonly ok: true; readonly count: number; readonly head: string }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: ChainFailureReason; readonly count: number; readonly head: string };

/** The one way evidence hashes are written to a row. */
export const encodeEvidence = (evidence: readonly string[]): string => JSON.stringify(evidence);

/**
 * A fixed-order JSON array with a version tag: JSON escaping makes field boundaries unambiguous (no
 * `"a|b" + "c"` = `"a" + "b|c"`), and the tag lets a later format coexist with this one.
 */
export const canonicalEntry = (e: ChainEntry): string =>
  JSON.stringify(['ra-desk/audit/v1', e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.evidence]);

/**
 * SHA-256 (hex) of `prevHash`, a newline and the canonical entry. Canonical JSON holds no raw newline,
 * so the last newline splits the input unambiguously even if a tampered `prevHash` contains one.
 */
export const chainHash = (prevHash: string, entry: ChainEntry): string =>
  createHash('sha256').update(`${prevHash}\n${canonicalEntry(entry)}`).digest('hex');

/**
 * Checks rows one at a time so storage can stream a million rows in pages. After the first failure it
 * keeps returning that failure: the first bad sequence number is the one an auditor needs.
 */
export interface ChainVerifier {
  /** Feeds the next row (ascending seq); returns the failure once the chain is broken. */
  push(row: ChainRow): ChainResult & { ok: false } | undefined;
  /** `count` and `head` describe the intact prefix: rows 1..count and the hash of row `count`. */
  result(): ChainResult;
}

/**
 * Rows must be 1, 2, 3, … A seq above the expected one is a deletion (`sequence_gap`); one below it a
 * duplicate or reordering (`sequence_order`). Either way `firstBadSeq` is the expected seq: the first
 * position at which the log stops being the unbroken sequence, which is also the deleted seq.
 */
export function createChainVerifier(): ChainVerifier {
  let count = 0;
  let head = GENESIS_HASH;
  let failure: (ChainResult & { ok: false }) | undefined;

  const fail = (firstBadSeq: number, reason: ChainFailureReason): ChainResult & { ok: false } =>
    (failure = { ok: false, firstBadSeq, reason, count, head });

  return {
    push(row) {
      if (failure) return failure;
      const expected = count + 1;
      if (row.seq > expected) return fail(expected, 'sequence_gap');
      if (row.seq !== expected) return fail(expected, 'sequence_order');
      if (row.prevHash !== head) return fail(expected, 'link_broken');
      if (row.hash !== chainHash(row.prevHash, row)) return fail(expected, 'hash_mismatch');
      count = expected;
      head = row.hash;
      return undefined;
    },
    result: () => failure ?? { ok: true, count, head },
  };
}

/**
 * Verifies a whole log held in memory (tests, small logs). Stops at the first failure.
 *
 * @example
 * const r = verifyChain(rows);
 * if (!r.ok) console.error(`audit log broken at seq ${r.firstBadSeq} (${r.reason})`);
 */
export function verifyChain(rows: Iterable<ChainRow>): ChainResult {
  const verifier = createChainVerifier();
  for (const row of rows) if (verifier.push(row)) break;
  return verifier.result();
}

/** The authenticated head kept outside the database; the MAC is checked by the adapter that holds the key. */
export interface CheckpointHead {
  readonly seq: number;
  readonly hash: string;
}

export type CheckpointResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: 'truncated' | 'checkpoint_mismatch' };

/**
 * A chain alone cannot see its tail cut off, nor a tail rewritten consistently: the checkpoint can.
 * Truncation names the first missing seq (`lastSeq + 1`). A row at the checkpointed seq with another
 * hash names that seq: one checkpoint cannot tell where a consistent rewrite began, only that the row
 * it vouches for is no longer the one it saw.
 *
 * @param log `lastSeq`: the highest seq in the table (0 when empty); `hashAtSeq`: the stored hash of the
 *   row at `checkpoint.seq`, undefined when there is no such row.
 */
export function verifyCheckpoint(
  checkpoint: CheckpointHead,
  log: { readonly lastSeq: number; readonly hashAtSeq: string | undefined },
): CheckpointResult {
  if (checkpoint.seq > log.lastSeq) return { ok: false, firstBadSeq: log.lastSeq + 1, reason: 'truncated' };
  const stored = checkpoint.seq === 0 ? GENESIS_HASH : log.hashAtSeq;
  if (stored !== checkpoint.hash) return { ok: false, firstBadSeq: checkpoint.seq, reason: 'checkpoint_mismatch' };
  return { ok: true };
}
