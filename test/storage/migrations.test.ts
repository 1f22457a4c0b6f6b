import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inWriteTransaction, openDatabase } from '../../storage/data-source.ts';
import type { DecisionRow, OutboxRow, RequestRow, RosterRow } from '../../storage/entities/rows.ts';
import { DecisionSchema, OutboxSchema, RequestSchema, RosterSchema } from '../../storage/entities/schemas.ts';
import { migrations } from '../../storage/migrations/index.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';

const TABLES = ['roster_entries', 'officers', 'outsider_permits', 'requests', 'decisions', 'documents', 'audit_log',
  'sequences', 'certificates', 'outbox', 'mail_messages', 'mail_cursors', 'settings', 'telegram_bindings',
  'binding_challenges', 'bot_updates', 'bot_sessions', 'certificate_reminders', 'needs_inventory'];
const NOW = '2026-11-25T09:00:00.000Z';

const roster = (personId: string, nip: string | null, extra: Partial<RosterRow> = {}): RosterRow => ({
  personId, nip, nikHmac: `hmac-${personId}`, nikEnc: `enc-${personId}`, name: `Name ${personId}`,
  email: `${personId}@pontianak.go.id`, agency: 'Diskominfo', position: 'Staf', superiorNip: null,
  category: 'asn', active: true, updatedAt: NOW, ...extra,
});

const request = (id: string): RequestRow => ({
  id, kind: 'new', status: 'submitted', channel: 'telegram', applicantPersonId: null, applicantNip: null,
  applicantEmail: 'a@pontianak.go.id', applicantName: 'A', applicantNikHmac: null, applicantNikEnc: null,
  certificateType: null, uses: '[]', details: '{}', checks: '{}', reviewRound: 1, version: 1,
  createdAt: NOW, updatedAt: NOW,
});

const decision = (id: string, requestId: string, reviewRound: number): DecisionRow => ({
  id, requestId, reviewRound, officerTelegramId: '1001', outcome: 'approve', reasons: '[]', note: '', decidedAt: NOW,
});

const outbox = (id: string, dedupeKey: string): OutboxRow => ({
  id, dedupeKey, channel: 'email', recipient: 'a@pontianak.go.id', template: 'received', model: '{}',
  messageId: `<${id}@ra-desk>`, status: 'pending', attempts: 0, nextAttemptAt: NOW, lastError: null,
  createdAt: NOW, sentAt: null, caseId: null, inReplyTo: null, referencesHeader: null,
});

describe.each(DATABASES)('migrations on %s', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(kind);
  });
  afterEach(async () => {
    await db?.close();
  });

  it('creates every table with its unique indexes', async () => {
    const qr = db.ds.createQueryRunner();
    try {
      for (const table of TABLES) expect(await qr.hasTable(table), table).toBe(true);
      const indexNames = async (table: string): Promise<string[]> =>
        ((await qr.getTable(table))?.indices ?? []).filter((ix) => ix.isUnique).map((ix) => ix.name ?? '');
      expect(await indexNames('decisions')).toContain('ux_decisions_round');
      expect(await indexNames('outbox')).toContain('ux_outbox_dedupe');
      expect(await indexNames('roster_entries')).toEqual(expect.arrayContaining(['ux_roster_nip', 'ux_roster_email']));
    } finally {
      await qr.release();
    }
    expect(await db.ds.showMigrations()).toBe(false);
    const applied = await db.ds.query('SELECT name FROM migrations ORDER BY id') as Array<{ name: string }>;
    expect(applied.map((m) => m.name)).toEqual(migrations.map((M) => new M().name));
  });

  it('running the migrations again changes nothing', async () => {
    await db.ds.getRepository(RosterSchema).insert(roster('p1', '198001012000011001'));
    expect(await db.ds.runMigrations({ transaction: 'each' })).toEqual([]);

    // Reopening the same database (a restart) applies nothing and keeps the data.
    await db.ds.destroy();
    const again = await openDatabase(db.databaseUrl ? { dataDir: db.dataDir, databaseUrl: db.databaseUrl } : { dataDir: db.dataDir });
    try {
      const applied = await again.query('SELECT name FROM migrations') as unknown[];
      expect(applied).toHaveLength(migrations.length);
      expect(await again.getRepository(RosterSchema).count()).toBe(1);
    } finally {
      await again.destroy();
    }
  });

  it('refuses a second decision for the same request and review round', async () => {
    await db.ds.getRepository(RequestSchema).insert(request('r1'));
    const decisions = db.ds.getRepository(DecisionSchema);
    await decisions.insert(decision('d1', 'r1', 1));
    await expect(decisions.insert(decision('d2', 'r1', 1))).rejects.toThrow(/unique|duplicate/i);
    await decisions.insert(decision('d3', 'r1', 2)); // the next round is a new decision
    expect(await decisions.count()).toBe(2);
  });

  it('refuses a duplicate outbox dedupe key', async () => {
    const repo = db.ds.getRepository(OutboxSchema);
    await repo.insert(outbox('o1', 'request:r1:received'));
    await expect(repo.insert(outbox('o2', 'request:r1:received'))).rejects.toThrow(/unique|duplicate/i);
    expect(await repo.count()).toBe(1);
  });

  it('refuses a duplicate roster NIP but allows many entries without one', async () => {
    const repo = db.ds.getRepository(RosterSchema);
    await repo.insert(roster('p1', '198001012000011001'));
    await expect(repo.insert(roster('p2', '198001012000011001'))).rejects.toThrow(/unique|duplicate/i);
    await repo.insert(roster('p3', null));
    await repo.insert(roster('p4', null));
    expect(await repo.count()).toBe(3);
    expect(await repo.countBy({ nip: '198001012000011001' })).toBe(1);
  });

  it('a write transaction that throws leaves nothing behind', async () => {
    await expect(inWriteTransaction(db.ds, async (qr) => {
      await qr.manager.getRepository(RequestSchema).insert(request('r9'));
      await qr.manager.getRepository(OutboxSchema).insert(outbox('o9', 'request:r9:received'));
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await db.ds.getRepository(RequestSchema).count()).toBe(0);
    expect(await db.ds.getRepository(OutboxSchema).count()).toBe(0);

    // A constraint violation midway rolls back the earlier writes too.
    await db.ds.getRepository(OutboxSchema).insert(outbox('o1', 'taken'));
    await expect(inWriteTransaction(db.ds, async (qr) => {
      await qr.manager.getRepository(RequestSchema).insert(request('r10'));
      await qr.manager.getRepository(OutboxSchema).insert(outbox('o10', 'taken'));
    })).rejects.toThrow(/unique|duplicate/i);
    expect(await db.ds.getRepository(RequestSchema).count()).toBe(0);
  });
});
