import { Worker } from 'node:worker_threads';
import { attachmentDigest, parseHere, PARSER_OPTIONS, UnreadableMime, type MimeParser, type MimeParts } from './parse-message.ts';

/**
 * mailparser in a worker thread; `close` ends the thread. `parse` takes the buffer it is given over
 * when the buffer owns its memory (moved, not copied: the copy cost more than the move): the caller's
 * buffer is then empty, and the bytes come back in the parts (or in the UnreadableMime error).
 */
export interface ParseWorker {
  readonly parse: MimeParser;
  close(): Promise<void>;
}

/** The thread stopped while it held a message's bytes: no verdict on the message, which a later pass reads again. */
export class ParseWorkerGone extends Error {
  constructor() {
    super('the parse worker thread stopped while holding a message; it is read again on the next pass');
  }
}

interface Waiting {
  /** The bytes, unless they were moved into the thread. */
  readonly raw: Buffer | null;
  resolve(parts: MimeParts | Promise<MimeParts>): void;
  reject(e: Error): void;
}

/**
 * What crosses the thread boundary: Buffers arrive as plain Uint8Arrays, and each attachment carries
 * mailparser's checksum as it came (turned into its digest here, by the same rule as in this thread).
 */
type Posted = Omit<MimeParts, 'attachments' | 'raw'> & {
  attachments: (Omit<MimeParts['attachments'][number], 'content' | 'sha256'> & { content: Uint8Array; checksum?: string })[];
};

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** A buffer that is the whole of its memory can be moved to another thread; a slice of a shared pool cannot. */
const movable = (b: Buffer): b is Buffer<ArrayBuffer> => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;

/**
 * Parses MIME on the second core: a sync runs mailparser for the next message in this thread while the
 * main thread commits the previous one (the baseline, one message at a time, uses one core). The raw
 * message moves in and back, and the attachments move back, without a copy (copying a sync's gigabyte
 * twice, to the thread and into its heap, cost ~6 % of the throughput). Should the thread die (never a
 * verdict on the message), what it had is parsed in the calling thread instead, except a message it
 * held the only bytes of: that parse fails with ParseWorkerGone, and a later pass reads the message
 * again. Everything after is parsed in the calling thread.
 */
export function startParseWorker(): ParseWorker {
  const worker = new Worker(new URL('./parse-worker-thread.mjs', import.meta.url), { workerData: { options: PARSER_OPTIONS } });
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let gone = false;
  const fallBack = (): void => {
    gone = true;
    for (const w of waiting.values()) {
      if (w.raw) w.resolve(parseHere(w.raw));
      else w.reject(new ParseWorkerGone());
    }
    waiting.clear();
  };
  worker.on('message', ({ id, parts, raw }: { id: number; parts: Posted | null; raw: Uint8Array }) => {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    if (parts === null) return w.reject(new UnreadableMime(asBuffer(raw)));
    w.resolve({
      ...parts,
      raw: asBuffer(raw),
      attachments: parts.attachments.map(({ checksum, ...a }) => {
        const content = asBuffer(a.content);
        return { ...a, content, sha256: attachmentDigest({ checksum, content }) };
      }),
    });
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    parse(raw) {
      if (gone) return parseHere(raw);
      return new Promise<MimeParts>((resolve, reject) => {
        const id = nextId++;
        const move = movable(raw);
        waiting.set(id, { raw: move ? null : raw, resolve, reject });
        worker.postMessage({ id, raw }, move ? [raw.buffer] : []);
      });
    },
    async close() {
      gone = true;
      await worker.terminate();
    },
  };
}
