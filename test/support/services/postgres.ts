import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL server the tests may use; `url` names a database the tests can connect to as superuser. */
export interface RunningPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

const MISSING = 'PostgreSQL is required for the storage tests: apt-get install postgresql (.ci/run does this)';
const SUPERUSER = 'postgres';

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb and pg_ctl (Debian's layout). */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/** A loopback port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

interface Account { uid: number; gid: number }

/** uid/gid of a system user from /etc/passwd (the Debian package creates `postgres`). */
function systemAccount(name: string): Account | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: as root, every server command runs as the `postgres` system user. */
function asServerUser(file: string, args: readonly string[]): [string, string[]] {
  if (!isRoot()) return [file, [...args]];
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) return ['runuser', ['-u', SUPERUSER, '--', file, ...args]];
  const quoted = [file, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['su', ['-s', '/bin/sh', SUPERUSER, '-c', quoted]];
}

function run(file: string, args: readonly string[], cwd: string): Promise<string> {
  const [cmd, argv] = asServerUser(file, args);
  return new Promise((resolve, reject) => {
    // stdin ignored; the postmaster started by pg_ctl writes to its own log file (-l), so the pipes close.
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${[cmd, ...argv].join(' ')} exited with ${code}:\n${out}`)));
  });
}

/** Waits until the server answers a query over TCP. */
async function waitForConnections(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not accept connections: ${String(e)}`, { cause: e });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Checks that an externally given server (RA_TEST_DATABASE_URL) answers. */
export async function useExistingPostgres(url: string): Promise<RunningPostgres> {
  await waitForConnections(url, 10_000);
  return { url, stop: async () => undefined };
}

/**
 * Starts a throwaway cluster: initdb in a temp folder, loopback-only on a free port, its Unix socket in
 * that folder, trust auth, fsync off. `stop()` stops it (immediate mode) and removes the folder; a process
 * exit without `stop()` (Ctrl-C) still stops it.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(MISSING);
  const root = isRoot();
  const account = root ? systemAccount(SUPERUSER) : undefined;
  if (root && !account) throw new Error(`${MISSING} (no '${SUPERUSER}' system user to run it as)`);

  // As root the folder must be reachable by the postgres user: /tmp, not a TMPDIR under /root.
  const dir = mkdtempSync(join(root ? '/tmp' : tmpdir(), 'ra-pg-'));
  const data = join(dir, 'data');
  if (account) chownSync(dir, account.uid, account.gid);
  const pgCtl = join(bin, 'pg_ctl');

  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      const [cmd, argv] = asServerUser(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']);
      if (existsSync(join(data, 'postmaster.pid'))) execFileSync(cmd, argv, { cwd: dir, stdio: 'ignore' });
    } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=trust',
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], dir);
    // Free-port races are possible (another process may take the port first): retry with a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${dir}`,
        '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=200'].join(' ');
      try {
        await run(pgCtl, ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options], dir);
      } catch (e) {
        if (attempt >= 3) {
          const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
          throw new Error(`${String(e)}\n${log}`, { cause: e });
        }
        continue;
      }
      const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
      await waitForConnections(url, 30_000);
      return {
        url,
        stop: async () => {
          if (stopped) return;
          stopped = true;
          process.removeListener('exit', stopSync);
          try {
            await run(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w'], dir);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
  } catch (e) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw e;
  }
}

/** Where a clean checkout gets its PostgreSQL: RA_TEST_DATABASE_URL if set, else a throwaway cluster. */
export async function providePostgres(): Promise<RunningPostgres> {
  const external = process.env['RA_TEST_DATABASE_URL'];
  return external ? useExistingPostgres(external) : startPostgres();
}
