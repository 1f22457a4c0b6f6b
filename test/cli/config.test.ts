import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../cli/config.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const KEY = randomBytes(32).toString('base64');

/** The ConfigError thrown for `env`, or a failure when none is thrown. */
function configError(env: Record<string, string>): ConfigError {
  try {
    createConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('createConfig', () => {
  // toMatchObject: sections other features add (mail, bot) have tests of their own.
  it('fills every default when nothing is set', () => {
    const c = createConfig({});
    expect(c).toMatchObject({
      dataDir: resolve('data'),
      databaseUrl: undefined,
      masterKey: undefined,
      masterKeyFile: resolve('data', 'keys', 'master.key'),
      officialDomains: ['pontianak.go.id'],
      maxFileBytes: 10 * 1024 * 1024,
      maxMessageBytes: 25 * 1024 * 1024,
      logLevel: 'info',
      timezone: 'Asia/Pontianak',
      messageIdDomain: 'pontianak.go.id',
    });
  });

  it('reads every variable that is set', () => {
    const c = createConfig({
      RA_DATA_DIR: '/srv/ra',
      RA_DATABASE_URL: 'postgresql://ra@db.local/ra',
      RA_MASTER_KEY: KEY,
      RA_MASTER_KEY_FILE: '/etc/ra/master.key',
      RA_OFFICIAL_DOMAINS: ' Pontianak.go.id , diskominfo.kalbarprov.go.id ',
      RA_MAX_FILE_MB: '5',
      RA_MAX_MESSAGE_MB: '200',
      RA_LOG_LEVEL: 'debug',
      RA_TIMEZONE: 'Asia/Jakarta',
    });
    expect(c).toMatchObject({
      dataDir: '/srv/ra',
      databaseUrl: 'postgresql://ra@db.local/ra',
      masterKey: KEY,
      masterKeyFile: '/etc/ra/master.key',
      officialDomains: ['pontianak.go.id', 'diskominfo.kalbarprov.go.id'],
      maxFileBytes: 5 * 1024 * 1024,
      maxMessageBytes: 200 * 1024 * 1024,
      logLevel: 'debug',
      timezone: 'Asia/Jakarta',
      messageIdDomain: 'pontianak.go.id',
    });
  });

  it('reads the BSrE roots file as an absolute path and the stall period in days (bsre-manual)', () => {
    expect(createConfig({})).toMatchObject({ caRoots: undefined, bsreStallDays: 3 });
    expect(createConfig({ RA_CA_ROOTS: '/etc/ra-desk/bsre-roots.pem', RA_BSRE_STALL_DAYS: '5' })).toMatchObject({ caRoots: '/etc/ra-desk/bsre-roots.pem', bsreStallDays: 5 });
  });

  it('puts the key file inside RA_DATA_DIR unless RA_MASTER_KEY_FILE says otherwise', () => {
    expect(createConfig({ RA_DATA_DIR: '/srv/ra' }).masterKeyFile).toBe(join('/srv/ra', 'keys', 'master.key'));
  });

  it('treats empty and blank variables as unset, as a .env file with `RA_DATABASE_URL=` means', () => {
    const c = createConfig({
      RA_DATA_DIR: '', RA_DATABASE_URL: '', RA_MASTER_KEY: '   ', RA_MASTER_KEY_FILE: '', RA_OFFICIAL_DOMAINS: '',
      RA_MAX_FILE_MB: '', RA_MAX_MESSAGE_MB: ' ', RA_LOG_LEVEL: '', RA_TIMEZONE: '',
    });
    expect(c).toEqual(createConfig({}));
  });

  it('ignores variables that are not RA_*', () => {
    expect(createConfig({ DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TZ: 'Mars/Base' })).toEqual(createConfig({}));
  });

  it.each([
    ['RA_DATABASE_URL', 'mysql://ra:s3cret-pass@db.local/ra'],
    ['RA_MASTER_KEY', randomBytes(16).toString('base64')],
    ['RA_OFFICIAL_DOMAINS', 'not a domain'],
    ['RA_OFFICIAL_DOMAINS', 'pontianak.go.id, @@'],
    ['RA_OFFICIAL_DOMAINS', ' , '],
    ['RA_MAX_FILE_MB', '0'],
    ['RA_MAX_FILE_MB', 'ten'],
    ['RA_MAX_FILE_MB', '1000'],
    ['RA_MAX_FILE_MB', '-5'],
    ['RA_MAX_FILE_MB', '2.5'],
    ['RA_MAX_MESSAGE_MB', '0'],
    ['RA_LOG_LEVEL', 'loud'],
    ['RA_TIMEZONE', 'Mars/Base'],
    ['RA_BSRE_STALL_DAYS', '0'],
    ['RA_BSRE_STALL_DAYS', 'three'],
    ['RA_OUTBOX_LEASE_SECONDS', '0'],
    ['RA_OUTBOX_LEASE_SECONDS', 'lima menit'],
    ['RA_HTTP_PORT', '70000'],
    ['RA_HTTP_HOST', 'localhost/metrics'],
  ])('refuses %s=%j with one line that names the variable', (name, value) => {
    const e = configError({ RA_DATA_DIR: '/srv/ra', [name]: value });
    expect(e.name).toBe('ConfigError');
    expect(e.message).toContain(name);
    expect(e.message).not.toMatch(/[\r\n]/);
  });

  it('never echoes a secret value in the error', () => {
    expect(configError({ RA_DATABASE_URL: 'mysql://ra:s3cret-pass@db.local/ra' }).message).not.toContain('s3cret');
    const shortKey = randomBytes(16).toString('base64');
    expect(configError({ RA_MASTER_KEY: shortKey }).message).not.toContain(shortKey);
  });

  it('names the variable at fault when a valid one sits beside it', () => {
    const e = configError({ RA_LOG_LEVEL: 'debug', RA_TIMEZONE: 'Asia/Jakarta', RA_MAX_MESSAGE_MB: 'lots' });
    expect(e.message).toMatch(/^Invalid RA_MAX_MESSAGE_MB: /);
  });
});

describe('configuration of the CLI process', () => {
  const dir = makeTempDir('cli-config');
  afterAll(() => removeTempDir(dir));

  it('exits 2 on any command with one ra-desk: line naming the invalid variable, before touching the data folder', async () => {
    const dataDir = join(dir, 'data');
    const [init, verify, list, help] = await Promise.all([
      runCli(['init'], { RA_DATA_DIR: dataDir, RA_MAX_FILE_MB: 'ten' }),
      runCli(['audit', 'verify'], { RA_DATA_DIR: dataDir, RA_MASTER_KEY: KEY, RA_TIMEZONE: 'Mars/Base' }),
      runCli(['requests', 'list'], { RA_DATA_DIR: dataDir, RA_MASTER_KEY: KEY, RA_DATABASE_URL: 'mysql://db.local/ra' }),
      runCli(['help'], { RA_LOG_LEVEL: 'loud' }),
    ]);
    for (const [r, name] of [[init, 'RA_MAX_FILE_MB'], [verify, 'RA_TIMEZONE'], [list, 'RA_DATABASE_URL']] as const) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(linesOf(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^ra-desk: .*${name}`))]);
    }
    expect(existsSync(dataDir)).toBe(false);
    // help reads no configuration, so a broken variable cannot hide the usage text.
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ra-desk init');
  });

  it('reads .env from the working folder, where an empty value means unset', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '.env'), 'RA_DATA_DIR=./from-dotenv\nRA_DATABASE_URL=\nRA_MASTER_KEY=\n');
    const r = await runCli(['init'], {}, { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('SQLite');
    expect(existsSync(join(cwd, 'from-dotenv', 'keys', 'master.key'))).toBe(true);
    expect(existsSync(join(cwd, 'from-dotenv', 'ra-desk.sqlite'))).toBe(true);
  });
});
