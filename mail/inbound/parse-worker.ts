import { Worker } from 'node:worker_threads';
import { attachmentDigest, parseHere, PARSER_OPTIONS, type MimeParser, type MimeParts } from './parse-message.ts';

/** mailparser in a worker thread; `close` ends the thread. */
export interface ParseWorker {
  readonly parse: MimeParser;
  close(): Promise<void>;
}

interface Waiting {
  readonly raw: Buffer;
  resolve(parts: MimeParts | Promise<MimeParts>): void;
  reject(e: Error): void;
}

/**
 * What crosses the thread boundary: Buffers arrive as plain Uint8Arrays, and each attachment carries
 * mailparser's checksum as it came (turned into its digest here, by the same rule as in this thread).
 */
type Posted = Omit<MimeParts, 'attachments'> & {
  attachments: (Omit<MimeParts['attachments'][number], 'content' | 'sha256'> & { content: Uint8Array; checksum?: string })[];
};

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Parses MIME on the second core: a sync runs mailparser for the next message in this thread while the
 * main thread commits the previous one (the baseline, one message at a time, uses one core). The raw
 * message is copied in; the attachments move back without a copy. Should the thread die (never a
 * verdict on the message), what it had and everything after is parsed in the calling thread instead.
 */
export function startParseWorker(): ParseWorker {
  const worker = new Worker(new URL('./parse-worker-thread.mjs', import.meta.url), { workerData: { options: PARSER_OPTIONS } });
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let gone = false;
  const fallBack = (): void => {
    gone = true;
    for (const w of waiting.values()) w.resolve(parseHere(w.raw));
    waiting.clear();
  };
  worker.on('message', ({ id, parts }: { id: number; parts: Posted | null }) => {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    if (parts === null) return w.reject(new Error('mailparser could not read the message'));
    w.resolve({
      ...parts,
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
        waiting.set(id, { raw, resolve, reject });
        worker.postMessage({ id, raw });
      });
    },
    async close() {
      gone = true;
      await worker.terminate();
    },
  };
}
