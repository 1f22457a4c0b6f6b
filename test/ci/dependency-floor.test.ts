import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'check-dependency-floor.mjs');
const floors = [
  '# comment',
  'node-forge  1.4.0   CVE-2026-33894  test line',
  'nodemailer  7.0.11  GHSA-rcmh-qjqh-p98v  test line',
].join('\n');

function lockfile(packages: Record<string, string>): string {
  const entries = Object.fromEntries(Object.entries(packages).map(([path, version]) => [path, { version }]));
  return JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x' }, ...entries } });
}

describe('dependency floor (scripts/check-dependency-floor.mjs)', () => {
  let dir: string;
  beforeEach(() => { dir = makeTempDir('floor'); });
  afterEach(() => removeTempDir(dir));

  function run(packages: Record<string, string>) {
    writeFileSync(join(dir, 'package-lock.json'), lockfile(packages));
    writeFileSync(join(dir, 'floor.txt'), floors);
    return spawnSync(process.execPath, [script, join(dir, 'package-lock.json'), join(dir, 'floor.txt')], { encoding: 'utf8' });
  }

  it('passes a lockfile at or above every floor', () => {
    const result = run({ 'node_modules/node-forge': '1.4.0', 'node_modules/nodemailer': '10.6.1' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails on a top-level package below its floor, naming the advisory', () => {
    const result = run({ 'node_modules/node-forge': '1.3.3', 'node_modules/nodemailer': '7.0.11' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('node_modules/node-forge 1.3.3 is below 1.4.0: CVE-2026-33894');
  });

  it('fails on a nested copy below its floor even when the top-level one is new', () => {
    const result = run({ 'node_modules/nodemailer': '10.6.1', 'node_modules/mailparser/node_modules/nodemailer': '7.0.10' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('node_modules/mailparser/node_modules/nodemailer 7.0.10 is below 7.0.11');
  });

  it('treats a pre-release of the fixed version as below it', () => {
    const result = run({ 'node_modules/node-forge': '1.4.0-rc.1' });
    expect(result.status).toBe(1);
  });

  it('passes the real lockfile against the real list', () => {
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^dependency floor: ok/);
  });
});
