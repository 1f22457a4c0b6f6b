import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { PEOPLE, seedDesk } from '../support/storage-desk.ts';

const t = createTemplates();

describe('ra-desk oversight run', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let opened: Date;

  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
    const app = await openApp(createConfig(env));
    try {
      await seedDesk({ ports: app.ports, auditLog: app.auditLog });
      opened = new Date();
      await openTicket(app.ports, { kind: 'incident', channel: 'email', email: PEOPLE.siti.email, subject: 'Token hilang' });
    } finally {
      await app.close();
    }
  });
  afterAll(async () => { await db?.close(); });

  it.each(['garbage', '2026-02-30T09:00:00+07:00', '2026-03-10T09:00'])('refuses --now %j with one Indonesian line and exit code 2', async (given) => {
    const r = await runCli(['oversight', 'run', '--now', given], env);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message('OVERSIGHT.BAD_NOW', { given })}`]);
  });

  it('refuses a missing action and a stray argument', async () => {
    for (const args of [['oversight'], ['oversight', 'run', 'now']]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message('OVERSIGHT.USAGE')}`]);
    }
  });

  it('re-alerts an unreported incident two hours on, prints the counts, and queues nothing when run again', async () => {
    const now = new Date(opened.getTime() + 2 * 3_600_000 + 60_000).toISOString();
    const first = await runCli(['oversight', 'run', '--now', now], env);
    expect(first.code, first.stderr).toBe(0);
    expect(linesOf(first.stdout)).toEqual([t.message('OVERSIGHT.RUN_DONE', { now, realerts: 2, pdpReminders: 0, slaBreaches: 0, incidents: 1, helpTickets: 0 })]);
    const again = await runCli(['oversight', 'run', '--now', now], env);
    expect(linesOf(again.stdout)).toEqual([t.message('OVERSIGHT.RUN_DONE', { now, realerts: 0, pdpReminders: 0, slaBreaches: 0, incidents: 1, helpTickets: 0 })]);
    expect(await db.ds.getRepository(OutboxSchema).countBy({ template: 'incident-realert' })).toBe(2);
  });
});
