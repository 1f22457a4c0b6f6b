import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAuditSafe, officerActor, personActor, SYSTEM_ACTOR, type AuditEvent } from '../../../domain/audit/audit-event.ts';
import { chainHash, encodeEvidence, GENESIS_HASH } from '../../../domain/audit/chain.ts';
import { auditCheckpointFile, createAuditLog, type AuditVerifyReport } from '../../../storage/audit/audit-log.ts';
import { createKeyRing } from '../../../storage/crypto/keys.ts';
import { inWriteTransaction, openDatabase } from '../../../storage/data-source.ts';
import { toHandle } from '../../../storage/transaction.ts';

const MASTER = Buffer.alloc(32, 7);
const keys = createKeyRing(MASTER);
const ROWS = 200;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const scratch = mkdtempSync(join(tmpdir(), 'ra-audit-'));
let counter = 0;
const freshDir = (): string => join(scratch, `d${++counter}`);

/** mulberry32: a seeded PRNG so a failing trial can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const event = (i: number): AuditEvent => ({
  actor: i % 5 === 0 ? SYSTEM_ACTOR : i % 2 ? officerActor(700_000 + i) : personActor(`1b4e28ba-2fa1-11d2-883f-${String(i).padStart(12, '0')}`),
  action: i % 3 ? 'request.decide' : 'request.create',
  subject: `OP-2026-${String(i).padStart(6, '0')}`,
  outcome: i % 4 ? 'approve' : 'reject',
  evidence: Array.from({ length: i % 3 }, (_, k) => sha(`scan-${i}-${k}`)),
});

/** A clock that ticks 1 s per call so every row has its own `at`. */
const tickingClock = (): (() => Date) => {
  let t = Date.UTC(2026, 0, 5, 8);
  return () => new Date((t += 1_000));
};

async function withLog<T>(dir: string, work: (ds: DataSource, log: ReturnType<typeof createAuditLog>) => Promise<T>): Promise<T> {
  const ds = await openDatabase({ dataDir: dir });
  try {
    return await work(ds, createAuditLog({ dataSource: ds, dataDir: dir, keys, now: tickingClock() }));
  } finally {
    await ds.destroy();
  }
}

/** A sealed folder with ROWS audited events and a checkpoint at the head; trials tamper with copies. */
let pristine: string;
let pristineHashes: string[];

