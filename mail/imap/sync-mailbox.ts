import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { In, type DataSource } from 'typeorm';
import { startParseWorker } from '../inbound/parse-worker.ts';
import type { MailMessageRow } from '../../storage/entities/rows.ts';
import { MailMessageSchema } from '../../storage/entities/schemas.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { commitMessage, readMessage, recordUnread, type IngestDeps, type IngestResult } from '../inbound/ingest.ts';

export interface SyncOptions {
  readonly mailbox: string;
  readonly processedFolder: string;
  readonly quarantineFolder: string;
  readonly retainDays: number;
  readonly maxFileBytes: number;
  readonly maxMessageBytes: number;
  readonly now: () => Date;
  readonly onMessage?: (r: IngestResult) => void;
}

export interface SyncReport {
  handled: number;
  duplicates: number;
  quarantined: number;
  moved: number;
  expunged: number;
}

// Base64 grows a file by 4/3 plus line breaks; BODYSTRUCTURE reports encoded sizes.
const ENCODED = 1.4;
const MOVE_BATCH = 25;
/** Bytes of messages downloaded or parsed ahead of the one committing: two typical messages, not two 25 MB ones. */
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
/** Messages up to this size are parsed in the worker thread. */
const WORKER_MAX_BYTES = 8 * 1024 * 1024;

interface Candidate {
  readonly uid: number;
  readonly size: number;
  readonly messageId: string | null;
  readonly oversize: string | null;
}

function largestPart(node: MessageStructureObject | undefined): number {
  if (!node) return 0;
  const own = node.childNodes?.length ? 0 : (node.size ?? 0);
  return Math.max(own, ...(node.childNodes ?? []).map(largestPart));
}

const normaliseId = (id: string | undefined): string | null => (id ? (id.startsWith('<') ? id : `<${id}>`) : null);

/**
 * One pass over the mailbox: every message in it is handled once, then moved out of the inbox. The move
 * happens only after the commit; a message whose effect is already committed (a crash hit between commit
 * and move, or the UIDVALIDITY changed) is recognised by its Message-ID and only moved.
 */
