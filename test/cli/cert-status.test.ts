import { randomBytes, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { createTemplates } from '../../templates/catalog.ts';
import * as x509 from '../../storage/ca/x509.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { seedDesk } from '../support/storage-desk.ts';
import { seedIssuedCertificate } from '../support/certificates.ts';
import { createTestBsreCa } from '../support/bsre-ca.ts';

const t = createTemplates();

/** `ra-desk cert status FILE` (Pasal 14(2)) against the sandbox CA, as a child process. */
describe('ra-desk cert status', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const file = (name: string) => join(db.dataDir, name);

  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
    env = { RA_DATA_DIR: db.dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_CA: 'sandbox' };
    expect((await runCli(['init'], env)).code).toBe(0);
    const app = await openApp(createConfig(env));
    try {
      await seedDesk({ ports: app.ports, auditLog: app.auditLog });
      const ca = (await app.ca())!;
      const pemOf = async (requestId: string) => {
        const doc = (await app.ports.vault.list(requestId)).find((d) => d.kind === 'certificate')!;
        return Buffer.from(await app.ports.vault.read(doc.id, requestId));
      };
      const good = await seedIssuedCertificate({ ports: app.ports, auditLog: app.auditLog }, ca, 'siti');
      writeFileSync(file('valid.pem'), await pemOf(good.requestId));
      const revoked = await seedIssuedCertificate({ ports: app.ports, auditLog: app.auditLog }, ca, 'andi');
      await ca.revoke(revoked.serial, 'keyCompromise', new Date());
      writeFileSync(file('revoked.pem'), await pemOf(revoked.requestId));
    } finally {
      await app.close();
    }
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
    const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
    const foreign = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: 'CN=Bukan BSrE', notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), keys, signingAlgorithm: alg,
    });
    writeFileSync(file('foreign.pem'), foreign.toString('pem'));
    writeFileSync(file('garbage.cer'), 'ini bukan sertifikat');
    writeFileSync(file('huge.cer'), Buffer.alloc(2 * 1024 * 1024, 0x41));
  });
  afterAll(async () => { await db?.close(); });

  it('says valid, with each check, and exits 0', async () => {
    const r = await runCli(['cert', 'status', file('valid.pem')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sah: diterbitkan oleh CA yang dikenal/);
    expect(r.stdout).toContain(t.message('CERTCHECK.CHAIN_OK'));
    expect(r.stdout).toContain(t.message('CERTCHECK.NOT_REVOKED'));
  });

  it('says expired at a later --at, revoked for a revoked one, unknown issuer for a foreign one, unreadable for garbage; each exits 1', async () => {
    const later = await runCli(['cert', 'status', file('valid.pem'), '--at', '2031-01-01T00:00:00Z', '--json'], env);
    expect(later.code).toBe(1);
    expect(JSON.parse(later.stdout)).toMatchObject({ status: 'expired', reasons: expect.arrayContaining(['CERTCHECK.EXPIRED']) });
    const revoked = await runCli(['cert', 'status', file('revoked.pem')], env);
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toMatch(/telah dicabut pada/);
    const foreign = await runCli(['cert', 'status', file('foreign.pem')], env);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toMatch(/bukan CA yang dikenal/);
    const garbage = await runCli(['cert', 'status', file('garbage.cer')], env);
    expect(garbage.code).toBe(1);
    expect(garbage.stdout).toContain(t.message('CERTCHECK.NOT_A_CERTIFICATE'));
  });

  it('refuses bad usage with one Indonesian line and exit 2: no file, a missing file, a huge file, a bad --at', async () => {
    for (const [args, code] of [
      [['cert', 'status'], 'CERT.USAGE'],
      [['cert', 'verify', 'x'], 'CERT.USAGE'],
      [['cert', 'status', file('tidak-ada.pem')], null],
      [['cert', 'status', file('huge.cer')], 'CERT.FILE_TOO_LARGE'],
      [['cert', 'status', file('valid.pem'), '--at', 'besok'], 'REMINDERS.BAD_NOW'],
    ] as const) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(linesOf(r.stderr)).toHaveLength(1);
      if (code === 'CERT.USAGE') expect(r.stderr).toContain(t.message('CERT.USAGE'));
      if (code === 'CERT.FILE_TOO_LARGE') expect(r.stderr).toContain('terlalu besar');
      expect(r.stdout).toBe('');
    }
  });

  it('with BSrE by hand: says what is needed without roots; with them, checks the chain, the dates and the RA\'s own revocations', async () => {
    const none = await runCli(['cert', 'status', file('valid.pem')], { ...env, RA_CA: 'bsre-manual' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(t.message('CERT.NO_VERIFIER'));
    const bsre = await createTestBsreCa(new Date());
    const roots = bsre.writeRoots(db.dataDir);
    writeFileSync(file('bsre.pem'), (await bsre.issue({ email: 'siti.aminah@pontianak.go.id' })).toString('pem'));
    const manual = { ...env, RA_CA: 'bsre-manual', RA_CA_ROOTS: roots };
    const good = await runCli(['cert', 'status', file('bsre.pem')], manual);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(t.message('CERTCHECK.CHAIN_OK'));
    expect(good.stdout).toContain(t.message('CERTCHECK.NOT_REVOKED_AT_RA'));
    const foreign = await runCli(['cert', 'status', file('valid.pem')], manual);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toMatch(/bukan CA yang dikenal/);
  });
});
