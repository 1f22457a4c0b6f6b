// The thread side of parse-worker.ts: mailparser on messages posted to it. Plain JavaScript because a
// worker thread does not inherit the TypeScript loader (tsx's hooks, vitest's transform) of its parent.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { simpleParser } from 'mailparser';

const PIECE = 64 * 1024;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function* piecesOf(bytes) {
  for (let i = 0; i < bytes.length; i += PIECE) yield bytes.subarray(i, i + PIECE);
}

/** A buffer that owns its whole memory can be moved to the parent instead of copied. */
const ownsMemory = (b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;

parentPort.on('message', async ({ id, raw }) => {
  try {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const p = await simpleParser(Readable.from(piecesOf(bytes)), workerData.options);
    const attachments = p.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, contentDisposition: a.contentDisposition, content: a.content,
      // The SHA-256 mailparser took as it decoded (the options ask for it); the parent makes it the digest.
      checksum: a.checksum,
    }));
    // The message's bytes go back too (the parent may have moved them here, and needs them to archive).
    const transfer = [...new Set([...attachments.map((a) => a.content), bytes].filter(ownsMemory).map((c) => c.buffer))];
    const parts = {
      headerLines: p.headerLines, messageId: p.messageId, from: p.from, subject: p.subject, text: p.text,
      inReplyTo: p.inReplyTo, references: p.references, attachments, sha256: sha256(bytes),
    };
    parentPort.postMessage({ id, parts, raw: bytes }, transfer);
  } catch {
    // mailparser refused the message: the parent quarantines it as malformed, with its bytes.
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    parentPort.postMessage({ id, parts: null, raw: bytes }, ownsMemory(bytes) ? [bytes.buffer] : []);
  }
});
