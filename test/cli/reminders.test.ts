import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { parseIsoTime, scheduleReminders } from '../../cli/commands/reminders.ts';
import type { Io } from '../../cli/io.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { CertificateSchema, OutboxSchema } from '../../storage/entities/schemas.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { PEOPLE, seedDesk } from '../support/storage-desk.ts';

const t = createTemplates();

describe('ra-desk reminders run', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
    const app = await openApp(createConfig(env));
    try {
      await seedDesk({ ports: app.ports, auditLog: app.auditLog });
      const siti = await app.ports.roster.findByNip(PEOPLE.siti.nip);
      await inWriteTransaction(app.ds, (qr) => qr.manager.getRepository(CertificateSchema).insert({
        id: randomUUID(), requestId: 'OP-2025-000001', ownerPersonId: siti!.personId, serial: '4F1A00000001', issuer: 'BSrE',
        fingerprint: 'ab'.repeat(32), notBefore: '2024-03-20T00:00:00.000Z', notAfter: '2026-03-20T17:00:00.000Z', state: 'active',
        agreementAcceptedAt: null, agreementHash: null, deliveredAt: null, receiptConfirmedAt: null, revokedAt: null, revocationReason: null,
        createdAt: '2024-03-20T00:00:00.000Z',
      }));
    } finally {
      await app.close();
    }
  });
  afterAll(async () => { await db?.close(); });

  it.each(['garbage', '2026-02-30T09:00:00+07:00', '2026-03-10T09:00', '2026-03-10'])('refuses --now %j with one Indonesian line and exit code 2', async (given) => {
    const r = await runCli(['reminders', 'run', '--now', given], env);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message('REMINDERS.BAD_NOW', { given })}`]);
    expect(r.stdout).toBe('');
  });

  it('refuses a bad --days list and a missing action with exit code 2', async () => {
    const days = await runCli(['reminders', 'run', '--days', '30,0'], env);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('daftar --days "30,0" tidak valid');
    const usage = await runCli(['reminders'], env);
    expect(usage.code).toBe(2);
    expect(linesOf(usage.stderr)).toEqual([`ra-desk: ${t.message('REMINDERS.USAGE')}`]);
  });

  it('reminds once at the given moment, prints the counts, and sends nothing new when run again', async () => {
    const first = await runCli(['reminders', 'run', '--now', '2026-03-10T09:00:00+07:00'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(linesOf(first.stdout)).toEqual([t.message('REMINDERS.RUN_DONE', {
      now: '2026-03-10T02:00:00.000Z', scanned: 1, reminded: 1, emails: 1, telegrams: 0, skipped: 1, unreachable: 0, digests: 0, agencies: 0,
    })]);
    const again = await runCli(['reminders', 'run', '--now', '2026-03-10T09:00:00+07:00'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(' 0 sertifikat diingatkan (0 e-mail, 0 Telegram)');
  });

  it('runs at the current time without --now', async () => {
    const r = await runCli(['reminders', 'run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Pengingat masa berlaku per \d{4}-\d{2}-\d{2}T/);
  });
});

describe('reminders inside ra-desk serve', () => {
  it('sweeps at once and then on schedule, and stops cleanly', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
      const app = await openApp(createConfig(env), { clock: { now: () => new Date('2026-03-10T02:00:00.000Z') } });
      const out: string[] = [];
      const err: string[] = [];
      const io: Io = { t, out: (l) => out.push(l), err: (l) => err.push(l), interactive: false };
      try {
        await seedDesk({ ports: app.ports, auditLog: app.auditLog });
        const siti = await app.ports.roster.findByNip(PEOPLE.siti.nip);
        await inWriteTransaction(app.ds, (qr) => qr.manager.getRepository(CertificateSchema).insert({
          id: randomUUID(), requestId: 'OP-2025-000001', ownerPersonId: siti!.personId, serial: '4F1A00000002', issuer: 'BSrE',
          fingerprint: 'cd'.repeat(32), notBefore: '2024-03-20T00:00:00.000Z', notAfter: '2026-03-15T17:00:00.000Z', state: 'active',
          agreementAcceptedAt: null, agreementHash: null, deliveredAt: null, receiptConfirmedAt: null, revokedAt: null, revocationReason: null,
          createdAt: '2024-03-20T00:00:00.000Z',
        }));
        const schedule = scheduleReminders(app, io, 60_000);
        await schedule.stop();
        expect(err).toEqual([]);
        expect(out).toHaveLength(1);
        expect(out[0]).toContain('1 sertifikat diingatkan (1 e-mail, 0 Telegram)');
        expect(await app.ds.getRepository(OutboxSchema).countBy({ template: 'reminder-expiry' })).toBe(1);
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  });
});

describe('--now', () => {
  it('reads a full ISO 8601 time with its offset', () => {
    expect(parseIsoTime('2026-03-10T09:00:00+07:00')?.toISOString()).toBe('2026-03-10T02:00:00.000Z');
    expect(parseIsoTime('2026-03-10T02:00Z')?.toISOString()).toBe('2026-03-10T02:00:00.000Z');
    expect(parseIsoTime('2026-03-10T02:00:00.123Z')?.toISOString()).toBe('2026-03-10T02:00:00.123Z');
  });

  it.each(['2026-02-29T00:00:00Z', '2026-03-10T24:00:00Z', '2026-03-10 02:00:00Z', 'now', ''])('refuses %j', (text) => {
    expect(parseIsoTime(text)).toBeNull();
  });
});
