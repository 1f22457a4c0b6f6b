import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAuditSafe, officerActor, personActor, SYSTEM_ACTOR, type AuditEvent } from '../../../domain/audit/audit-event.ts';
import { chainHash, encodeEvidence, GENESIS_HASH } from '../../../domain/audit/chain.ts';
import { auditCheckpointFile, createAuditLog, type AuditVerifyReport, type StoredAuditLog } from '../../../storage/audit/audit-log.ts';
import { createKeyRing } from '../../../storage/crypto/keys.ts';
import { inWriteTransaction, isSqlite } from '../../../storage/data-source.ts';
import type { AuditRow } from '../../../storage/entities/rows.ts';
import { AuditSchema } from '../../../storage/entities/schemas.ts';
import { toHandle } from '../../../storage/transaction.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { mulberry32 } from '../../support/prng.ts';

const MASTER = Buffer.alloc(32, 7);
const keys = createKeyRing(MASTER);
const ROWS = 200;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');


const pick = (rnd: () => number, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

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

const openLog = (db: TestDatabase): StoredAuditLog =>
  createAuditLog({ dataSource: db.ds, dataDir: db.dataDir, keys, now: tickingClock() });

/** Raw SQL as a tamperer would write it; `?` placeholders become `$n` on PostgreSQL. */
const sql = (ds: DataSource, text: string, params: unknown[] = []): Promise<unknown> => {
  let n = 0;
  return ds.query(isSqlite(ds) ? text : text.replace(/\?/g, () => `$${++n}`), params);
};

type Row = { seq: number; at: string; actor: string; action: string; subject: string; outcome: string; evidence: string; prev_hash: string; hash: string };
const COLUMNS = ['at', 'actor', 'action', 'subject', 'outcome', 'evidence', 'prev_hash', 'hash'] as const;
type Column = (typeof COLUMNS)[number];
type ContentColumn = Exclude<Column, 'prev_hash' | 'hash'>;

const rowAt = async (ds: DataSource, seq: number): Promise<Row> => ((await sql(ds, 'SELECT * FROM audit_log WHERE seq = ?', [seq])) as Row[])[0]!;
const setRow = (ds: DataSource, seq: number, r: Omit<Row, 'seq'>): Promise<unknown> =>
  sql(ds, `UPDATE audit_log SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE seq = ?`, [...COLUMNS.map((c) => r[c]), seq]);
const hashOf = (r: Row): string => chainHash(r.prev_hash, r);

/** Changes one character: the smallest edit a tamperer can make. */
function mutate(value: string, rnd: () => number): string {
  const i = Math.floor(rnd() * value.length);
  const c = value[i]!;
  const swapped = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'a';
  return value.slice(0, i) + swapped + value.slice(i + 1);
}

interface Trial {
  name: string;
  tamper: (ds: DataSource) => Promise<void>;
  expected: { firstBadSeq: number; reason: string };
}

// Each kind of tampering, with the seq and reason verify must report.

const editField = (seq: number, column: Column, rnd: () => number): Trial => ({
  name: `edit ${column} of row ${seq}`,
  tamper: async (ds) => {
    const row = await rowAt(ds, seq);
    await setRow(ds, seq, { ...row, [column]: mutate(row[column], rnd) });
  },
  expected: { firstBadSeq: seq, reason: column === 'prev_hash' ? 'link_broken' : 'hash_mismatch' },
});

const deleteRow = (seq: number): Trial => ({
  name: `delete row ${seq}`,
  tamper: async (ds) => { await sql(ds, 'DELETE FROM audit_log WHERE seq = ?', [seq]); },
  // Deleting the last row is a truncation: only the checkpoint can see it.
  expected: seq === ROWS ? { firstBadSeq: ROWS, reason: 'truncated' } : { firstBadSeq: seq, reason: 'sequence_gap' },
});

const swapRows = (i: number, j: number): Trial => ({
  name: `swap rows ${i} and ${j}`,
  tamper: async (ds) => {
    const [a, b] = [await rowAt(ds, i), await rowAt(ds, j)];
    await setRow(ds, i, b);
    await setRow(ds, j, a);
  },
  expected: { firstBadSeq: Math.min(i, j), reason: 'link_broken' },
});

const truncateTail = (k: number): Trial => ({
  name: `truncate the last ${k} rows`,
  tamper: async (ds) => { await sql(ds, 'DELETE FROM audit_log WHERE seq > ?', [ROWS - k]); },
  expected: { firstBadSeq: ROWS - k + 1, reason: 'truncated' },
});

const editAndRehash = (seq: number, column: ContentColumn, rnd: () => number): Trial => ({
  name: `edit ${column} of row ${seq} and recompute its hash`,
  tamper: async (ds) => {
    const row = await rowAt(ds, seq);
    const edited = { ...row, [column]: mutate(row[column], rnd) };
    await setRow(ds, seq, { ...edited, hash: hashOf(edited) });
  },
  // The next row's link breaks; the last row has no next row, but the checkpoint vouches for it.
  expected: seq < ROWS ? { firstBadSeq: seq + 1, reason: 'link_broken' } : { firstBadSeq: ROWS, reason: 'checkpoint_mismatch' },
});

const rewriteTail = (k: number, m: number): Trial => {
  const last = ROWS - k + m;
  return {
    name: `truncate ${k} rows and write ${m} consistent new ones`,
    tamper: async (ds) => {
      await sql(ds, 'DELETE FROM audit_log WHERE seq > ?', [ROWS - k]);
      let prev = ROWS - k === 0 ? GENESIS_HASH : (await rowAt(ds, ROWS - k)).hash;
      for (let seq = ROWS - k + 1; seq <= last; seq++) {
        const entry = { seq, at: new Date(Date.UTC(2027, 0, 1) + seq).toISOString(), actor: SYSTEM_ACTOR, action: 'request.decide', subject: `OP-2026-${seq}`, outcome: 'approve', evidence: encodeEvidence([]) };
        const hash = chainHash(prev, entry);
        await sql(ds, 'INSERT INTO audit_log (seq, at, actor, action, subject, outcome, evidence, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [seq, entry.at, entry.actor, entry.action, entry.subject, entry.outcome, entry.evidence, prev, hash]);
        prev = hash;
      }
    },
    // The chain is consistent again; only the checkpoint knows what row ROWS was.
    expected: last < ROWS ? { firstBadSeq: last + 1, reason: 'truncated' } : { firstBadSeq: ROWS, reason: 'checkpoint_mismatch' },
  };
};

const RANDOM_KINDS: ((rnd: () => number) => Trial)[] = [
  (rnd) => editField(pick(rnd, 1, ROWS), COLUMNS[pick(rnd, 0, COLUMNS.length - 1)]!, rnd),
  (rnd) => deleteRow(pick(rnd, 1, ROWS)),
  (rnd) => {
    const i = pick(rnd, 1, ROWS - 1);
    return swapRows(i, pick(rnd, i + 1, ROWS));
  },
  (rnd) => truncateTail(rnd() < 0.25 ? 1 : pick(rnd, 1, ROWS)),
  (rnd) => editAndRehash(pick(rnd, 1, ROWS), COLUMNS[pick(rnd, 0, 5)] as ContentColumn, rnd),
  (rnd) => {
    const k = pick(rnd, 1, 60);
    return rewriteTail(k, pick(rnd, 0, k + 10));
  },
];

/** The ends of the log, where off-by-one mistakes live. */
const edgeTrials = (rnd: () => number): Trial[] => [
  editField(1, 'prev_hash', rnd), editField(ROWS, 'prev_hash', rnd), editField(ROWS, 'hash', rnd), editField(1, 'evidence', rnd),
  deleteRow(1), deleteRow(ROWS), swapRows(1, 2), swapRows(ROWS - 1, ROWS), swapRows(1, ROWS),
  truncateTail(1), truncateTail(ROWS), editAndRehash(1, 'actor', rnd), editAndRehash(ROWS, 'outcome', rnd),
  rewriteTail(1, 1), rewriteTail(ROWS, ROWS), rewriteTail(1, 0),
];

/**
 * Another OS process appending to the same database. On SQLite two DataSources in ONE process cannot
 * stand in for it: better-sqlite3 waits for SQLite's lock synchronously, blocking the event loop the lock
 * holder needs to finish its transaction, so they deadlock until the busy timeout.
 */
function startWorker(db: TestDatabase, name: string): { ready: Promise<void>; go: () => void; exit: Promise<{ status: number | null; stderr: string }> } {
  const code = `
    import { openDatabase } from './storage/data-source.ts';
    import { createAuditLog } from './storage/audit/audit-log.ts';
    import { createKeyRing } from './storage/crypto/keys.ts';
    const dataDir = ${JSON.stringify(db.dataDir)};
    const ds = await openDatabase({ dataDir, databaseUrl: ${JSON.stringify(db.databaseUrl ?? null)} ?? undefined });
    const log = createAuditLog({ dataSource: ds, dataDir, keys: createKeyRing(Buffer.from('${MASTER.toString('hex')}', 'hex')) });
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

/** A fresh, empty database for tests that must start from nothing. */
async function withFreshLog(kind: (typeof DATABASES)[number], work: (db: TestDatabase, log: StoredAuditLog) => Promise<void>): Promise<void> {
  const db = await openTestDatabase(kind);
  try {
    await work(db, openLog(db));
  } finally {
    await db.close();
  }
}

describe.each(DATABASES)('audit log on %s', (kind) => {
  let db: TestDatabase;
  let log: StoredAuditLog;
  let file: string;
  let pristineRows: AuditRow[];
  let pristineCheckpoint: string;

  /** Puts back the sealed log and its checkpoint: every trial tampers with an intact log of ROWS rows. */
  async function restore(): Promise<void> {
    const repo = db.ds.getRepository(AuditSchema);
    await repo.clear();
    await repo.insert(pristineRows);
    writeFileSync(file, pristineCheckpoint);
  }

  async function tamperAndVerify(tamper: (ds: DataSource) => Promise<void>): Promise<AuditVerifyReport> {
    await restore();
    await tamper(db.ds);
    return log.verify();
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    log = openLog(db);
    file = auditCheckpointFile(db.dataDir);
    for (let start = 1; start <= ROWS; start += 50) {
      // Several events in one caller transaction: the way use cases append.
      await inWriteTransaction(db.ds, async (qr) => {
        for (let i = start; i < start + 50; i++) await log.append(event(i), toHandle(qr));
      });
    }
    await log.checkpoint();
    pristineRows = await db.ds.getRepository(AuditSchema).find({ order: { seq: 'ASC' } });
    pristineCheckpoint = readFileSync(file, 'utf8');
  });

  afterAll(() => db.close());

  it('verifies an intact log of 200 rows with its checkpoint', async () => {
    const report = await tamperAndVerify(async () => {});
    expect(report).toEqual({ ok: true, count: ROWS, head: pristineRows[ROWS - 1]?.hash, checkpoint: 'ok' });
  });

  it('detects random edits, deletions, reorderings, truncations and rewrites and names the first bad seq', async () => {
    const rnd = mulberry32(0x5eed_26);
    const trials = [...edgeTrials(rnd), ...Array.from({ length: 60 }, (_, n) => RANDOM_KINDS[n % RANDOM_KINDS.length]!(rnd))];
    for (const [trial, t] of trials.entries()) {
      const report = await tamperAndVerify(t.tamper);
      expect({ trial, name: t.name, ok: report.ok, firstBadSeq: report.firstBadSeq, reason: report.reason })
        .toEqual({ trial, name: t.name, ok: false, ...t.expected });
    }
  }, 30_000);

  it('reports a missing checkpoint on a non-empty log', async () => {
    const report = await tamperAndVerify(async () => rmSync(file));
    expect(report).toEqual({ ok: false, count: ROWS, head: pristineRows[ROWS - 1]?.hash, checkpoint: 'missing', reason: 'checkpoint_missing' });
  });

  it('reports a checkpoint that does not authenticate as forged', async () => {
    const forgeries: ((c: Record<string, unknown>) => string)[] = [
      (c) => JSON.stringify({ ...c, seq: 150, hash: pristineRows[149]?.hash }),
      (c) => JSON.stringify({ ...c, mac: sha('guess') }),
      () => 'not json {',
    ];
    for (const forge of forgeries) {
      const report = await tamperAndVerify(async () => writeFileSync(file, forge(JSON.parse(pristineCheckpoint) as Record<string, unknown>)));
      expect(report).toMatchObject({ ok: false, count: ROWS, checkpoint: 'forged', reason: 'checkpoint_forged' });
      expect(report.firstBadSeq).toBeUndefined();
    }
  });

  it('reports the chain failure first when the checkpoint is also gone', async () => {
    const report = await tamperAndVerify(async (ds) => {
      rmSync(file);
      await sql(ds, 'DELETE FROM audit_log WHERE seq = 40');
    });
    expect(report).toMatchObject({ ok: false, firstBadSeq: 40, reason: 'sequence_gap', count: 39, checkpoint: 'missing' });
  });

  it('never moves the checkpoint backwards, so a truncation stays visible', async () => {
    await restore();
    await sql(db.ds, 'DELETE FROM audit_log WHERE seq > 150');
    expect(await log.checkpoint()).toMatchObject({ seq: ROWS, hash: pristineRows[ROWS - 1]?.hash });
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 151, reason: 'truncated' });
  });

  it('refuses to overwrite a checkpoint it cannot authenticate', async () => {
    await restore();
    writeFileSync(file, '{}');
    await expect(log.checkpoint()).rejects.toMatchObject({ code: 'AUDIT.CHECKPOINT_FORGED' });
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });

  it('gives every concurrent caller a checkpoint covering the commits made before it called', async () => {
    await withFreshLog(kind, async (_db, fresh) => {
      // Commits and checkpoints interleaved as concurrent use cases do: callers arriving while one runs share the next.
      const calls = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const record = await fresh.appendStandalone(event(i + 1));
        return { seq: record.seq, checkpoint: await fresh.checkpoint() };
      }));
      for (const c of calls) expect(c.checkpoint.seq).toBeGreaterThanOrEqual(c.seq);
      expect(await fresh.verify()).toEqual({ ok: true, count: 20, head: expect.any(String), checkpoint: 'ok' });
    });
  });

  it('needs no checkpoint for an empty log', async () => {
    await withFreshLog(kind, async (_db, fresh) => {
      expect(await fresh.verify()).toEqual({ ok: true, count: 0, head: GENESIS_HASH, checkpoint: 'none_needed' });
    });
  });

  it('writes the checkpoint readable by its owner only and moves it with each standalone append', async () => {
    await withFreshLog(kind, async (fdb, fresh) => {
      const record = await fresh.appendStandalone({ actor: SYSTEM_ACTOR, action: 'desk.started', subject: 'desk', outcome: 'ok' });
      expect(record).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, evidence: [] });
      expect(record.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const cp = auditCheckpointFile(fdb.dataDir);
      expect(JSON.parse(readFileSync(cp, 'utf8'))).toMatchObject({ seq: 1, hash: record.hash });
      expect(statSync(cp).mode & 0o777).toBe(0o600);
    });
  });

  it('writes nothing for an event holding personal data', async () => {
    await withFreshLog(kind, async (_db, fresh) => {
      await expect(fresh.appendStandalone({ actor: SYSTEM_ACTOR, action: 'request.create', subject: '6171012345678901', outcome: 'ok' }))
        .rejects.toMatchObject({ code: 'AUDIT.PERSONAL_DATA' });
      expect(await fresh.verify()).toMatchObject({ ok: true, count: 0 });
    });
  });

  it('keeps one valid chain when two processes append 100 events each at the same time', async () => {
    await withFreshLog(kind, async (fdb, fresh) => {
      const workers = ['a', 'b'].map((name) => startWorker(fdb, name));
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      expect(await Promise.all(workers.map((w) => w.exit))).toEqual([{ status: 0, stderr: '' }, { status: 0, stderr: '' }]);

      expect(await fresh.verify()).toMatchObject({ ok: true, count: 200, checkpoint: 'ok' });
      const actions = (await fdb.ds.getRepository(AuditSchema).find({ order: { seq: 'ASC' } })).map((r) => r.action);
      expect(actions.filter((a) => a === 'test.a')).toHaveLength(100);
      // How much the two processes interleave depends on the machine's load (SQLite's busy handler may
      // park one of them); the property under test is the chain, which must hold however they interleave.
      expect(JSON.parse(readFileSync(auditCheckpointFile(fdb.dataDir), 'utf8'))).toMatchObject({ seq: 200 });
    });
  }, 30_000);
});

describe('assertAuditSafe', () => {
  const good: AuditEvent = { actor: SYSTEM_ACTOR, action: 'request.create', subject: 'OP-2026-000123', outcome: 'ok' };
  const refusal = (code: string): unknown => expect.objectContaining({ code });

  it('refuses an e-mail address, a NIK-like or a NIP-like string in any field', () => {
    const personal = ['budi@pontianak.go.id', '6171012345678901', '198001012005011001', '6171 0123 4567 8901', '19800101 200501 1 001'];
    for (const value of personal) {
      for (const field of ['actor', 'action', 'subject', 'outcome'] as const) {
        expect(() => assertAuditSafe({ ...good, [field]: `x-${value}` })).toThrow(refusal('AUDIT.PERSONAL_DATA'));
      }
      expect(() => assertAuditSafe({ ...good, evidence: [value] })).toThrow(refusal('AUDIT.PERSONAL_DATA'));
    }
  });

  it('refuses evidence that is not a lowercase SHA-256', () => {
    expect(() => assertAuditSafe({ ...good, evidence: [sha('x').toUpperCase()] })).toThrow(refusal('AUDIT.PERSONAL_DATA'));
    expect(() => assertAuditSafe({ ...good, evidence: ['%PDF-1.7 scan of the e-KTP'] })).toThrow(refusal('AUDIT.PERSONAL_DATA'));
  });

  it('refuses free text and actors that are not ids', () => {
    expect(() => assertAuditSafe({ ...good, outcome: 'rejected by Budi Santoso' })).toThrow(refusal('AUDIT.MALFORMED'));
    expect(() => assertAuditSafe({ ...good, action: 'Request Decided' })).toThrow(refusal('AUDIT.MALFORMED'));
    expect(() => assertAuditSafe({ ...good, actor: 'officer:budi' as never })).toThrow(refusal('AUDIT.MALFORMED'));
    expect(() => officerActor('6171012345678901')).toThrow(refusal('AUDIT.MALFORMED'));
    expect(() => personActor('6171012345678901')).toThrow(refusal('AUDIT.MALFORMED'));
  });

  it('accepts ids that merely contain digits, and evidence that happens to be all digits', () => {
    expect(() => assertAuditSafe({
      ...good, actor: officerActor(8_123_456_789), subject: 'TK-2026-000001', outcome: 'created:12/updated:3/errors:0',
      evidence: ['1234567890123456789012345678901234567890123456789012345678901234'],
    })).not.toThrow();
    expect(() => assertAuditSafe({ ...good, actor: personActor('1B4E28BA-2FA1-11D2-883F-0016D3CCA427') })).not.toThrow();
  });
});
