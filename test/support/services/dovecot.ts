import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './postgres.ts';

/** A throwaway Dovecot IMAP server on a loopback port; see `startDovecot`. */
export interface RunningDovecot {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The RA mailbox's login, `ra@pontianak.go.id`. */
  readonly user: string;
  readonly password: string;
  /** `imap://ra%40pontianak.go.id:<password>@127.0.0.1:<port>/INBOX`, the form ra-desk's config takes. */
  readonly imapUrl: string;
  /**
   * The RA mailbox's maildir. Files in it belong to the mail user (see `mailAccount`): as root, write
   * messages through IMAP (`appendToMailbox`), not into this folder, or Dovecot cannot read them.
   */
  readonly maildir: string;
  /** Dovecot's log file (errors, logins); its tail is part of every start-up error. */
  readonly logFile: string;
  /**
   * Adds an IMAP account (passwd-file is re-read when it changes, no restart needed) and returns its
   * login and URL. Each account has its own maildir under the same temp folder.
   */
  addUser(user: string, password?: string): DovecotAccount;
  /** Deletes every message in INBOX and every other folder; for a clean mailbox between tests. */
  reset(): Promise<void>;
  /**
   * Stops the server (clients are disconnected, as in a real outage) and starts it again on the same
   * port with the same mail; resolves when it accepts logins again.
   */
  restart(): Promise<void>;
  /** Stops the server only; `start()` brings it back on the same port. For longer outages than `restart`. */
  halt(): Promise<void>;
  /** Starts a server stopped with `halt()` on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** One IMAP login of a `RunningDovecot`. */
export interface DovecotAccount {
  readonly user: string;
  readonly password: string;
  readonly imapUrl: string;
  readonly maildir: string;
}

export interface DovecotOptions {
  /** Login of the first account; `ra@pontianak.go.id` by default. */
  readonly user?: string;
  /** Its password; random by default. */
  readonly password?: string;
  /** Seconds between Dovecot's "still here" lines during IDLE (`imap_idle_notify_interval`); 30 by default. */
  readonly idleNotifyIntervalSecs?: number;
  /** Raw lines appended to the generated dovecot.conf (later settings win). */
  readonly extraConfig?: string;
}

const MISSING = 'Dovecot is required for the mail tests: apt-get install dovecot-imapd dovecot-lmtpd (.ci/run does this)';
const DEFAULT_USER = 'ra@pontianak.go.id';
const STARTUP_TIMEOUT_MS = 20_000;

interface Account { readonly name: string; readonly uid: number; readonly gid: number }

function passwdEntry(name: string): Account | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function groupName(gid: number): string | undefined {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && Number(id) === gid) return name;
  }
  return undefined;
}

function findDovecot(): string | undefined {
  return ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The account mail processes run as. Dovecot refuses root for them. As root: `vmail` if the machine has
 * one, else Debian's `mail` (uid 8, the owner of mail spools), else `nobody`. Not `dovecot`/`dovenull`:
 * those are Dovecot's own internal and login users and must stay unprivileged and separate. As a
 * normal user: that user (Dovecot then runs unprivileged, without chroots).
 */
export function mailAccount(): Account {
  if (!isRoot()) {
    const me = userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid };
  }
  for (const name of ['vmail', 'mail', 'nobody']) {
    const account = passwdEntry(name);
    if (account && account.uid !== 0) return account;
  }
  throw new Error('no non-root system user (vmail, mail or nobody) to run Dovecot mail processes as');
}

function imapUrlOf(user: string, password: string, port: number): string {
  return `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`;
}

