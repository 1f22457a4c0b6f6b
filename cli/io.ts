import { createTemplates, type Templates } from '../templates/catalog.ts';
import type { Params } from '../domain/shared/result.ts';

/** Exit codes: 0 ok, 1 failure, 2 bad usage or input. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage or input: the CLI prints one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(readonly code: string, readonly params: Params = {}) {
    super(code);
  }
}

export interface Io {
  readonly t: Templates;
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal (progress bars). */
  readonly interactive: boolean;
}

export function createIo(stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr): Io {
  return {
    t: createTemplates(),
    out: (line) => { stdout.write(line + '\n'); },
    err: (line) => { stderr.write(line + '\n'); },
    interactive: Boolean((stderr as NodeJS.WriteStream).isTTY),
  };
}
