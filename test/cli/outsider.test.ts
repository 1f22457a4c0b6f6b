import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;
/** Not on the demo roster: a dinas address and a well-formed NIK (female, born 15-05-1995). */
const RINA = { email: 'rina.wati@pontianak.go.id', nik: '6171015505950001', name: 'Rina Wati', ref: '800/45/DISKOMINFO/2026' };

const root = makeTempDir('cli-outsider');
const env = { RA_DATA_DIR: join(root, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64') };
const outsider = (...args: string[]) => runCli(['outsider', ...args], env);
const allow = (flags: Record<string, string>) => outsider('allow', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]));
const valid = { email: RINA.email, nik: RINA.nik, name: RINA.name, ref: RINA.ref };

beforeAll(async () => {
  const r = await runCli(['roster', 'import', DEMO_ROSTER], env);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => removeTempDir(root));

const refusedWith = (r: { code: number | null; stdout: string; stderr: string }, message: string): void => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(linesOf(r.stderr)).toEqual([`ra-desk: ${message}`]);
};

describe('ra-desk outsider (Pasal 13(1)c)', () => {
  it('refuses a bad NIK, a non-dinas address and a missing flag without echoing the NIK', async () => {
    const [badNik, gmail, noRef] = await Promise.all([
      allow({ ...valid, nik: '6171015505950' }),
      allow({ ...valid, email: 'rina@gmail.com' }),
      allow({ email: RINA.email, nik: RINA.nik, name: RINA.name }),
    ]);
    refusedWith(badNik, t.message('NIK.BAD_LENGTH', { length: 13 }));
    refusedWith(gmail, t.message('EMAIL.NOT_OFFICIAL', { domains: 'pontianak.go.id' }));
    refusedWith(noRef, t.message('CLI.FLAG_REQUIRED', { flag: '--ref' }));
    expect(badNik.stderr).not.toContain('6171015505950');
  });

  it('allows a pihak lain once, echoing the NIK masked, and lists the permit', async () => {
    const r = await allow(valid);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(t.message('OUTSIDER.ALLOWED', { email: RINA.email, masked: '6171********0001' }));
    const [again, list] = await Promise.all([allow(valid), outsider('list', '--json')]);
    refusedWith(again, t.message('OUTSIDER.ALREADY_PERMITTED'));
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ email: RINA.email, name: RINA.name, reference: RINA.ref, grantedBy: 'system' })]);
    expect(list.stdout).not.toContain(RINA.nik);
  });

  it('revokes the permit once; a second revocation is refused', async () => {
    const first = await outsider('revoke', '--email', RINA.email);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(t.message('OUTSIDER.REVOKED', { email: RINA.email }));
    const [second, list] = await Promise.all([outsider('revoke', '--email', RINA.email), outsider('list')]);
    refusedWith(second, t.message('OUTSIDER.NOT_FOUND'));
    expect(list.stdout.trim()).toBe(t.message('OUTSIDER.LIST_EMPTY'));
    const audit = await runCli(['audit', 'verify'], env);
    expect(audit.code, audit.stderr).toBe(0);
  });
});