function configText(o: {
  dir: string; port: number; account: Account; root: boolean; idleNotifyIntervalSecs: number; extra: string;
}): string {
  const { dir, port, account } = o;
  const lines = [
    '# Generated by test/support/services/dovecot.ts: a throwaway server; /etc/dovecot is never read (-c).',
    'protocols = imap',
    'listen = 127.0.0.1',
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `instance_name = ra-desk-test-${port}`,
    `log_path = ${dir}/dovecot.log`,
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    // Bad-password tests should not wait Dovecot's default 2 s.
    'auth_failure_delay = 0 secs',
    `first_valid_uid = ${account.uid}`,
    'last_valid_uid = 0',
    `first_valid_gid = ${account.gid === 0 ? 0 : 1}`,
    'mail_location = maildir:~/Maildir',
    'mail_fsync = never',
    'mail_max_userip_connections = 50',
    `imap_idle_notify_interval = ${o.idleNotifyIntervalSecs} secs`,
    // IDLE notices new mail by inotify; the poll is a fallback for file systems without it.
    'mailbox_idle_check_interval = 1 secs',
    'passdb {',
    '  driver = passwd-file',
    // One file per account: Dovecot re-reads a changed passwd-file at most once a second, a new file at once.
    `  args = scheme=PLAIN username_format=%u ${dir}/users/%u`,
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=${account.uid} gid=${account.gid} home=${dir}/home/%u`,
    '}',
    // No growing delay after failed logins from 127.0.0.1 (bad-password tests would slow the next ones).
    'service anvil {',
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    ...(o.root ? [] : ['  chroot =']),
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    ...(o.root ? [] : ['  chroot =']),
    '}',
  ];
  if (!o.root) {
    // Unprivileged Dovecot: every service runs as the calling user and cannot chroot.
    lines.push(`default_internal_user = ${account.name}`, `default_login_user = ${account.name}`);
    const group = groupName(account.gid);
    if (group) lines.push(`default_internal_group = ${group}`);
  }
  if (o.extra) lines.push(o.extra);
  return `${lines.join('\n')}\n`;
}

function logTail(file: string): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
}

interface Proc { readonly pid: number; readonly started: string }

/** pid, parent pid and start time (to tell a reused pid apart) from /proc/<pid>/stat. */
function procStat(pid: number): { ppid: number; started: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), started: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Every process below `root` (Linux /proc); empty elsewhere. */
function descendants(root: number): Proc[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, Proc[]>();
  for (const pid of pids) {
    const st = procStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid, started: st.started });
    children.set(st.ppid, list);
  }
  const out: Proc[] = [];
  const queue = [root];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

const alive = (p: Proc): boolean => procStat(p.pid)?.started === p.started;

function signalAll(procs: readonly Proc[], signal: NodeJS.Signals): void {
  for (const p of procs) {
    try {
      if (alive(p)) process.kill(p.pid, signal);
    } catch { /* gone */ }
  }
}

/** Resolves once the server greets and accepts a LOGIN (so the auth process is up too). */
function tryLogin(port: number, user: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffer = '';
    let sent = false;
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 3_000);
    const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
    socket.setEncoding('utf8');
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // The first greeting may be "* OK Waiting for authentication process to respond.." — wait for the real one.
      if (!sent && /^\* OK \[CAPABILITY[^\r\n]*\r\n/m.test(buffer)) {
        sent = true;
        socket.write(`a LOGIN ${quote(user)} ${quote(password)}\r\n`);
      }
      if (/^a OK/m.test(buffer)) {
        socket.write('b LOGOUT\r\n');
        done(true);
      } else if (/^a (NO|BAD)/m.test(buffer)) done(false);
    });
  });
}

/**
 * Starts a throwaway Dovecot (IMAP only, plain text on 127.0.0.1, a free port) with one account,
 * `ra@pontianak.go.id`, in a temp folder, and resolves when that account can log in (< 1 s).
 * Instances are independent: run one per test file, in parallel. A process exit without `stop()` still
 * stops the server. Prefer `withDovecot()` in test files.
 *
 * Root: Dovecot runs its mail processes as `mailAccount()` (Debian's `mail` user here), and the temp
 * folder lives in /tmp so that user can reach it.
 *
 * @example
 * const dovecot = await startDovecot();
 * await appendToMailbox(dovecot.imapUrl, [raw]);
 * await dovecot.restart(); // watcher tests: the connection drops, the server comes back on the same port
 * await dovecot.stop();
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<RunningDovecot> {
  const binary = findDovecot();
  if (!binary) throw new Error(MISSING);
  const root = isRoot();
  const account = mailAccount();
  const user = options.user ?? DEFAULT_USER;
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2, 12)}`;

  // Short path: Dovecot's unix sockets live in <dir>/run and socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(root ? '/tmp' : tmpdir(), 'ra-dovecot-'));
  chmodSync(dir, 0o755);
  const home = join(dir, 'home');
  mkdirSync(home);
  mkdirSync(join(dir, 'state'));
  if (root) chownSync(home, account.uid, account.gid);
  const users = join(dir, 'users');
  mkdirSync(users, { mode: 0o755 });
  const conf = join(dir, 'dovecot.conf');
  const logFile = join(dir, 'dovecot.log');

  const addUser = (login: string, pw = `pw-${Math.random().toString(36).slice(2, 12)}`): DovecotAccount => {
    if (/[:\s]/.test(login) || /[\n:]/.test(pw)) throw new Error('passwd-file logins and passwords may not hold ":" or line breaks');
    if (login.includes('/') || login.startsWith('.')) throw new Error(`unusable login for a passwd-file name: ${login}`);
    writeFileSync(join(users, login), `${login}:{PLAIN}${pw}::::::\n`, { mode: 0o644 });
    return { user: login, password: pw, imapUrl: imapUrlOf(login, pw, port), maildir: join(home, login, 'Maildir') };
  };

  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let removed = false;

  const killSync = (): void => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const family = descendants(child.pid);
      child.kill('SIGTERM');
      signalAll(family, 'SIGTERM');
    }
    if (!removed) rmSync(dir, { recursive: true, force: true });
    removed = true;
  };
  process.once('exit', killSync);

  /** Starts the master in the foreground; rejects (with the log) if it exits or no login works in time. */
  const launch = async (): Promise<void> => {
    writeFileSync(conf, configText({
      dir, port, account, root, idleNotifyIntervalSecs: options.idleNotifyIntervalSecs ?? 30, extra: options.extraConfig ?? '',
    }));
    let stderr = '';
    const proc = spawn(binary, ['-F', '-c', conf], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    exited = new Promise<void>((resolve) => proc.once('exit', () => { gone = true; resolve(); }));
    proc.once('error', (e) => { stderr += String(e); });
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!gone) {
      // Race the exit: a port taken by someone else accepts the connection but never greets.
      if (await Promise.race([tryLogin(port, user, password), exited.then(() => false)])) return;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!gone) {
      proc.kill('SIGKILL');
      await exited;
    }
    throw new Error(`Dovecot (${dir}) did not accept a login on 127.0.0.1:${port}${gone ? ` (exited with ${proc.exitCode ?? proc.signalCode})` : ''}:\n${stderr}\n${logTail(logFile)}`);
  };

  /**
   * SIGTERM to the master and, at the same moment, to every process under it: the master alone leaves
   * its imap processes serving their clients for ~10 s, and an outage test wants them gone now.
   */
  const halt = async (): Promise<void> => {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const family = descendants(proc.pid);
    proc.kill('SIGTERM');
    signalAll(family, 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    for (let i = 0; i < 40 && family.some(alive); i++) await new Promise((r) => setTimeout(r, 25));
    signalAll(family.filter(alive), 'SIGKILL');
  };

  /** Same port again; right after a stop the port can be briefly busy, so retry for a while. */
  const start = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await launch();
        return;
      } catch (e) {
        if (attempt >= 10 || !/Address already in use/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  try {
    addUser(user, password);
    // Free-port races: another process may take the port between freePort() and bind; retry on a new one.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch();
        break;
      } catch (e) {
        if (attempt >= 3 || !/Address already in use/.test(String(e))) throw e;
      }
    }
  } catch (e) {
    process.removeListener('exit', killSync);
    killSync();
    throw e;
  }

  const self: RunningDovecot = {
    host: '127.0.0.1',
    port,
    user,
    password,
    imapUrl: imapUrlOf(user, password, port),
    maildir: join(home, user, 'Maildir'),
    logFile,
    addUser,
    reset: () => resetMailbox({ port, user, password }),
    async restart() {
      await halt();
      await start();
    },
    halt,
    start,
    async stop() {
      if (removed) return;
      process.removeListener('exit', killSync);
      try {
        await halt();
      } finally {
        removed = true;
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
  return self;
}

/** Deletes every folder but INBOX and every message in INBOX. */
async function resetMailbox(t: { port: number; user: string; password: string }): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1', port: t.port, secure: false, doSTARTTLS: false, logger: false,
    auth: { user: t.user, pass: t.password },
  });
  await client.connect();
  try {
    const folders = (await client.list()).map((f) => f.path).filter((p) => p.toUpperCase() !== 'INBOX');
    // Children before parents: longer paths first.
    for (const path of folders.sort((a, b) => b.length - a.length)) await client.mailboxDelete(path);
    const inbox = await client.mailboxOpen('INBOX');
    if (inbox.exists > 0) await client.messageDelete('1:*');
    await client.mailboxClose();
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/**
 * One Dovecot per test file: registers `beforeAll` (start) and `afterAll` (stop) in the calling file or
 * `describe` and returns an accessor for the running server. Tests in one file share its mailbox; call
 * `reset()` in `beforeEach` when they must not see each other's mail.
 *
 * @example
 * const dovecot = withDovecot();
 * beforeEach(() => dovecot().reset());
 * it('files an emailed application', async () => {
 *   await appendToMailbox(dovecot().imapUrl, [await applicationMail({ ... })]);
 * });
 */
export function withDovecot(options: DovecotOptions = {}): () => RunningDovecot {
  let server: RunningDovecot | undefined;
  beforeAll(async () => {
    server = await startDovecot(options);
  });
  afterAll(async () => {
    await server?.stop();
    server = undefined;
  });
  return () => {
    if (!server) throw new Error('withDovecot(): the server runs only between beforeAll and afterAll; call the accessor inside a test or hook');
    return server;
  };
}
