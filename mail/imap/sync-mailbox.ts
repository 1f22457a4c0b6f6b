import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { MailMessageSchema } from '../../storage/entities/schemas.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import { ingestMessage, recordUnread, type IngestDeps, type IngestResult } from '../inbound/ingest.ts';

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
    const known = d.ds.getRepository(MailMessageSchema);
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

    let prefetched: { uid: number; raw: Promise<Buffer | null> } | null = null;
    for (const c of candidates) {
      const source = { kind: 'imap' as const, mailbox: o.mailbox, uidValidity, uid: c.uid };
      const already = c.messageId ? await known.findOneBy({ key: c.messageId }) : null;
      let result: IngestResult;
      if (already) {
        result = { outcome: already.outcome as IngestResult['outcome'], caseId: already.caseId, reason: already.reason ?? '', folder: already.targetFolder as IngestResult['folder'], key: already.key, duplicate: true };
      } else if (c.oversize) {
        result = await recordUnread(d, c.messageId ?? `uid:${uidValidity}:${c.uid}`, c.messageId, source, c.oversize, o.now());
      } else {
        // The next message downloads while this one is stored: IMAP and disk work overlap.
        const raw = await (prefetched?.uid === c.uid ? prefetched.raw : downloadRaw(client, c.uid, c.size, o.maxMessageBytes));
        const next = candidates[candidates.indexOf(c) + 1];
        prefetched = next && !next.oversize ? { uid: next.uid, raw: downloadRaw(client, next.uid, next.size, o.maxMessageBytes) } : null;
        prefetched?.raw.catch(() => undefined);
        if (!raw) continue; // expunged by someone else meanwhile
        result = await ingestMessage(d, raw, source, o.now());
      }
      if (result.duplicate) report.duplicates++; else report.handled++;
      if (result.folder === 'quarantine') report.quarantined++;
      o.onMessage?.(result);
      (result.folder === 'quarantine' ? toQuarantine : toProcessed).push({ uid: c.uid, key: result.key });
      if (toQuarantine.length + toProcessed.length >= MOVE_BATCH) await flushMoves();
    }
    await flushMoves();
  } finally {
    lock.release();
  }
  await d.afterCommit();
  return report;
}

/** Collects one message's bytes into one buffer of its announced size; only one message is held in memory. */
async function downloadRaw(client: ImapFlow, uid: number, size: number, max: number): Promise<Buffer | null> {
  // Large chunks: imapflow's default asks for 64 KB per round trip.
  const dl = await client.download(String(uid), undefined, { uid: true, chunkSize: 4 * 1024 * 1024 });
  if (!dl.content) return null;
  let out = Buffer.allocUnsafe(Math.min(Math.max(size, 1), max + 1));
  let used = 0;
  for await (const chunk of dl.content) {
    const c = chunk as Buffer;
    if (used + c.length > max + 1) { dl.content.destroy(); break; }
    if (used + c.length > out.length) {
      const bigger = Buffer.allocUnsafe(Math.min(max + 1, Math.max(out.length * 2, used + c.length)));
      out.copy(bigger, 0, 0, used);
      out = bigger;
    }
    c.copy(out, used);
    used += c.length;
  }
  return out.subarray(0, used);
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
