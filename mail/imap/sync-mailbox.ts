import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { In, type DataSource } from 'typeorm';
import { startParseWorker } from '../inbound/parse-worker.ts';
import type { MailMessageRow } from '../../storage/entities/rows.ts';
import { MailMessageSchema } from '../../storage/entities/schemas.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { LARGE_BYTES, reclaimYoung } from '../../storage/reclaim-memory.ts';
import { applyMessage, commitMessage, readMessage, recordUnread, type IngestDeps, type IngestResult, type ReadMessage } from '../inbound/ingest.ts';

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
/**
 * Messages downloaded and parsed ahead of the one committing, and the bytes that may be in hand, the
 * committing message's included: the message due next is read whatever its size, but no big message is
 * read further ahead. Two groups' worth, so the parser keeps working while a group waits for its fsyncs.
 */
const READ_AHEAD = 32;
/**
 * Messages at most in one transaction (see commitGroup). At 2,000 messages (2026-12-07, with the turn
 * of the event loop after each message): 16 gave 127–141 msg/s, 8 gave 130 and 24 gave 123.
 */
const GROUP = 16;
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

    // A pipeline over the messages: while one transaction commits (its vault files fsynced), the next
    // messages download and are parsed in the worker thread. Reading ahead stops at READ_AHEAD messages
    // or READ_AHEAD_BYTES, whichever comes first, so memory stays bounded whatever the message sizes (the
    // message due next is always read). Transactions run one at a time, in UID order; see commitGroup.
    const toRead = candidates.filter((c) => !c.oversize && !(c.messageId && known.has(c.messageId)));
    // Only worth a thread when there is a next message to parse while one commits.
    const worker = toRead.length >= 2 ? startParseWorker() : null;
    const reads = new Map<number, { read: Promise<ReadMessage | null>; ready: boolean }>();
    let started = 0; // toRead[0, started) are being or have been read
    let taken = 0; // toRead[0, taken) were taken for a transaction
    let aheadBytes = 0; // announced sizes of the messages read and not yet committed
    const readAhead = (): void => {
      while (started < toRead.length && started - taken < READ_AHEAD && (started === taken || aheadBytes + toRead[started]!.size <= READ_AHEAD_BYTES)) {
        const c = toRead[started++]!;
        aheadBytes += c.size;
        // A big message is parsed in this thread: copied into the worker, it would sit in memory twice.
        const entry = {
          read: downloadRaw(client, c.uid, o.maxMessageBytes, c.size)
            .then((raw) => raw && readMessage(d, raw, worker && raw.length <= WORKER_MAX_BYTES ? worker.parse : undefined)),
          ready: false,
        };
        entry.read.then(() => { entry.ready = true; }, () => { entry.ready = true; }); // failures are awaited on their turn
        reads.set(c.uid, entry);
      }
    };
    const take = async (c: Candidate): Promise<ReadMessage | null> => {
      readAhead();
      const entry = reads.get(c.uid)!;
      reads.delete(c.uid);
      taken++;
      readAhead();
      return entry.read;
    };
    const sourceOf = (c: Candidate) => ({ kind: 'imap' as const, mailbox: o.mailbox, uidValidity, uid: c.uid });
    const readable = (c: Candidate | undefined): c is Candidate => c !== undefined && toRead[taken] === c;

    /**
     * One transaction for the message at `candidates[at]` and for those right after it that are parsed
     * already (up to GROUP): each keeps its own outcome, dedupe row and cursor step, but they share one
     * commit, so the fsyncs of their vault files overlap and the pipeline waits for the disk once per
     * group, not once per message. Should one throw, the group is rolled back and the messages before it
     * are committed one by one, as they would have been alone; then the error goes on. Returns the index
     * of the next candidate.
     */
    const commitGroup = async (at: number): Promise<number> => {
      const group: { c: Candidate; read: ReadMessage }[] = [];
      const results: IngestResult[] = [];
      let next = at;
      try {
        await inWriteTransaction(d.ds, async (qr) => {
          for (let c = candidates[next]; readable(c) && (group.length === 0 || (group.length < GROUP && reads.get(c.uid)?.ready)); c = candidates[next]) {
            next++;
            const read = await take(c);
            if (!read) { // expunged by someone else meanwhile
              aheadBytes -= c.size;
              continue;
            }
            group.push({ c, read });
            results.push(await applyMessage(d, qr, read, sourceOf(c), o.now()));
            // A message's work never waits for I/O (SQLite answers at once, vault writes go to the
            // thread pool), so without this turn of the event loop the downloads of the messages read
            // ahead would stand still for the whole group.
            await yieldToEventLoop();
          }
        });
      } catch (e) {
        for (const { c, read } of group.slice(0, results.length)) finish(c, await commitMessage(d, read, sourceOf(c), o.now()));
        throw e;
      }
      group.forEach(({ c }, i) => {
        aheadBytes -= c.size;
        finish(c, results[i]!);
      });
      return next;
    };

    try {
      for (let i = 0; i < candidates.length; ) {
        const c = candidates[i]!;
        const seen = c.messageId ? known.get(c.messageId) : undefined;
        if (seen) {
          finish(c, { outcome: seen.outcome as IngestResult['outcome'], caseId: seen.caseId, reason: seen.reason ?? '', folder: seen.targetFolder as IngestResult['folder'], key: seen.key, duplicate: true });
          i++;
        } else if (c.oversize) {
          finish(c, await recordUnread(d, c.messageId ?? `uid:${uidValidity}:${c.uid}`, c.messageId, sourceOf(c), c.oversize, o.now()));
          i++;
        } else {
          i = await commitGroup(i);
        }
      }
      moveSoon();
    } finally {
      // Whatever failed, no IMAP command of this pass is left running when the mailbox lock is released.
      await Promise.allSettled([moving, ...[...reads.values()].map((r) => r.read)]);
      await worker?.close();
    }
    await moving;
  } finally {
    lock.release();
  }
  await d.afterCommit();
  return report;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Dedupe rows of the candidates that have a Message-ID, by key: one query per 500 instead of one per message. */
