import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { passingChecks, PEOPLE, seedDesk } from '../support/storage-desk.ts';
import { createTestBsreCa } from '../support/bsre-ca.ts';

const t = createTemplates();

/** `ra-desk cert import` (bsre-manual): the bot's import from the command line, as a child process. */
describe('ra-desk cert import', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let requestId: string;
  const file = (name: string) => join(db.dataDir, name);

  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    const bsre = await createTestBsreCa(new Date());
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') };
    env['RA_CA_ROOTS'] = bsre.writeRoots(db.dataDir);
    const app = await openApp(createConfig(env));
    try {
      await seedDesk({ ports: app.ports, auditLog: app.auditLog });
      const siti = (await app.ports.roster.findByNip(PEOPLE.siti.nip))!;
      requestId = await app.ports.uow.run(async (tx) => {
        const id = await app.ports.cases.nextId('issuance', new Date().getUTCFullYear(), tx);
        await app.ports.cases.create({
          id, kind: 'issuance', status: 'submitted_to_ca', channel: 'email',
          applicant: { personId: siti.personId, nip: siti.nip, email: siti.email, name: siti.name }, applicantNik: PEOPLE.siti.nik,
          certificateType: 'individual', uses: ['signature'], details: { agreementAcceptedAt: new Date().toISOString(), agreementSha256: 'a'.repeat(64) },
          checks: passingChecks(), reviewRound: 1, createdAt: new Date().toISOString(),
        }, tx);
        return id;
      });
    } finally {
      await app.close();
    }
    writeFileSync(file('siti.pem'), (await bsre.issue({ email: PEOPLE.siti.email })).toString('pem'));
    writeFileSync(file('budi.pem'), (await bsre.issue({ email: PEOPLE.budi.email })).toString('pem'));
  });
  afterAll(async () => { await db?.close(); });

  it('refuses someone else\'s certificate with the reason (exit 1), then records the applicant\'s (exit 0)', async () => {
    const wrong = await runCli(['cert', 'import', requestId, file('budi.pem'), '--officer', '5550001'], env);
    expect(wrong.code).toBe(1);
    expect(linesOf(wrong.stderr)).toEqual([expect.stringMatching(/bukan milik pemohon/)]);
    const stranger = await runCli(['cert', 'import', requestId, file('siti.pem'), '--officer', '999999'], env);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain(t.message('CERTIMPORT.NOT_AN_OFFICER'));
    const r = await runCli(['cert', 'import', requestId.toLowerCase(), file('siti.pem'), '--officer', '5550001'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`untuk ${requestId} tercatat`));
  });

  it('refuses bad usage with exit 2', async () => {
    for (const args of [['cert', 'import'], ['cert', 'import', requestId, file('siti.pem')], ['cert', 'import', requestId, file('tidak-ada.pem'), '--officer', '5550001']]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(linesOf(r.stderr)).toHaveLength(1);
    }
  });
});
