import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Notification, Notifier } from '../../domain/ports/notifier.ts';
import { toQueryRunner } from '../transaction.ts';
import { Binder, dialectOf } from '../sql-binder.ts';

/** Rows per INSERT: far below either database's parameter limit. */
const CHUNK = 500;

/**
 * The transactional outbox: a notification is a row written with the change it reports. Each row gets
 * its Message-ID when queued, so a resend after a crash carries the same id and receivers can drop the
 * copy. One statement queues many rows (a reminder sweep queues thousands); a dedupe-key conflict skips
 * the row and reports it as not queued.
 */
export function createOutboxNotifier(ds: DataSource, options: { messageIdDomain: string; now: () => Date }): Notifier {
  const dialect = dialectOf(ds);
  const enqueueMany: Notifier['enqueueMany'] = async (notifications, tx) => {
    const qr = toQueryRunner(tx);
    const at = options.now().toISOString();
    const queued = new Set<string>();
    for (let i = 0; i < notifications.length; i += CHUNK) {
      const b = new Binder(dialect);
      const values = notifications.slice(i, i + CHUNK).map((n: Notification) => {
        const id = randomUUID();
        const row = [id, n.dedupeKey, n.channel, n.recipient, n.template, JSON.stringify(n.model), `<${id}@${options.messageIdDomain}>`,
          'pending', 0, at, at, n.caseId ?? null, n.replyTo?.messageId ?? null,
          // RFC 5322 References: the thread so far, then the message answered.
          n.replyTo ? [...n.replyTo.references, n.replyTo.messageId].slice(-20).join(' ') : null];
        return `(${row.map((v) => (v === null ? 'NULL' : b.bind(v))).join(', ')})`;
      }).join(', ');
      const result = await qr.query(
        `INSERT INTO outbox (id, dedupe_key, channel, recipient, template, model, message_id, status, attempts, next_attempt_at,
                             created_at, case_id, in_reply_to, references_header)
         VALUES ${values} ON CONFLICT DO NOTHING RETURNING dedupe_key AS "dedupeKey"`,
        b.values, true,
      ) as { records?: Array<{ dedupeKey: string }> };
      for (const r of result.records ?? []) queued.add(r.dedupeKey);
    }
    return notifications.map((n) => queued.has(n.dedupeKey));
  };
  return {
    enqueueMany,
    enqueue: async (n, tx) => (await enqueueMany([n], tx))[0] ?? false,
  };
}
