import type { Channel } from '../requests/case-kind.ts';
import type { TransactionHandle } from './transaction.ts';

/**
 * A message for a person, queued in the same transaction as the change it reports (transactional
 * outbox): a crash after commit loses nothing, and the dedupe key stops a second copy.
 */
export interface Notification {
  /** Stable key: the same event never queues two messages (e.g. `decision:OP-2026-000001:1`). */
  readonly dedupeKey: string;
  readonly channel: Channel;
  /** An e-mail address for `email`, a Telegram chat id for `telegram`. */
  readonly recipient: string;
  /** Template name under templates/<locale>/. */
  readonly template: string;
  /** View model for the template; never a NIK. */
  readonly model: Readonly<Record<string, unknown>>;
  /** The request or ticket it is about, so a reply to it finds its way back. */
  readonly caseId?: string;
  /** The message this answers (mail threading: In-Reply-To / References). */
  readonly replyTo?: ReplyContext;
}

/** Where a reply belongs in a mail thread; opaque to the domain, filled by the mail channel. */
export interface ReplyContext {
  readonly messageId: string;
  readonly references: readonly string[];
}

export interface Notifier {
  /** Returns false when a message with the same dedupe key was already queued. */
  enqueue(n: Notification, tx: TransactionHandle): Promise<boolean>;
  /** Many at once (a reminder sweep); per notification, whether it was queued. */
  enqueueMany(ns: readonly Notification[], tx: TransactionHandle): Promise<boolean[]>;
}
