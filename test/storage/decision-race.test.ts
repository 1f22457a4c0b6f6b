import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { DATABASES, openTestDatabase } from '../support/databases.ts';
import { createTestDesk, OFFICERS, seedDesk, seedPendingRequests } from '../support/storage-desk.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { AuditSchema, DecisionSchema, OutboxSchema } from '../../storage/entities/schemas.ts';

const ROUNDS = 100;

function runWorker(args: string[], masterKey: Buffer): Promise<{ won: number; refused: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/decide-worker.ts', ...args], {
      env: { ...process.env, TEST_MASTER_KEY: masterKey.toString('base64') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

describe.each(DATABASES)('deciding a request at the same time (%s)', (kind) => {
  it(`lets exactly one of two officers decide, ${ROUNDS} times in one process`, async () => {
    const db = await openTestDatabase(kind);
    try {
      const desk = createTestDesk(db.ds, db.dataDir);
      await seedDesk(desk);
      const ids = await seedPendingRequests(desk, ROUNDS);
      for (const id of ids) {
        const [a, b] = await Promise.all([
          decideRequest(desk.ports, { requestId: id, officerTelegramId: OFFICERS.rahmat, outcome: 'approve', reasons: [] }),
          decideRequest(desk.ports, { requestId: id, officerTelegramId: OFFICERS.andi, outcome: 'reject', reasons: ['data tidak sesuai'] }),
        ]);
        expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
        const loser = a.ok ? b : a;
        expect(loser.ok ? null : loser.code).toBe('DECISION.ALREADY_DECIDED');
      }
      const decisions = await db.ds.getRepository(DecisionSchema).find();
      expect(decisions).toHaveLength(ROUNDS);
      expect(new Set(decisions.map((d) => d.requestId)).size).toBe(ROUNDS);
      const decideRows = await db.ds.getRepository(AuditSchema).findBy({ action: 'request.decide' });
      expect(decideRows.filter((r) => r.outcome === 'approve' || r.outcome === 'reject')).toHaveLength(ROUNDS);
      expect(decideRows.filter((r) => r.outcome === 'refused:DECISION.ALREADY_DECIDED')).toHaveLength(ROUNDS);
      const notices = (await db.ds.getRepository(OutboxSchema).find()).filter((m) => m.dedupeKey.startsWith('decision:'));
      expect(notices).toHaveLength(ROUNDS);
      expect((await desk.auditLog.verify()).ok).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('lets exactly one decision through when two processes decide the same requests', async () => {
    const db = await openTestDatabase(kind);
    try {
      const desk = createTestDesk(db.ds, db.dataDir);
      await seedDesk(desk);
      const ids = await seedPendingRequests(desk, ROUNDS);
      const url = db.databaseUrl ?? '';
      const [a, b] = await Promise.all([
        runWorker([db.dataDir, url, OFFICERS.rahmat, 'approve', ...ids], desk.masterKey),
        runWorker([db.dataDir, url, OFFICERS.andi, 'reject', ...ids], desk.masterKey),
      ]);
      expect(a.won + b.won).toBe(ROUNDS);
      expect((a.refused['DECISION.ALREADY_DECIDED'] ?? 0) + (b.refused['DECISION.ALREADY_DECIDED'] ?? 0)).toBe(ROUNDS);
      const decisions = await db.ds.getRepository(DecisionSchema).find();
      expect(decisions).toHaveLength(ROUNDS);
      expect(new Set(decisions.map((d) => d.requestId)).size).toBe(ROUNDS);
      const notices = (await db.ds.getRepository(OutboxSchema).find()).filter((m) => m.dedupeKey.startsWith('decision:'));
      expect(notices).toHaveLength(ROUNDS);
      const report = await desk.auditLog.verify();
      expect(report).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  });
});
