/** A job `serve` runs on a timer. */
export interface Scheduled {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `job` now and then every `everyMs`, one run at a time (a slow run delays the next instead of
 * overlapping it). A failed run goes to `onError` and the next tick tries again; the jobs are idempotent
 * sweeps, so a crash mid-run loses nothing.
 *
 * @example
 * const reminders = every(3_600_000, () => sweep(), (e) => log.error(e));
 * await reminders.stop(); // on shutdown
 */
export function every(everyMs: number, job: () => Promise<void>, onError: (e: unknown) => void): Scheduled {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    // Checked when the tick fires, not when its turn comes: a run that began before stop() finishes.
    if (stopped) return;
    running = running.then(job).catch(onError);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** The stable part of an error an operator can act on: its code or class, never its message (it may quote data). */
export const reasonOf = (e: unknown): string => (e as { code?: string }).code ?? (e as Error).name ?? 'error';
