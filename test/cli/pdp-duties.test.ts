import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../cli/config.ts';
import { openApp, type App } from '../../cli/app.ts';
import { createMasterKeyFile } from '../../storage/crypto/keys.ts';
import { documentPath } from '../../storage/vault/file-vault.ts';
import { AuditSchema, DocumentSchema, OutboxSchema } from '../../storage/entities/schemas.ts';
import { RestrictionSchema } from '../../storage/entities/restriction.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { renderMail } from '../../mail/outbox/render-mail.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { PEOPLE, seedDesk } from '../support/storage-desk.ts';
import { applicationFiles, seedApplicationWithCertificate } from '../support/pdp-seed.ts';

const t = createTemplates();

/**
 * The personal-data duties (UU 27/2022) through the CLI, in the order an operator meets them: refusals
 * of bad input, a data subject's export, restriction, a breach notice, the retention run, and last the
 * master-key rotation (everything before must still be readable after it).
 */
describe('ra-desk person / retention / vault rotate-key', () => {
  let dir: string;
  let keyFile: string;
  let env: Record<string, string>;
  let siti: { requestId: string };
  let andi: { requestId: string };
  const withApp = async <T>(work: (app: App) => Promise<T>): Promise<T> => {
    const app = await openApp(createConfig(env));
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  };
  const auditCount = () => withApp((app) => app.ds.getRepository(AuditSchema).count());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ra-pdp-cli-'));
    keyFile = join(dir, 'keys', 'master.key');
    createMasterKeyFile(keyFile);
    env = { RA_DATA_DIR: dir, RA_MASTER_KEY_FILE: keyFile };
    const app = await openApp(createConfig(env), { clock: { now: () => new Date('2025-03-01T00:00:00.000Z') } });
    try {
      await seedDesk({ ports: app.ports, auditLog: app.auditLog });
      siti = await seedApplicationWithCertificate(app, app.ds, 'siti', { notAfter: '2027-03-01T00:00:00.000Z', revokedAt: '2026-02-01T00:00:00.000Z' });
      andi = await seedApplicationWithCertificate(app, app.ds, 'andi', { notAfter: '2027-06-01T00:00:00.000Z' });
    } finally {
      await app.close();
    }
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it.each([
    [['retention', 'run', '--now', 'garbage'], 'RETENTION.BAD_NOW', { given: 'garbage' }],
    [['retention', 'run', '--years', '0'], 'RETENTION.BAD_YEARS', { given: '0' }],
    [['retention', 'run', '--years', 'dua'], 'RETENTION.BAD_YEARS', { given: 'dua' }],
    [['person', 'export', '12345', '--stdout'], 'PDP.BAD_NIP', { given: '12345' }],
    [['person', 'export', '198001012005011099', '--stdout'], 'PDP.UNKNOWN_NIP', { nip: '198001012005011099' }],
    [['person', 'export', PEOPLE.siti.nip], 'PDP.EXPORT_TARGET', {}],
    [['person', 'restrict', 'siti'], 'PDP.BAD_NIP', { given: 'siti' }],
    [['person', 'notify-breach', PEOPLE.siti.nip, '--what', 'NIK'], 'PDP.BREACH_FIELD_MISSING', { field: '--when' }],
    [['vault', 'rotate-key', '--new-key-file', '/nonexistent/key'], 'VAULT.BAD_NEW_KEY', { path: '/nonexistent/key' }],
    [['vault', 'sweep', '--older-than-hours', '0'], 'VAULT.BAD_HOURS', { given: '0' }],
    [['vault', 'sweep', '--older-than-hours', 'sehari'], 'VAULT.BAD_HOURS', { given: 'sehari' }],
    [['vault', 'sweep', 'sekarang'], 'VAULT.USAGE', {}],
    [['vault', 'sapu'], 'VAULT.USAGE', {}],
  ] as const)('refuses %j with one Indonesian line, exit code 2, and writes nothing', async (args, code, params) => {
    const before = await auditCount();
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message(code, params)}`]);
    expect(r.stdout).toBe('');
    expect(await auditCount()).toBe(before);
  });

  it('refuses to rotate a key given in RA_MASTER_KEY, and tells the operator what to do', async () => {
    const r = await runCli(['vault', 'rotate-key'], { RA_DATA_DIR: dir, RA_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([`ra-desk: ${t.message('VAULT.ENV_KEY')}`]);
  });

  it('exports everything held on one person and their processing trail to a 0600 file, and nothing of anyone else', async () => {
    const out = join(dir, 'export-siti.json');
    const r = await runCli(['person', 'export', PEOPLE.siti.nip, '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    const data = JSON.parse(text) as {
      person: { nik: string; email: string }; requests: Array<{ id: string; nik: string | null }>; certificates: unknown[];
      documents: Array<{ kind: string }>; trail: Array<{ action: string; subject: string }>;
    };
    expect(data.person).toMatchObject({ nik: PEOPLE.siti.nik, email: PEOPLE.siti.email });
    expect(data.requests.map((q) => [q.id, q.nik])).toEqual([[siti.requestId, PEOPLE.siti.nik]]);
    expect(data.certificates).toHaveLength(1);
    expect(data.documents.map((d) => d.kind).sort()).toEqual(['cover_letter', 'ktp_scan', 'original_message', 'recommendation']);
    expect(data.trail.some((a) => a.action === 'request.create' && a.subject === siti.requestId)).toBe(true);
    for (const other of [PEOPLE.andi, PEOPLE.budi]) {
      expect(text).not.toContain(other.nik);
      expect(text).not.toContain(other.email);
    }
    expect(text).not.toContain(andi.requestId);

    const again = await runCli(['person', 'export', PEOPLE.siti.nip, '--out', out], env);
    expect(again.code).toBe(2);
    expect(linesOf(again.stderr)).toEqual([`ra-desk: ${t.message('PDP.OUT_EXISTS', { path: out })}`]);
    const exported = await withApp((app) => app.ds.getRepository(AuditSchema).findBy({ action: 'person.exported' }));
    expect(exported.map((a) => [a.actor, a.outcome])).toEqual([['system', 'file']]);
    expect(JSON.stringify(exported)).not.toContain(PEOPLE.siti.nip);
  });

  it('restricts processing: a new application through the real use case is refused until the restriction is lifted', async () => {
    const restricted = await runCli(['person', 'restrict', PEOPLE.budi.nip], env);
    expect(restricted.code, restricted.stderr).toBe(0);
    expect(linesOf(restricted.stdout)).toEqual([t.message('PDP.RESTRICTED_DONE', { nip: PEOPLE.budi.nip })]);
    const application = {
      channel: 'email' as const, email: PEOPLE.budi.email, nik: PEOPLE.budi.nik, nip: PEOPLE.budi.nip, name: PEOPLE.budi.name,
      certificateType: 'individual', uses: [], documents: applicationFiles(),
    };
    expect(await withApp((app) => submitApplication(app.ports, application))).toMatchObject({ ok: false, code: 'APPLY.RESTRICTED' });
    const twice = await runCli(['person', 'restrict', PEOPLE.budi.nip], env);
    expect(linesOf(twice.stdout)).toEqual([t.message('PDP.ALREADY_RESTRICTED')]);

    const lifted = await runCli(['person', 'restrict', PEOPLE.budi.nip, '--lift'], env);
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(await withApp((app) => app.ds.getRepository(RestrictionSchema).count())).toBe(0);
    expect(await withApp((app) => submitApplication(app.ports, application))).toMatchObject({ ok: true, value: { status: 'pending_review' } });
  });

  it('queues the Pasal 46 breach notice once per notice, audited without its text', async () => {
    const args = [
      'person', 'notify-breach', PEOPLE.siti.nip, '--ref', 'TK-2026-000050',
      '--what', 'Nama, NIP, dan pindaian e-KTP', '--when', '20 November 2026, 22.00 WIB', '--how', 'Cadangan server tersimpan tanpa sandi',
      '--remedy', 'Salinan dihapus; waspadai pesan yang mengatasnamakan OP',
    ];
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout)).toEqual([t.message('PDP.BREACH_QUEUED', { nip: PEOPLE.siti.nip })]);
    const again = await runCli(args, env);
    expect(linesOf(again.stdout)).toEqual([t.message('PDP.BREACH_ALREADY', { nip: PEOPLE.siti.nip })]);
    const rows = await withApp((app) => app.ds.getRepository(OutboxSchema).findBy({ template: 'breach-notice' }));
    expect(rows.map((o) => o.recipient)).toEqual([PEOPLE.siti.email]);
    const mail = renderMail(t, 'breach-notice', JSON.parse(rows[0]!.model) as Record<string, unknown>);
    expect(mail.text).toContain('Pasal 46');
    expect(mail.text).toContain('Cadangan server tersimpan tanpa sandi');
    const audit = await withApp((app) => app.ds.getRepository(AuditSchema).findBy({ action: 'person.breach_notified' }));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toMatch(/e-KTP|Cadangan/);
  });

  it('retention run destroys only what is past the period, prints the counts, and does nothing the second time', async () => {
    const early = await runCli(['retention', 'run', '--now', '2028-01-31T09:00:00+07:00'], env);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toContain(': 0 permohonan, 0 berkas');
    const run = await runCli(['retention', 'run', '--now', '2028-02-02T09:00:00+07:00', '--years', '2'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(linesOf(run.stdout)).toEqual([t.message('RETENTION.RUN_DONE', {
      now: '2028-02-02T02:00:00.000Z', years: 2, cutoff: '2026-02-02T02:00:00.000Z', requests: 1, documents: 2, niks: 1, rosterNiks: 0, permits: 0,
    })]);
    const kinds = await withApp((app) => app.ds.getRepository(DocumentSchema).findBy({ requestId: siti.requestId }));
    expect(kinds.map((d) => d.kind).sort()).toEqual(['cover_letter', 'recommendation']);
    const second = await runCli(['retention', 'run', '--now', '2028-02-02T09:00:00+07:00'], env);
    expect(second.stdout).toContain(': 0 permohonan, 0 berkas');
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('vault sweep removes a vault file no row names (a crash between write and commit), after a dry run that removes nothing', async () => {
    const path = documentPath(randomUUID());
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), randomBytes(2048));
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(dir, path), twoDaysAgo, twoDaysAgo);
    const before = await auditCount();

    const dry = await runCli(['vault', 'sweep', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(linesOf(dry.stdout)).toEqual([expect.stringMatching(/^Uji coba, tidak ada yang dihapus: 1 berkas arsip yatim berumur lebih dari 24 jam akan dihapus \(0\.0 MB\); 0 berkas yatim yang lebih baru dibiarkan; \d+ berkas arsip masih dipakai\.$/)]);
    expect(existsSync(join(dir, path))).toBe(true);
    expect(await auditCount()).toBe(before);

    const run = await runCli(['vault', 'sweep', '--older-than-hours', '36'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('berumur lebih dari 36 jam): 1 dihapus (0.0 MB)');
    expect(existsSync(join(dir, path))).toBe(false);
    expect(await auditCount()).toBe(before + 1);
    // Every document a row names is still there and readable.
    await withApp(async (app) => {
      for (const doc of await app.ports.vault.list(andi.requestId)) expect((await app.ports.vault.read(doc.id, andi.requestId)).length).toBe(doc.size);
    });
    const again = await runCli(['vault', 'sweep'], env);
    expect(again.stdout).toContain('): 0 dihapus (0.0 MB)');
  });

  it('vault rotate-key re-keys everything: readable with the new key, not with the old one, NIK lookups work, audit verifies', async () => {
    const oldKey = readFileSync(keyFile, 'utf8').trim();
    const ktp = await withApp(async (app) => {
      const doc = (await app.ports.vault.list(andi.requestId)).find((d) => d.kind === 'ktp_scan')!;
      return { id: doc.id, bytes: Buffer.from(await app.ports.vault.read(doc.id, andi.requestId)) };
    });

    const r = await runCli(['vault', 'rotate-key'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Kunci induk diganti \([0-9a-f]{16} → [0-9a-f]{16}\): \d+ kunci berkas arsip dibungkus ulang/);
    const newKey = readFileSync(keyFile, 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
    await withApp(async (app) => {
      expect(Buffer.from(await app.ports.vault.read(ktp.id, andi.requestId)).equals(ktp.bytes)).toBe(true);
      expect(await app.ports.cases.applicantNik(andi.requestId)).toBe(PEOPLE.andi.nik);
      const again = await submitApplication(app.ports, {
        channel: 'email', email: PEOPLE.andi.email, nik: PEOPLE.andi.nik, nip: PEOPLE.andi.nip, name: PEOPLE.andi.name,
        certificateType: 'individual', uses: [], documents: applicationFiles(),
      });
      expect(again.ok && again.value.checks.find((c) => c.rule === 'roster')?.pass).toBe(true);
    });

    // The old key opens nothing: the desk refuses it before touching a row.
    const old = await runCli(['audit', 'verify'], { RA_DATA_DIR: dir, RA_MASTER_KEY: oldKey });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('KEY.MISMATCH');
    const oldKeyFile = join(dir, 'old.key');
    writeFileSync(oldKeyFile, oldKey + '\n', { mode: 0o600 });
    const oldFile = await runCli(['person', 'export', PEOPLE.andi.nip, '--stdout'], { RA_DATA_DIR: dir, RA_MASTER_KEY_FILE: oldKeyFile });
    expect(oldFile.code).toBe(1);
    expect(oldFile.stdout).toBe('');
  });
});
