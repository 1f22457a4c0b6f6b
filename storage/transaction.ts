import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { TransactionHandle, UnitOfWork } from '../domain/ports/transaction.ts';
import { inWriteTransaction } from './data-source.ts';

/** The domain's opaque handle is a typeorm QueryRunner inside storage. */
export const toHandle = (qr: QueryRunner): TransactionHandle => qr as unknown as TransactionHandle;
export const toQueryRunner = (tx: TransactionHandle): QueryRunner => tx as unknown as QueryRunner;

/** The manager to use: the transaction's when there is one, else the data source's own. */
export const managerFor = (ds: DataSource, tx?: TransactionHandle): EntityManager =>
  tx ? toQueryRunner(tx).manager : ds.manager;

export function createUnitOfWork(ds: DataSource): UnitOfWork {
  return { run: (work, options) => inWriteTransaction(ds, (qr) => work(toHandle(qr)), options?.durability) };
}
