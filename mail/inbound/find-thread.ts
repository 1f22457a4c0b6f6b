import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { findCaseId } from '../../domain/requests/case-id.ts';
import { MailMessageSchema, OutboxSchema } from '../../storage/entities/schemas.ts';
import type { InboundMessage } from './inbound-message.ts';

/**
 * The request or ticket a message continues: the `[OP-2026-000123]` tag in its subject, or failing that
 * a Message-ID in In-Reply-To/References that we sent (outbox) or received (an earlier message).
 */
export async function findThreadCase(m: EntityManager | DataSource['manager'], msg: InboundMessage): Promise<string | null> {
  const tagged = findCaseId(msg.subject);
  if (tagged) return tagged;
  const ids = [msg.inReplyTo, ...msg.references].filter((x): x is string => x !== null).slice(-50);
  if (ids.length === 0) return null;
  const sent = await m.getRepository(OutboxSchema).findOne({ where: { messageId: In(ids) }, select: { id: true, caseId: true } });
  if (sent?.caseId) return sent.caseId;
  const received = await m.getRepository(MailMessageSchema).findOne({ where: { messageId: In(ids) }, select: { key: true, caseId: true } });
  return received?.caseId ?? null;
}
