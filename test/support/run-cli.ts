import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ra-desk.mjs');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Working folder of the child; by default a fresh empty folder, removed afterwards, so no `.env` is picked up. */
  readonly cwd?: string;
  /** Milliseconds before the child is killed (then `code` is null). */
  readonly timeoutMs?: number;
}

/**
 * Runs `node bin/ra-desk.mjs …args` as a child process, the way an operator would. The child sees the
 * parent's environment minus every `RA_*` variable, plus `env`: a developer's own RA_DATA_DIR or key can
 * never leak into a test. Never rejects on a non-zero exit: the exit code is part of the result.
 *
 * @example
 * const r = await runCli(['audit', 'verify'], { RA_DATA_DIR: dir, RA_MASTER_KEY: key });
 * expect(r.code).toBe(0);
 */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: CliOptions = {}): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RA_')));
  // Per call, not per worker: vitest ends its workers without an 'exit' event to clean up after.
  const ownCwd = options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'ra-desk-cli-cwd-')) : undefined;
  const cleanup = (): void => { if (ownCwd) rmSync(ownCwd, { recursive: true, force: true }); };
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ownCwd,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return new Promise((resolve, reject) => {
    child.once('error', (e) => { cleanup(); reject(e); });
    child.once('close', (code) => { cleanup(); resolve({ code, stdout, stderr }); });
  });
}

/** The non-empty lines of a stream's output. */
export const linesOf = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');
