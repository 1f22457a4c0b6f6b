import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ra-desk.mjs');

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** The JSON log lines so far (lines that do not parse are skipped). */
  events(): Record<string, unknown>[];
  /** Waits for a log line whose `event` is `event`; rejects after `timeoutMs`. */
  waitForEvent(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit code once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `ra-desk serve` as a long-running child, with the parent's environment minus RA_* plus `env`. */
export function startServe(env: Readonly<Record<string, string>>): ServeProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RA_')));
  const cwd = mkdtempSync(join(tmpdir(), 'ra-desk-serve-cwd-'));
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { out += s; });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => { rmSync(cwd, { recursive: true, force: true }); resolve(code); }));
  const events = (): Record<string, unknown>[] => out.split('\n').flatMap((l) => {
    try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; }
  });
  return {
    child,
    output: () => out,
    events,
    async waitForEvent(event, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = events().find((e) => e['event'] === event);
        if (found) return found;
        if (child.exitCode !== null || Date.now() > until) throw new Error(`serve: no "${event}" event; output so far:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
