import { describe, it, expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { rememberedDigest } from '../../storage/vault/known-digest.ts';
import { parseInbound } from '../../mail/inbound/parse-message.ts';
import { ParseWorkerGone, startParseWorker } from '../../mail/inbound/parse-worker.ts';
import { applicationMail } from '../support/mail-corpus.ts';
import { PEOPLE } from '../support/people.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';

const LIMITS = { maxMessageBytes: 25 * 1024 * 1024 };
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function manyParts(n: number, header: string): Buffer {
  const parts = Array.from({ length: n }, (_, i) => `--b\r\n${header} text/plain\r\n\r\nbagian ${i}\r\n`).join('');
  return Buffer.from(`From: a@pontianak.go.id\r\nSubject: x\r\nMIME-Version: 1.0\r\n${header} multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
}

describe('parsing a received message', () => {
  it.each(['Content-Type:', 'content-type:', 'Content-TYPE:', 'cOnTeNt-TyPe:'])('refuses thousands of parts whatever the header casing (%s)', async (header) => {
    const r = await parseInbound(manyParts(1000, header), LIMITS);
    expect(r.ok ? null : r.code).toBe('MAIL.TOO_COMPLEX');
  });

  it('reads a message with a few parts', async () => {
    const r = await parseInbound(manyParts(5, 'Content-Type:'), LIMITS);
    expect(r.ok).toBe(true);
  });

  it('refuses a message over the size limit and one with a 300 KB header block', async () => {
    expect((await parseInbound(Buffer.alloc(100, 0x41), { maxMessageBytes: 50 })).ok).toBe(false);
    const r = await parseInbound(Buffer.from(`Subject: ${'a'.repeat(300 * 1024)}\r\n\r\nbody`), LIMITS);
    expect(r.ok ? null : r.code).toBe('MAIL.HEADERS_TOO_LARGE');
  });

  it('keys a message without Message-ID by its content, the same for the same content', async () => {
    const raw = Buffer.from('From: a@pontianak.go.id\r\nSubject: tanpa id\r\n\r\nisi\r\n');
    const a = await parseInbound(raw, LIMITS);
    const b = await parseInbound(Buffer.from(raw), LIMITS);
    expect(a.ok && b.ok && a.value.key === b.value.key && a.value.key.startsWith('sha256:')).toBe(true);
  });
});

describe('parsing in the worker thread', () => {
  it('reads a message in the worker exactly as in this thread, files byte for byte', async () => {
    const raw = await applicationMail({
      from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, messageId: '<worker-1@pontianak.go.id>',
      attachments: [{ filename: 'scan e-KTP.jpg', content: tinyJpeg({ trailing: randomBytes(300_000) }) }, { filename: 'surat.pdf', content: tinyPdf() }],
    });
    const worker = startParseWorker();
    try {
      // The worker takes the buffer it is given over: it gets its own copy here.
      const [here, there] = await Promise.all([parseInbound(raw, LIMITS), parseInbound(Buffer.from(raw), LIMITS, worker.parse)]);
      expect(there).toEqual(here);
      expect(there.raw.equals(raw)).toBe(true);
      expect(there.ok && there.value.attachments.every((a) => Buffer.isBuffer(a.content))).toBe(true);
      // The digests taken while parsing (the audit evidence, and what the vault records) are the real SHA-256s, in both threads.
      for (const r of [here, there]) {
        if (!r.ok) throw new Error('parsed');
        expect(r.value.sha256).toBe(sha256(raw));
        expect(r.value.attachments).toHaveLength(2);
        for (const a of r.value.attachments) expect(rememberedDigest(a.content)).toBe(sha256(a.content));
        expect(rememberedDigest(r.value.raw)).toBe(sha256(raw));
      }
    } finally {
      await worker.close();
    }
  });

  it('moves the bytes into the thread and back: the buffer given is emptied, the result holds the same bytes', async () => {
    const raw = await applicationMail({
      from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, messageId: '<worker-2@pontianak.go.id>',
      attachments: [{ filename: 'surat.pdf', content: tinyPdf({ text: 'x'.repeat(100_000) }) }],
    });
    const given = Buffer.from(raw);
    const worker = startParseWorker();
    try {
      const r = await parseInbound(given, LIMITS, worker.parse);
      expect(given.length).toBe(0);
      expect(r.ok && r.value.raw === r.raw).toBe(true);
      expect(r.raw.equals(raw)).toBe(true);
      expect(rememberedDigest(r.raw)).toBe(sha256(raw));
      // A small buffer in Node's shared pool cannot move: it is copied, and stays the caller's.
      const small = Buffer.from('From: a@pontianak.go.id\r\nSubject: kecil\r\n\r\nisi\r\n');
      const s = await parseInbound(small, LIMITS, worker.parse);
      expect(small.length).toBeGreaterThan(0);
      expect(s.ok && s.raw.equals(small)).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('gives no verdict on a message whose bytes the thread held when it stopped: the parse fails, nothing is refused', async () => {
    const raw = await applicationMail({
      from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, messageId: '<worker-3@pontianak.go.id>',
      attachments: [{ filename: 'lampiran.pdf', content: tinyPdf({ text: 'x'.repeat(6_000_000) }) }],
    });
    const worker = startParseWorker();
    const parsing = parseInbound(raw, LIMITS, worker.parse);
    await worker.close();
    await expect(parsing).rejects.toBeInstanceOf(ParseWorkerGone);
  });

  it('parses in this thread once the worker is gone, instead of refusing the message', async () => {
    const worker = startParseWorker();
    await worker.close();
    const r = await parseInbound(manyParts(3, 'Content-Type:'), LIMITS, worker.parse);
    expect(r.ok).toBe(true);
  });
});
