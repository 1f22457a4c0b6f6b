/**
 * An open database transaction as the domain sees it: opaque. Storage adapters cast their own handle
 * (a typeorm QueryRunner) to it and back, so a use case can make several ports write in one commit
 * without the domain knowing what a database is.
 */
export interface TransactionHandle {
  readonly __brand: 'TransactionHandle';
}

/** Runs work in one write transaction: everything commits together or nothing does. */
export interface UnitOfWork {
  run<T>(work: (tx: TransactionHandle) => Promise<T>): Promise<T>;
}
