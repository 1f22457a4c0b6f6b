import type { DataSource, QueryRunner } from 'typeorm';
import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { toHandle } from '../../storage/transaction.ts';
import { MailMessageSchema } from '../../storage/entities/schemas.ts';
import { keyLookup } from '../../storage/key-lookup.ts';
import { rowInsert } from '../../storage/row-insert.ts';
import { createRawSql } from '../../storage/raw-sql.ts';
import { rememberDigest, sha256Of } from '../../storage/vault/known-digest.ts';
import { parseInbound, type MimeParser, type ParseCode } from './parse-message.ts';
import type { InboundMessage } from './inbound-message.ts';
import type { Result } from '../../domain/shared/result.ts';
import { handleInbound, type InboundOutcome, type InboundPolicy } from './handle-message.ts';

export interface IngestDeps {
  readonly ds: DataSource;
  readonly ports: DeskPorts;
  readonly policy: InboundPolicy;
  readonly maxMessageBytes: number;
  /**
   * Moves the audit checkpoint (outside the database) to the chain head. Callers run it once per batch,
   * not per message: a checkpoint that lags a few rows is still valid, and each costs an fsync.
   */
  readonly afterCommit: () => Promise<void>;
}

/** Where a message came from: a mailbox position (advances the cursor) or a file given to `mail ingest`. */
export type MessageSource =
  | { readonly kind: 'imap'; readonly mailbox: string; readonly uidValidity: number; readonly uid: number }
  | { readonly kind: 'file' };

export interface IngestResult extends InboundOutcome {
  readonly key: string;
  /** True when this message had already been handled (same Message-ID or content): nothing new happened. */
  readonly duplicate: boolean;
}

/**
 * One message, exactly once: its effects (cases, vault files, audit rows, outbox replies), its dedupe row
 * and the mailbox cursor commit in one transaction. A crash before the commit leaves nothing; after it,
 * the dedupe row turns any second delivery into a no-op.
 */
export async function ingestMessage(d: IngestDeps, raw: Buffer, source: MessageSource, receivedAt: Date): Promise<IngestResult> {
  return commitMessage(d, await readMessage(d, raw), source, receivedAt);
}

/** A message parsed (or refused by the parser) and keyed, not yet acted on: nothing is written. */
export interface ReadMessage {
  readonly raw: Buffer;
  readonly parsed: Result<InboundMessage, ParseCode>;
  readonly key: string;
}

/**
 * The first half of `ingestMessage`: parsing, which touches no state, so a sync parses the next message
 * while the previous one commits.
 */
export async function readMessage(d: IngestDeps, raw: Buffer, parseMime?: MimeParser): Promise<ReadMessage> {
  // The bytes come back with the result: a worker thread takes `raw` over to parse it.
  const { raw: bytes, ...parsed } = await parseInbound(raw, { maxMessageBytes: d.maxMessageBytes }, parseMime);
  // An unreadable message is keyed by its digest, remembered for the quarantine's audit evidence.
  const key = parsed.ok ? parsed.value.key : `sha256:${rememberedSha256(bytes)}`;
  return { raw: bytes, parsed, key };
}

function rememberedSha256(raw: Buffer): string {
  const digest = sha256Of(raw);
  rememberDigest(raw, digest);
  return digest;
}

/** The second half of `ingestMessage`: everything the message causes, in one transaction. */
export function commitMessage(d: IngestDeps, m: ReadMessage, source: MessageSource, receivedAt: Date): Promise<IngestResult> {
  return inWriteTransaction(d.ds, (qr) => applyMessage(d, qr, m, source, receivedAt));
}

/**
 * What `commitMessage` does, inside a write transaction the caller runs and commits: a sync puts several
 * messages in one transaction, each with its outcome, dedupe row and cursor step, so they commit (and
 * wait for their vault fsyncs) together. The caller must roll back if this throws.
 */
