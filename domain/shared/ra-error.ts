/**
 * A broken invariant or an infrastructure failure: thrown, never returned. The code is stable so logs,
 * tests and the CLI can tell failures apart; the message names what to fix and never carries personal
 * data (no NIK, name, e-mail address, key material or passphrase).
 *
 * @example
 * throw new RaError('CONFIG.INVALID', 'RA_DATA_DIR must be a writable folder');
 */
export class RaError extends Error {
  override readonly name = 'RaError';

  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isRaError = (e: unknown, code?: string): e is RaError =>
  e instanceof RaError && (code === undefined || e.code === code);