export async function syncMailbox(client: ImapFlow, d: IngestDeps, o: SyncOptions): Promise<SyncReport> {
  const report: SyncReport = { handled: 0, duplicates: 0, quarantined: 0, moved: 0, expunged: 0 };
  const folders = { processed: o.processedFolder.split('/'), quarantine: o.quarantineFolder.split('/') };
  for (const path of [folders.processed, folders.quarantine]) {
    for (let i = 1; i <= path.length; i++) await client.mailboxCreate(path.slice(0, i)).catch(() => undefined);
  }

  // Retention first: the inbox pass must be the last mailbox selected, because IDLE watches it.
  report.expunged = await expungeOld(client, folders.processed, o);
  const lock = await client.getMailboxLock(o.mailbox);
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('mailbox not selected');
    const uidValidity = Number(mailbox.uidValidity);
    const uids = mailbox.exists > 0 ? ((await client.search({ all: true }, { uid: true })) || []) : [];
    const candidates: Candidate[] = [];
    if (uids.length > 0) {
      for await (const m of client.fetch(uids.join(','), { uid: true, size: true, envelope: true, bodyStructure: true }, { uid: true })) {
        const size = m.size ?? 0;
        const oversize = size > o.maxMessageBytes ? 'MAIL.TOO_LARGE' : largestPart(m.bodyStructure) > o.maxFileBytes * ENCODED ? 'MAIL.ATTACHMENT_TOO_LARGE' : null;
        candidates.push({ uid: m.uid, size, messageId: normaliseId(m.envelope?.messageId), oversize });
      }
    }
    candidates.sort((a, b) => a.uid - b.uid);
    const known = await knownMessages(d.ds, candidates);
    // Moves go in batches after their messages committed: one IMAP round trip for many messages. A crash
    // before a batch moved leaves committed messages in the inbox; the next pass recognises and moves them.
    const toProcessed: { uid: number; key: string }[] = [];
    const toQuarantine: { uid: number; key: string }[] = [];
    const flushMoves = async (): Promise<void> => {
      for (const [list, folder] of [[toProcessed, folders.processed], [toQuarantine, folders.quarantine]] as const) {
        if (list.length === 0) continue;
        const batch = list.splice(0, list.length);
        const moved = await client.messageMove(batch.map((m) => m.uid).join(','), folder, { uid: true });
        if (!moved) continue;
        report.moved += batch.length;
        const at = o.now();
        await inWriteTransaction(d.ds, async (qr) => {
          for (const m of batch) {
            await qr.manager.getRepository(MailMessageSchema)
              .update({ key: m.key }, { movedAt: at.toISOString(), expungeAfter: new Date(at.getTime() + o.retainDays * 86_400_000).toISOString() });
          }
        });
      }
    };
    // Moves run beside the next messages' work, one batch after another.
    let moving: Promise<void> = Promise.resolve();
    const moveSoon = (): void => {
      moving = moving.then(flushMoves);
      moving.catch(() => undefined); // awaited below
    };
    const finish = (c: Candidate, result: IngestResult): void => {
      if (result.duplicate) report.duplicates++; else report.handled++;
      if (result.folder === 'quarantine') report.quarantined++;
      o.onMessage?.(result);
      (result.folder === 'quarantine' ? toQuarantine : toProcessed).push({ uid: c.uid, key: result.key });
      if (toQuarantine.length + toProcessed.length >= MOVE_BATCH) moveSoon();
    };

    // A pipeline over the messages: while message N commits (its vault files written and fsynced, its
    // rows inserted), message N+1 is parsed and N+2 downloads. Commits stay one at a time and in order;
    // read-ahead stops at READ_AHEAD_BYTES so memory stays bounded whatever the message sizes.
    const toRead = candidates.filter((c) => !c.oversize && !(c.messageId && known.has(c.messageId)));
    const download = (c: Candidate): Promise<Buffer | null> => downloadRaw(client, c.uid, o.maxMessageBytes);
    let prefetched: { uid: number; raw: Promise<Buffer | null> } | null = null;
    let committing: Promise<void> = Promise.resolve();
    let committingBytes = 0;
    // Only worth a thread when there is a next message to parse while one commits.
    const worker = toRead.length >= 2 ? startParseWorker() : null;
    try {
      for (const c of candidates) {
        const source = { kind: 'imap' as const, mailbox: o.mailbox, uidValidity, uid: c.uid };
        const seen = c.messageId ? known.get(c.messageId) : undefined;
        if (seen) {
          await committing;
          finish(c, { outcome: seen.outcome as IngestResult['outcome'], caseId: seen.caseId, reason: seen.reason ?? '', folder: seen.targetFolder as IngestResult['folder'], key: seen.key, duplicate: true });
          continue;
        }
        if (c.oversize) {
          await committing;
          finish(c, await recordUnread(d, c.messageId ?? `uid:${uidValidity}:${c.uid}`, c.messageId, source, c.oversize, o.now()));
          continue;
        }
        const raw = await (prefetched?.uid === c.uid ? prefetched.raw : download(c));
        const following = toRead[toRead.indexOf(c) + 1];
        prefetched = following && committingBytes + c.size + following.size <= READ_AHEAD_BYTES ? { uid: following.uid, raw: download(following) } : null;
        prefetched?.raw.catch(() => undefined); // awaited on its turn
        if (!raw) continue; // expunged by someone else meanwhile
        if (committingBytes + raw.length > READ_AHEAD_BYTES) await committing;
        // A big message is parsed here: copied into the worker, it would sit in memory twice.
        const read = await readMessage(d, raw, worker && raw.length <= WORKER_MAX_BYTES ? worker.parse : undefined);
        await committing;
        committingBytes = raw.length;
        committing = commitMessage(d, read, source, o.now()).then((r) => finish(c, r));
        committing.catch(() => undefined); // awaited on the next message or below
      }
      await committing;
      moveSoon();
    } finally {
      // Whatever failed, no IMAP command of this pass is left running when the mailbox lock is released.
      await Promise.allSettled([committing, moving, prefetched?.raw]);
      await worker?.close();
    }
    await moving;
  } finally {
    lock.release();
  }
  await d.afterCommit();
  return report;
}

/** Dedupe rows of the candidates that have a Message-ID, by key: one query per 500 instead of one per message. */
async function knownMessages(ds: DataSource, candidates: readonly Candidate[]): Promise<Map<string, MailMessageRow>> {
  const ids = [...new Set(candidates.map((c) => c.messageId).filter((id): id is string => id !== null))];
  const known = new Map<string, MailMessageRow>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await ds.getRepository(MailMessageSchema).findBy({ key: In(ids.slice(i, i + 500)) })) known.set(row.key, row);
  }
  return known;
}

/**
 * One message's bytes. Asked for in one FETCH of up to `max + 1` bytes (imapflow's default asks 64 KB
 * per round trip), so imapflow hands over the whole message as the one buffer it assembled: used as is,
 * not copied, which keeps a 25 MB message in memory once rather than twice. More than `max` bytes
 * (a server not honouring the partial fetch) stops the download: parse-message quarantines it as too large.
 */
async function downloadRaw(client: ImapFlow, uid: number, max: number): Promise<Buffer | null> {
  const dl = await client.download(String(uid), undefined, { uid: true, chunkSize: max + 1 });
  if (!dl.content) return null;
  const chunks: Buffer[] = [];
  let used = 0;
  for await (const chunk of dl.content) {
    const c = chunk as Buffer;
    chunks.push(c);
    used += c.length;
    if (used > max) { dl.content.destroy(); break; }
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, used);
}

/**
 * Processed mail holds e-KTP scans in clear on the mail server; the vault has the encrypted copy, so
 * the mailbox keeps it only `retainDays` (UU 27/2022: no longer than needed).
 */
async function expungeOld(client: ImapFlow, folder: string[], o: SyncOptions): Promise<number> {
  const lock = await client.getMailboxLock(folder);
  try {
    const before = new Date(o.now().getTime() - o.retainDays * 86_400_000);
    const old = (await client.search({ before }, { uid: true })) || [];
    if (old.length === 0) return 0;
    await client.messageDelete(old.join(','), { uid: true });
    return old.length;
  } finally {
    lock.release();
  }
}
