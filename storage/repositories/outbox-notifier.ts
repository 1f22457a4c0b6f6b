import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Notifier } from '../../domain/ports/notifier.ts';
import { OutboxSchema } from '../entities/schemas.ts';
import { managerFor } from '../transaction.ts';

/**
 * The transactional outbox: a notification is a row written with the change it reports. Each row gets
 * its Message-ID when queued, so a resend after a crash carries the same id and receivers can drop the copy.
 */
export function createOutboxNotifier(ds: DataSource, options: { messageIdDomain: string; now: () => Date }): Notifier {
  return {
    async enqueue(n, tx) {
      const id = randomUUID();
      const at = options.now().toISOString();
      await managerFor(ds, tx).createQueryBuilder().insert().into(OutboxSchema).values({
        id, dedupeKey: n.dedupeKey, channel: n.channel, recipient: n.recipient, template: n.template,
        model: JSON.stringify(n.model), messageId: `<${id}@${options.messageIdDomain}>`, status: 'pending', attempts: 0,
        nextAttemptAt: at, lastError: null, createdAt: at, sentAt: null,
        caseId: n.caseId ?? null,
        inReplyTo: n.replyTo?.messageId ?? null,
        // RFC 5322 References: the thread so far, then the message answered.
        referencesHeader: n.replyTo ? [...n.replyTo.references, n.replyTo.messageId].slice(-20).join(' ') : null,
      }).orIgnore().execute();
      // On a dedupe-key conflict the insert is ignored; whether our id landed tells which happened.
      return (await managerFor(ds, tx).getRepository(OutboxSchema).countBy({ id })) > 0;
    },
  };
}
