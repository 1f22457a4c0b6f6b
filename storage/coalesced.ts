/**
 * Shares one run of `work` among callers who need "a run that started after I called": a caller
 * arriving while a run is in flight cannot use it (it may have begun before the caller's write), so it
 * waits for the next one, which every caller arriving meanwhile shares too. Used for the WAL fsync of
 * durable commits (wal-sync.ts) and for the audit checkpoint (audit/audit-log.ts).
 *
 * @example
 * const wal = coalesced(() => fsyncWal());
 * await wal.run(); // covers every commit made before this call
 */
export interface Coalesced<T = void> {
  run(): Promise<T>;
  /** Runs started so far. */
  readonly started: number;
}

export function coalesced<T = void>(work: () => Promise<T>): Coalesced<T> {
  let started = 0;
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const begin = (): Promise<T> => {
    started++;
    const run = work();
    running = run;
    const settle = (): void => { if (running === run) running = undefined; };
    run.then(settle, settle);
    return run;
  };
  return {
    run() {
      if (queued) return queued;
      if (!running) return begin();
      const next = running.then(() => undefined, () => undefined).then(() => {
        queued = undefined;
        return begin();
      });
      queued = next;
      return next;
    },
    get started() { return started; },
  };
}
