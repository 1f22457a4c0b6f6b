import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH, canonicalEntry, chainHash, encodeEvidence, verifyChain, verifyCheckpoint,
  type ChainEntry, type ChainRow,
} from '../../../domain/audit/chain.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function buildChain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry: ChainEntry = {
      seq,
      at: new Date(Date.UTC(2026, 0, 5, 8) + seq * 1_000).toISOString(),
      actor: seq % 3 === 0 ? 'system' : `officer:${100_000 + seq}`,
      action: 'request.decide',
      subject: `OP-2026-${String(seq).padStart(6, '0')}`,
      outcome: seq % 2 ? 'approve' : 'reject',
      evidence: encodeEvidence(seq % 4 ? [sha(`scan-${seq}`)] : []),
    };
    const hash = chainHash(prevHash, entry);
    rows.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

const rehash = (row: ChainRow): ChainRow => ({ ...row, hash: chainHash(row.prevHash, row) });
const FIELDS = ['at', 'actor', 'action', 'subject', 'outcome', 'evidence', 'prevHash', 'hash'] as const;
const lengthAndIndex = fc.integer({ min: 2, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n })));

describe('verifyChain', () => {
  it('accepts an intact log and reports its length and head', () => {
    const rows = buildChain(25);
    expect(verifyChain(rows)).toEqual({ ok: true, count: 25, head: rows[24]?.hash });
  });

  it('accepts an empty log with the genesis head', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('names the edited row after any edit of any field', () => {
    fc.assert(fc.property(lengthAndIndex, fc.constantFrom(...FIELDS), fc.string({ minLength: 1, maxLength: 3 }),
      ([n, seq], field, junk) => {
        const rows = buildChain(n);
        const row = rows[seq - 1]!;
        rows[seq - 1] = { ...row, [field]: row[field] + junk };
        const r = verifyChain(rows);
        expect(r).toMatchObject({ ok: false, firstBadSeq: seq, reason: field === 'prevHash' ? 'link_broken' : 'hash_mismatch' });
        expect(r.count).toBe(seq - 1);
      }));
  });

  it('catches an edit whose own hash was recomputed at the link from the next row', () => {
    fc.assert(fc.property(lengthAndIndex, ([n, seq]) => {
      fc.pre(seq < n);
      const rows = buildChain(n);
      rows[seq - 1] = rehash({ ...rows[seq - 1]!, outcome: 'approve-forged' });
      expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: seq + 1, reason: 'link_broken' });
    }));
  });

  it('names the deleted seq after a deletion', () => {
    fc.assert(fc.property(lengthAndIndex, ([n, seq]) => {
      fc.pre(seq < n);
      const rows = buildChain(n).filter((r) => r.seq !== seq);
      expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: seq, reason: 'sequence_gap' });
    }));
  });

  it('names the first displaced position after two rows are swapped', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (n, a, b) => {
      const i = (a % n) + 1;
      const j = (b % n) + 1;
      fc.pre(i !== j);
      const rows = buildChain(n);
      const [lo, hi] = [Math.min(i, j), Math.max(i, j)];
      // Whole rows swapped (seq travels with them), then contents swapped under fixed seqs.
      const moved = rows.map((r) => (r.seq === lo ? rows[hi - 1]! : r.seq === hi ? rows[lo - 1]! : r));
      expect(verifyChain(moved)).toMatchObject({ ok: false, firstBadSeq: lo, reason: 'sequence_gap' });
      const relabelled = moved.map((r, k) => ({ ...r, seq: k + 1 }));
      expect(verifyChain(relabelled)).toMatchObject({ ok: false, firstBadSeq: lo, reason: 'link_broken' });
    }));
  });

  it('reports a duplicated row as out of order', () => {
    const rows = buildChain(5);
    expect(verifyChain([...rows.slice(0, 3), rows[2]!, rows[3]!])).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'sequence_order' });
  });

  it('cannot see a truncated tail on its own', () => {
    // Which is why the checkpoint exists: see verifyCheckpoint below.
    expect(verifyChain(buildChain(10).slice(0, 7))).toMatchObject({ ok: true, count: 7 });
  });
});

describe('canonicalEntry', () => {
  it('keeps field boundaries: moving a character between adjacent fields changes the hash', () => {
    const a: ChainEntry = { seq: 1, at: 't', actor: 'system', action: 'a.b', subject: 'x|', outcome: 'y', evidence: '[]' };
    const b: ChainEntry = { ...a, subject: 'x', outcome: '|y' };
    expect(canonicalEntry(a)).not.toBe(canonicalEntry(b));
    expect(chainHash(GENESIS_HASH, a)).not.toBe(chainHash(GENESIS_HASH, b));
  });

  it('is deterministic', () => {
    const [row] = buildChain(1);
    expect(chainHash(GENESIS_HASH, { ...row! })).toBe(row!.hash);
  });
});

describe('verifyCheckpoint', () => {
  const rows = buildChain(10);
  const hashAt = (seq: number): string | undefined => rows.find((r) => r.seq === seq)?.hash;

  it('accepts a checkpoint at or below the last seq whose row still has its hash', () => {
    expect(verifyCheckpoint({ seq: 10, hash: hashAt(10)! }, { lastSeq: 10, hashAtSeq: hashAt(10) })).toEqual({ ok: true });
    expect(verifyCheckpoint({ seq: 6, hash: hashAt(6)! }, { lastSeq: 10, hashAtSeq: hashAt(6) })).toEqual({ ok: true });
    expect(verifyCheckpoint({ seq: 0, hash: GENESIS_HASH }, { lastSeq: 0, hashAtSeq: undefined })).toEqual({ ok: true });
  });

  it('names the first missing seq after tail truncation, including of the last row alone', () => {
    for (const k of [1, 3, 10]) {
      expect(verifyCheckpoint({ seq: 10, hash: hashAt(10)! }, { lastSeq: 10 - k, hashAtSeq: undefined }))
        .toEqual({ ok: false, firstBadSeq: 11 - k, reason: 'truncated' });
    }
  });

  it('names the checkpointed seq when its row was rewritten', () => {
    expect(verifyCheckpoint({ seq: 10, hash: hashAt(10)! }, { lastSeq: 12, hashAtSeq: sha('other') }))
      .toEqual({ ok: false, firstBadSeq: 10, reason: 'checkpoint_mismatch' });
  });
});