beforeAll(async () => {
  pristine = freshDir();
  pristineHashes = await withLog(pristine, async (ds, log) => {
    for (let start = 1; start <= ROWS; start += 50) {
      // Several events in one caller transaction: the way use cases append.
      await inWriteTransaction(ds, async (qr) => {
        for (let i = start; i < start + 50; i++) await log.append(event(i), toHandle(qr));
      });
    }
    await log.checkpoint();
    const rows = await ds.query('SELECT hash FROM audit_log ORDER BY seq') as { hash: string }[];
    return rows.map((r) => r.hash);
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tamperAndVerify(tamper: (ds: DataSource, dir: string) => Promise<void>): Promise<AuditVerifyReport> {
  const dir = freshDir();
  cpSync(pristine, dir, { recursive: true });
  try {
    return await withLog(dir, async (ds, log) => {
      await tamper(ds, dir);
      return log.verify();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Row = { seq: number; at: string; actor: string; action: string; subject: string; outcome: string; evidence: string; prev_hash: string; hash: string };
const COLUMNS = ['at', 'actor', 'action', 'subject', 'outcome', 'evidence', 'prev_hash', 'hash'] as const;
const rowAt = async (ds: DataSource, seq: number): Promise<Row> => ((await ds.query('SELECT * FROM audit_log WHERE seq = ?', [seq])) as Row[])[0]!;
const setRow = (ds: DataSource, seq: number, r: Omit<Row, 'seq'>): Promise<unknown> =>
  ds.query(`UPDATE audit_log SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE seq = ?`, [...COLUMNS.map((c) => r[c]), seq]);
const hashOf = (r: Row): string => chainHash(r.prev_hash, r);

/** Changes one character: the smallest edit a tamperer can make. */
function mutate(value: string, rnd: () => number): string {
  const i = Math.floor(rnd() * value.length);
  const c = value[i]!;
  const swapped = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'a';
  return value.slice(0, i) + swapped + value.slice(i + 1);
}

const pick = (rnd: () => number, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

interface Trial {
  name: string;
  tamper: (ds: DataSource) => Promise<void>;
  expected: { firstBadSeq: number; reason: string };
}

/** Each kind of tampering, with its parameters drawn from the PRNG and the seq verify must name. */
const KINDS: ((rnd: () => number) => Trial)[] = [
  (rnd) => {
    const seq = pick(rnd, 1, ROWS);
    const column = COLUMNS[pick(rnd, 0, COLUMNS.length - 1)]!;
    return {
      name: `edit ${column} of row ${seq}`,
      tamper: async (ds) => {
        const row = await rowAt(ds, seq);
        await setRow(ds, seq, { ...row, [column]: mutate(row[column], rnd) });
      },
      expected: { firstBadSeq: seq, reason: column === 'prev_hash' ? 'link_broken' : 'hash_mismatch' },
    };
  },
  (rnd) => {
    const seq = pick(rnd, 1, ROWS);
    return {
      name: `delete row ${seq}`,
      tamper: async (ds) => { await ds.query('DELETE FROM audit_log WHERE seq = ?', [seq]); },
      // Deleting the last row is a truncation: only the checkpoint can see it.
      expected: seq === ROWS ? { firstBadSeq: ROWS, reason: 'truncated' } : { firstBadSeq: seq, reason: 'sequence_gap' },
    };
  },
  (rnd) => {
    const i = pick(rnd, 1, ROWS - 1);
    const j = pick(rnd, i + 1, ROWS);
    return {
      name: `swap rows ${i} and ${j}`,
      tamper: async (ds) => {
        const [a, b] = [await rowAt(ds, i), await rowAt(ds, j)];
        await setRow(ds, i, b);
        await setRow(ds, j, a);
      },
      expected: { firstBadSeq: i, reason: 'link_broken' },
    };
  },
  (rnd) => {
    const k = rnd() < 0.25 ? 1 : pick(rnd, 1, ROWS);
    return {
      name: `truncate the last ${k} rows`,
      tamper: async (ds) => { await ds.query('DELETE FROM audit_log WHERE seq > ?', [ROWS - k]); },
      expected: { firstBadSeq: ROWS - k + 1, reason: 'truncated' },
    };
  },
  (rnd) => {
    const seq = pick(rnd, 1, ROWS);
    const column = COLUMNS[pick(rnd, 0, 5)]!;
    return {
      name: `edit ${column} of row ${seq} and recompute its hash`,
      tamper: async (ds) => {
        const row = await rowAt(ds, seq);
        const edited = { ...row, [column]: mutate(row[column], rnd) };
        await setRow(ds, seq, { ...edited, hash: hashOf(edited) });
      },
      // The next row's link breaks; the last row has no next row, but the checkpoint vouches for it.
      expected: seq < ROWS ? { firstBadSeq: seq + 1, reason: 'link_broken' } : { firstBadSeq: ROWS, reason: 'checkpoint_mismatch' },
    };
  },
  (rnd) => {
    const k = pick(rnd, 1, 60);
    const m = pick(rnd, 0, k + 10);
    const last = ROWS - k + m;
    return {
      name: `truncate ${k} rows and write ${m} consistent new ones`,
      tamper: async (ds) => {
        await ds.query('DELETE FROM audit_log WHERE seq > ?', [ROWS - k]);
        let prev = pristineHashes[ROWS - k - 1] ?? GENESIS_HASH;
        for (let seq = ROWS - k + 1; seq <= last; seq++) {
          const entry = { seq, at: new Date(Date.UTC(2027, 0, 1) + seq).toISOString(), actor: SYSTEM_ACTOR, action: 'request.decide', subject: `OP-2026-${seq}`, outcome: 'approve', evidence: encodeEvidence([]) };
          const hash = chainHash(prev, entry);
          await ds.query('INSERT INTO audit_log (seq, at, actor, action, subject, outcome, evidence, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [seq, entry.at, entry.actor, entry.action, entry.subject, entry.outcome, entry.evidence, prev, hash]);
          prev = hash;
        }
      },
      // The chain is consistent again; only the checkpoint knows what row ROWS was.
      expected: last < ROWS ? { firstBadSeq: last + 1, reason: 'truncated' } : { firstBadSeq: ROWS, reason: 'checkpoint_mismatch' },
    };
  },
];

/**
 * A second OS process appending to the same SQLite file. Two DataSources in ONE process cannot stand in
 * for it: better-sqlite3 waits for SQLite's lock synchronously, blocking the event loop the lock holder
 * needs to finish its transaction, so they deadlock until the busy timeout.
 */
function startWorker(dir: string, name: string): { ready: Promise<void>; go: () => void; exit: Promise<{ status: number | null; stderr: string }> } {
  const code = `
    import { openDatabase } from './storage/data-source.ts';
    import { createAuditLog } from './storage/audit/audit-log.ts';
    import { createKeyRing } from './storage/crypto/keys.ts';
    const dir = ${JSON.stringify(dir)};
    const ds = await openDatabase({ dataDir: dir });
    const log = createAuditLog({ dataSource: ds, dataDir: dir, keys: createKeyRing(Buffer.from('${MASTER.toString('hex')}', 'hex')) });
    process.stdout.write('ready\\n');
    await new Promise((go) => process.stdin.once('data', go));
    // Spread over ~600 ms so the two processes' transactions interleave instead of running in two blocks.
    const { setTimeout: sleep } = await import('node:timers/promises');
    await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      await sleep(Math.random() * 600);
      return log.appendStandalone({ actor: 'system', action: 'test.${name}', subject: '${name}-' + i, outcome: 'ok' });
    }));
    await ds.destroy();
    process.stdin.destroy();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: process.cwd() });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.on('exit', () => reject(new Error(`worker ${name} exited before it was ready: ${stderr}`)));
  });
  const exit = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
  return { ready, go: () => child.stdin.write('go\n'), exit };
}

describe('audit log on SQLite', () => {
  it('verifies an intact log of 200 rows with its checkpoint', async () => {
    const report = await tamperAndVerify(async () => {});
    expect(report).toEqual({ ok: true, count: ROWS, head: pristineHashes[ROWS - 1], checkpoint: 'ok' });
  });

  it('detects random edits, deletions, reorderings, truncations and rewrites and names the first bad seq', async () => {
    const rnd = mulberry32(0x5eed_26);
    for (let trial = 0; trial < 60; trial++) {
      const t = KINDS[trial % KINDS.length]!(rnd);
      const report = await tamperAndVerify(t.tamper);
      expect({ trial, name: t.name, ok: report.ok, firstBadSeq: report.firstBadSeq, reason: report.reason })
        .toEqual({ trial, name: t.name, ok: false, ...t.expected });
    }
  }, 30_000);

  it('reports a missing checkpoint on a non-empty log, and none needed on an empty one', async () => {
    const report = await tamperAndVerify(async (_ds, dir) => rmSync(auditCheckpointFile(dir)));
    expect(report).toEqual({ ok: false, count: ROWS, head: pristineHashes[ROWS - 1], checkpoint: 'missing', reason: 'checkpoint_missing' });
    await withLog(freshDir(), async (_ds, log) => {
      expect(await log.verify()).toEqual({ ok: true, count: 0, head: GENESIS_HASH, checkpoint: 'none_needed' });
    });
  });

  it('reports a checkpoint that does not authenticate as forged', async () => {
    const forgeries: ((c: Record<string, unknown>) => unknown)[] = [
      (c) => ({ ...c, seq: 150, hash: pristineHashes[149] }),
      (c) => ({ ...c, mac: sha('guess') }),
      () => 'not json {',
    ];
    for (const forge of forgeries) {
      const report = await tamperAndVerify(async (_ds, dir) => {
        const file = auditCheckpointFile(dir);
        const forged = forge(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
        writeFileSync(file, typeof forged === 'string' ? forged : JSON.stringify(forged));
      });
      expect(report).toMatchObject({ ok: false, count: ROWS, checkpoint: 'forged', reason: 'checkpoint_forged' });
      expect(report.firstBadSeq).toBeUndefined();
    }
  });

  it('reports the chain failure first when the checkpoint is also gone', async () => {
    const report = await tamperAndVerify(async (ds, dir) => {
      rmSync(auditCheckpointFile(dir));
      await ds.query('DELETE FROM audit_log WHERE seq = 40');
    });
    expect(report).toMatchObject({ ok: false, firstBadSeq: 40, reason: 'sequence_gap', count: 39, checkpoint: 'missing' });
  });

  it('never moves the checkpoint backwards, so a truncation stays visible', async () => {
    const dir = freshDir();
    cpSync(pristine, dir, { recursive: true });
    await withLog(dir, async (ds, log) => {
      await ds.query('DELETE FROM audit_log WHERE seq > 150');
      expect(await log.checkpoint()).toMatchObject({ seq: ROWS, hash: pristineHashes[ROWS - 1] });
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 151, reason: 'truncated' });
    });
  });

  it('refuses to overwrite a checkpoint it cannot authenticate', async () => {
    const dir = freshDir();
    cpSync(pristine, dir, { recursive: true });
    writeFileSync(auditCheckpointFile(dir), '{}');
    await withLog(dir, async (_ds, log) => {
      await expect(log.appendStandalone(event(1))).rejects.toMatchObject({ code: 'AUDIT.CHECKPOINT_FORGED' });
      expect(readFileSync(auditCheckpointFile(dir), 'utf8')).toBe('{}');
    });
  });

  it('writes the checkpoint readable by its owner only and moves it with each standalone append', async () => {
    const dir = freshDir();
    await withLog(dir, async (_ds, log) => {
      const record = await log.appendStandalone({ actor: SYSTEM_ACTOR, action: 'desk.started', subject: 'desk', outcome: 'ok' });
      expect(record).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, evidence: [] });
      expect(record.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(JSON.parse(readFileSync(auditCheckpointFile(dir), 'utf8'))).toMatchObject({ seq: 1, hash: record.hash });
      expect(statSync(auditCheckpointFile(dir)).mode & 0o777).toBe(0o600);
    });
  });

  it('refuses an e-mail address, a NIK-like or a NIP-like string in any field, and writes nothing', async () => {
    const personal = ['budi@pontianak.go.id', '6171012345678901', '198001012005011001', '6171 0123 4567 8901', '19800101 200501 1 001'];
    const fields = ['actor', 'action', 'subject', 'outcome'] as const;
    const good: AuditEvent = { actor: SYSTEM_ACTOR, action: 'request.create', subject: 'OP-2026-000123', outcome: 'ok' };
    for (const value of personal) {
      for (const field of fields) {
        expect(() => assertAuditSafe({ ...good, [field]: `x-${value}` })).toThrow(expect.objectContaining({ code: 'AUDIT.PERSONAL_DATA' }));
      }
      expect(() => assertAuditSafe({ ...good, evidence: [value] })).toThrow(expect.objectContaining({ code: 'AUDIT.PERSONAL_DATA' }));
    }
    expect(() => assertAuditSafe({ ...good, evidence: [sha('x').toUpperCase()] })).toThrow(expect.objectContaining({ code: 'AUDIT.PERSONAL_DATA' }));
    expect(() => assertAuditSafe({ ...good, outcome: 'rejected by Budi Santoso' })).toThrow(expect.objectContaining({ code: 'AUDIT.MALFORMED' }));
    expect(() => officerActor('6171012345678901')).toThrow(expect.objectContaining({ code: 'AUDIT.MALFORMED' }));
    // Ids that merely contain digits are fine; so is evidence that happens to hold a long run of digits.
    expect(() => assertAuditSafe({ ...good, actor: officerActor(8_123_456_789), subject: 'TK-2026-000001', evidence: ['1234567890123456789012345678901234567890123456789012345678901234'] })).not.toThrow();

    await withLog(freshDir(), async (_ds, log) => {
      await expect(log.appendStandalone({ ...good, subject: '6171012345678901' })).rejects.toMatchObject({ code: 'AUDIT.PERSONAL_DATA' });
      expect(await log.verify()).toMatchObject({ ok: true, count: 0 });
    });
  });

  it('keeps one valid chain when two processes append 100 events each at the same time', async () => {
    const dir = freshDir();
    await withLog(dir, async () => {}); // migrate once, before the race
    const workers = ['a', 'b'].map((name) => startWorker(dir, name));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([{ status: 0, stderr: '' }, { status: 0, stderr: '' }]);

    await withLog(dir, async (ds, log) => {
      expect(await log.verify()).toMatchObject({ ok: true, count: 200, checkpoint: 'ok' });
      const actions = (await ds.query('SELECT action FROM audit_log ORDER BY seq') as { action: string }[]).map((r) => r.action);
      expect(actions.filter((a) => a === 'test.a')).toHaveLength(100);
      // Proof the race happened: rows of the two processes alternate, not just one block after the other.
      expect(actions.filter((a, i) => i > 0 && a !== actions[i - 1]).length).toBeGreaterThanOrEqual(5);
      expect(JSON.parse(readFileSync(auditCheckpointFile(dir), 'utf8'))).toMatchObject({ seq: 200 });
    });
  }, 30_000);
});