async function knownMessages(ds: DataSource, candidates: readonly Candidate[]): Promise<Map<string, MailMessageRow>> {
  const ids = [...new Set(candidates.map((c) => c.messageId).filter((id): id is string => id !== null))];
  const known = new Map<string, MailMessageRow>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await ds.getRepository(MailMessageSchema).findBy({ key: In(ids.slice(i, i + 500)) })) known.set(row.key, row);
  }
  return known;
}

/** Messages up to this size (LARGE_BYTES, where memory starts to count) are fetched whole. */
const WHOLE_BYTES = LARGE_BYTES;
/** Larger ones come in pieces of this size. */
const PIECE_BYTES = 2 * 1024 * 1024;

/**
 * One message's bytes. A message of up to WHOLE_BYTES (nearly all) is asked for in one FETCH of up to
 * `max + 1` bytes (imapflow's default asks 64 KB per round trip), and imapflow's buffer is used as is.
 * A bigger one comes in pieces copied into one buffer of its announced size, each piece dropped as it
 * is copied: imapflow assembling a 25 MB message itself held it twice (its pieces and the whole). More
 * than `max` bytes (a server not honouring the partial fetch) stops the download: parse-message
 * quarantines it as too large.
 */
async function downloadRaw(client: ImapFlow, uid: number, max: number, announced: number): Promise<Buffer | null> {
  const whole = announced <= WHOLE_BYTES;
  const dl = await client.download(String(uid), undefined, { uid: true, chunkSize: whole ? max + 1 : PIECE_BYTES });
  if (!dl.content) return null;
  const into = whole ? null : Buffer.allocUnsafe(Math.min(announced, max + 1));
  let filled = 0; // bytes copied into `into`
  const chunks: Buffer[] = []; // a whole message's pieces; for a big one, whatever came past its announced size
  let used = 0;
  for await (const chunk of dl.content) {
    const c = chunk as Buffer;
    if (into && chunks.length === 0 && filled + c.length <= into.length) {
      c.copy(into, filled);
      filled += c.length;
      reclaimYoung(); // the piece just copied
    } else {
      chunks.push(c);
    }
    used += c.length;
    if (used > max) { dl.content.destroy(); break; }
  }
  if (!into) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, used);
  // Only what arrived is returned: allocUnsafe's other bytes are never read.
  return chunks.length === 0 ? into.subarray(0, filled) : Buffer.concat([into.subarray(0, filled), ...chunks], used);
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
