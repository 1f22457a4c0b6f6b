import type { DataSource, QueryRunner } from 'typeorm';
import type { Durability } from './data-source.ts';
import { createRawSql } from './raw-sql.ts';

/**
 * Small writes that many concurrent callers make (the bot's claim and finish of every update) share
 * one write transaction instead of one each: a transaction costs BEGIN, COMMIT and a turn in the
 * process's queue of writers (and, when durable, a WAL fsync). Each caller still gets its own answer only
 * after the transaction holding its write has committed, so its guarantee is the same as with a
 * transaction of its own. Writes queued while a batch is being written go into the next batch.
 */
export interface GroupCommit<Op, R> {
  submit(op: Op): Promise<R>;
}

interface Waiting<Op, R> {
  readonly op: Op;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * `apply` writes one op inside the shared transaction with `RawSql.rows` (raw-sql.ts; `qr` is undefined
 * on SQLite); a throw rolls the whole batch back and fails every op in it.
 */
export function groupCommit<Op, R>(ds: DataSource, apply: (qr: QueryRunner | undefined, op: Op) => Promise<R>, durability: Durability = 'full'): GroupCommit<Op, R> {
  const raw = createRawSql(ds);
  let waiting: Waiting<Op, R>[] = [];
  /** A transaction is queued that has not yet taken its batch: a new op simply joins it. */
  let open = false;

  const flush = async (): Promise<void> => {
    let batch: Waiting<Op, R>[] = [];
    let taken = false;
    try {
      const results = await raw.transaction(async (qr) => {
        // The batch is taken when the transaction starts, not when it was queued: everything that
        // arrived while earlier writers held the turn goes in together.
        taken = true;
        open = false;
        batch = waiting;
        waiting = [];
        const out: R[] = [];
        for (const w of batch) out.push(await apply(qr, w.op));
        return out;
      }, durability);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (e) {
      // A failure before the batch was taken (the transaction could not begin) fails what is waiting.
      if (!taken) {
        open = false;
        batch = waiting;
        waiting = [];
      }
      for (const w of batch) w.reject(e);
    }
  };

  return {
    submit(op) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ op, resolve, reject });
        if (!open) {
          open = true;
          void flush();
        }
      });
    },
  };
}