export async function applyMessage(d: IngestDeps, qr: QueryRunner, m: ReadMessage, source: MessageSource, receivedAt: Date): Promise<IngestResult> {
  const { raw, parsed, key } = m;
  const tx = toHandle(qr);
  const sql = statementsOf(d.ds);
  const seen = await sql.findMessage(key, tx);
  if (seen) {
    await advanceCursor();
    return { outcome: seen.outcome as InboundOutcome['outcome'], caseId: seen.caseId, reason: seen.reason ?? '', folder: seen.targetFolder as InboundOutcome['folder'], key, duplicate: true };
  }
  // Use cases run their units of work inside this one transaction.
  const ports: DeskPorts = { ...d.ports, uow: { run: (work) => work(tx) } };
  let outcome: InboundOutcome;
  if (parsed.ok) {
    outcome = await handleInbound(ports, qr.manager, tx, d.policy, parsed.value);
  } else {
    await ports.audit.append({ actor: SYSTEM_ACTOR, action: 'mail.quarantine', subject: 'mail', outcome: parsed.code, evidence: [sha256Of(raw)] }, tx);
    outcome = { outcome: 'quarantined', caseId: null, reason: parsed.code, folder: 'quarantine' };
  }
  await sql.insertMessage({
    key, messageId: parsed.ok ? parsed.value.messageId : null,
    uidValidity: source.kind === 'imap' ? source.uidValidity : 0, uid: source.kind === 'imap' ? source.uid : 0,
    outcome: outcome.outcome, caseId: outcome.caseId, reason: outcome.reason, targetFolder: outcome.folder,
    receivedAt: receivedAt.toISOString(), movedAt: null, expungeAfter: null,
  }, tx);
  await advanceCursor();
  return { ...outcome, key, duplicate: false };

  async function advanceCursor(): Promise<void> {
    if (source.kind !== 'imap') return;
    await sql.raw.rows(ADVANCE_CURSOR, [source.mailbox, source.uidValidity, source.uid, receivedAt.toISOString()], qr);
  }
}

/**
 * The mailbox cursor moves forward only, and starts again from this UID under a new UIDVALIDITY: one
 * statement where findOneBy and save were three (SQLite and PostgreSQL both take it as written).
 */
const ADVANCE_CURSOR = `INSERT INTO mail_cursors (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (mailbox) DO UPDATE SET
    last_uid = CASE WHEN mail_cursors.uid_validity = excluded.uid_validity AND mail_cursors.last_uid > excluded.last_uid
      THEN mail_cursors.last_uid ELSE excluded.last_uid END,
    uid_validity = excluded.uid_validity, updated_at = excluded.updated_at`;

/** The statements every message runs, built once per data source (their text once, from the schema). */
const statements = new WeakMap<DataSource, ReturnType<typeof buildStatements>>();
const buildStatements = (ds: DataSource) => ({
  findMessage: keyLookup(ds, MailMessageSchema, 'key'),
  insertMessage: rowInsert(ds, MailMessageSchema),
  raw: createRawSql(ds),
});
function statementsOf(ds: DataSource): ReturnType<typeof buildStatements> {
  let s = statements.get(ds);
  if (!s) statements.set(ds, (s = buildStatements(ds)));
  return s;
}

/**
 * A message refused before download (too large by its BODYSTRUCTURE): recorded and audited like any other,
 * so it is moved to quarantine once and never fetched again.
 */
export async function recordUnread(d: IngestDeps, key: string, messageId: string | null, source: MessageSource, reason: string, receivedAt: Date): Promise<IngestResult> {
  const result = await inWriteTransaction(d.ds, async (qr) => {
    const messages = qr.manager.getRepository(MailMessageSchema);
    const seen = await messages.findOneBy({ key });
    if (seen) return { outcome: seen.outcome as InboundOutcome['outcome'], caseId: seen.caseId, reason: seen.reason ?? '', folder: seen.targetFolder as InboundOutcome['folder'], key, duplicate: true };
    await d.ports.audit.append({ actor: SYSTEM_ACTOR, action: 'mail.quarantine', subject: 'mail', outcome: reason }, toHandle(qr));
    await messages.insert({
      key, messageId, uidValidity: source.kind === 'imap' ? source.uidValidity : 0, uid: source.kind === 'imap' ? source.uid : 0,
      outcome: 'quarantined', caseId: null, reason, targetFolder: 'quarantine', receivedAt: receivedAt.toISOString(), movedAt: null, expungeAfter: null,
    });
    return { outcome: 'quarantined' as const, caseId: null, reason, folder: 'quarantine' as const, key, duplicate: false };
  });
  return result;
}
