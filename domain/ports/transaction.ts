/**
 * An open database transaction as the domain sees it: opaque. Storage adapters cast their own handle
 * (a typeorm QueryRunner) to it and back, so a use case can make several ports write in one commit
 * without the domain knowing what a database is.
 */
export interface TransactionHandle {
  readonly __brand: 'TransactionHandle';
}

/**
 * How durable a commit must be before `run` returns. `full` (the default): on disk. `relaxed`: atomic
 * and safe if the process dies, but a power cut may lose it unless a `full` commit follows — for
 * bookkeeping whose loss is harmless, such as a rate-limit token taken (it is simply not counted).
 */
export interface UnitOfWorkOptions {
  readonly durability?: 'full' | 'relaxed';
}

/** Runs work in one write transaction: everything commits together or nothing does. */
export interface UnitOfWork {
  run<T>(work: (tx: TransactionHandle) => Promise<T>, options?: UnitOfWorkOptions): Promise<T>;
}
