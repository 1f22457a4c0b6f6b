import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { ok, refuse, type Result } from '../../domain/shared/result.ts';
import type { InboundAttachment, InboundMessage } from './inbound-message.ts';
import { rememberDigest } from '../../storage/vault/known-digest.ts';
import { reclaimAfter } from '../../storage/reclaim-memory.ts';

export interface ParseLimits {
  readonly maxMessageBytes: number;
}

export type ParseCode = 'MAIL.TOO_LARGE' | 'MAIL.HEADERS_TOO_LARGE' | 'MAIL.TOO_COMPLEX' | 'MAIL.MALFORMED';

/** Past these a message is quarantined unread: no citizen's application needs them, hostile mail does. */
const MAX_HEADER_BYTES = 256 * 1024;
const MAX_MIME_PARTS = 200;
const MAX_MULTIPART_DEPTH = 20;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Finds the end of the header block without decoding the message. */
function headerLength(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  // A bare-LF end counts only before the CRLF one: searched no further (a CRLF message has none, and
  // the search would run through all of it).
  const lf = raw.subarray(0, crlf >= 0 ? crlf + 2 : raw.length).indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}

/**
 * Cheap structural bounds, counted on the raw bytes before mailparser sees them: a message with thousands
 * of parts or deep nesting costs the parser time and memory out of all proportion to its size.
 */
function structureWithinBounds(raw: Buffer): boolean {
  // Compared byte by byte (no string per line: a 25 MB message has 300,000 lines): every line that
  // starts with "content-type:", any casing.
  let parts = 0;
  let multiparts = 0;
  for (let start = 0; start < raw.length; ) {
    if (startsWithFolded(raw, start, CONTENT_TYPE)) {
      parts++;
      let k = start + CONTENT_TYPE.length;
      while (raw[k] === 0x20 || raw[k] === 0x09) k++;
      if (startsWithFolded(raw, k, MULTIPART)) multiparts++;
      if (parts > MAX_MIME_PARTS || multiparts > MAX_MULTIPART_DEPTH) return false;
    }
    const next = raw.indexOf(0x0a, start);
    if (next === -1) break;
    start = next + 1;
  }
  return true;
}

const CONTENT_TYPE = Buffer.from('content-type:', 'latin1');
const MULTIPART = Buffer.from('multipart/', 'latin1');

/** Whether `raw` holds `lower` (lower-case ASCII) at `at`, ignoring the case of ASCII letters. */
function startsWithFolded(raw: Buffer, at: number, lower: Buffer): boolean {
  if (raw.length - at < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const b = raw[at + i]!;
    // Setting bit 0x20 lower-cases an ASCII letter; the needles' other bytes (-, :, /) must match exactly.
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower[i]) return false;
  }
  return true;
}

function* chunksOf(raw: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < raw.length; i += size) yield raw.subarray(i, i + size);
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined): string | null => {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  const address = list.flatMap((x) => x.value).find((v) => v.address)?.address;
  return address ? address.trim().toLowerCase() : null;
};

const normaliseId = (id: string | undefined | null): string | null => {
  const trimmed = id?.trim();
  if (!trimmed) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
};

/** The dedupe key when a message has no Message-ID: its content, independent of transport-added headers. */
function contentKey(raw: Buffer): string {
  const split = headerLength(raw);
  const headers = raw.subarray(0, split).toString('latin1').replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n')
    .filter((l) => /^(from|to|cc|subject|date):/i.test(l)).map((l) => l.toLowerCase().replace(/\s+/g, ' ').trim()).sort();
  const body = raw.subarray(split).toString('latin1').replace(/\r\n/g, '\n').trim();
  return 'sha256:' + createHash('sha256').update(headers.join('\n')).update('\n\n').update(body).digest('hex');
}

/** What the desk takes from mailparser's result: plain data, so a worker thread can hand it over. */
export interface MimeParts {
  readonly headerLines: readonly { readonly key: string; readonly line: string }[];
  readonly messageId?: string | undefined;
  readonly from?: AddressObject | AddressObject[] | undefined;
  readonly subject?: string | undefined;
  readonly text?: string | undefined;
  readonly inReplyTo?: string | undefined;
  readonly references?: string | string[] | undefined;
  readonly attachments: readonly { readonly filename?: string | undefined; readonly contentType: string; readonly contentDisposition?: string | undefined; readonly content: Buffer; readonly sha256: string }[];
  /** SHA-256 (hex) of the raw message. Hashes are taken where the parsing happens, off the event loop in a worker. */
  readonly sha256: string;
  /**
   * The raw message: the buffer given, or the same bytes handed back by a parser that took the buffer
   * over (a worker thread moves it instead of copying it, leaving the caller's buffer empty).
   */
  readonly raw: Buffer;
}

/**
 * Turns bytes into MIME parts; throws on what mailparser cannot read, with an `UnreadableMime` that
 * carries the bytes when the parser took them over. In this thread, or in a worker (parse-worker.ts).
 */
export type MimeParser = (raw: Buffer) => Promise<MimeParts>;

/** mailparser could not read the message; `raw` is its bytes (see MimeParts.raw). */
export class UnreadableMime extends Error {
  constructor(readonly raw: Buffer) {
    super('mailparser could not read the message');
  }
}

/** A parse result with the message's bytes, which are no longer in the caller's buffer if a worker took them over. */
export type ParsedInbound = Result<InboundMessage, ParseCode> & { readonly raw: Buffer };

/**
 * mailparser's options: no link or HTML conversion the desk never reads, HTML bounded, and each
 * attachment's checksum in SHA-256 (the digest the vault records) instead of MD5, taken as the
 * attachment streams by rather than in a second pass over it.
 */
export const PARSER_OPTIONS = {
  skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 2 * 1024 * 1024, checksumAlgo: 'sha256',
} as const;

const HEX64 = /^[0-9a-f]{64}$/;

/** mailparser's SHA-256 of an attachment, or one computed here should it be missing. */
export const attachmentDigest = (a: { readonly checksum?: string | undefined; readonly content: Uint8Array }): string =>
  a.checksum !== undefined && HEX64.test(a.checksum) ? a.checksum : sha256(a.content);

/** Fed in 64 KB pieces: mailparser holds far less at once than with one 25 MB chunk. */
export const parseHere: MimeParser = async (raw) => {
  let p: ParsedMail;
  try {
    p = await simpleParser(Readable.from(chunksOf(raw, 64 * 1024)), PARSER_OPTIONS);
  } catch {
    throw new UnreadableMime(raw);
  }
  // The parser's pieces of a big message are garbage now: collected before the message is stored.
  reclaimAfter(raw.length);
  return {
    headerLines: p.headerLines, messageId: p.messageId, from: p.from, subject: p.subject, text: p.text, inReplyTo: p.inReplyTo, references: p.references,
    attachments: p.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, contentDisposition: a.contentDisposition, content: a.content, sha256: attachmentDigest(a) })),
    sha256: sha256(raw),
    raw,
  };
};

/**
 * Parses a raw message; refuses (for quarantine) what is too big, too complex or unreadable. Read the
 * bytes from the result's `raw` afterwards: `parseMime` may take `raw` over.
 */
export async function parseInbound(raw: Buffer, limits: ParseLimits, parseMime: MimeParser = parseHere): Promise<ParsedInbound> {
  if (raw.length > limits.maxMessageBytes) return { ...refuse('MAIL.TOO_LARGE', { sizeMb: Math.ceil(raw.length / 1048576) }), raw };
  if (headerLength(raw) > MAX_HEADER_BYTES) return { ...refuse('MAIL.HEADERS_TOO_LARGE'), raw };
  if (!structureWithinBounds(raw)) return { ...refuse('MAIL.TOO_COMPLEX'), raw };
  let parts: MimeParts;
  try {
    parts = await parseMime(raw);
  } catch (e) {
    // Anything else (the worker thread gone with the bytes) is no verdict on the message: it goes up.
    if (e instanceof UnreadableMime) return { ...refuse('MAIL.MALFORMED'), raw: e.raw };
    throw e;
  }
  try {
    return { ...ok(toInbound(parts)), raw: parts.raw };
  } catch {
    return { ...refuse('MAIL.MALFORMED'), raw: parts.raw };
  }
}

function toInbound(parsed: MimeParts): InboundMessage {
  const { raw } = parsed;
  const headers = new Map<string, string[]>();
  for (const line of parsed.headerLines) {
    const list = headers.get(line.key) ?? [];
    list.push(line.line.slice(line.line.indexOf(':') + 1).trim());
    headers.set(line.key, list);
  }
  const references = typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []);
  const attachments: InboundAttachment[] = parsed.attachments
    .filter((a) => a.contentDisposition !== 'inline' || a.filename)
    .map((a) => {
      rememberDigest(a.content, a.sha256);
      return { filename: (a.filename ?? 'lampiran').slice(0, 200), contentType: a.contentType, content: a.content };
    });
  rememberDigest(raw, parsed.sha256);
  const messageId = normaliseId(parsed.messageId);
  const returnPathLine = headers.get('return-path')?.[0];
  return {
    key: messageId ?? contentKey(raw),
    messageId,
    from: firstAddress(parsed.from),
    subject: (parsed.subject ?? '').slice(0, 1000),
    text: (parsed.text ?? '').slice(0, 1024 * 1024),
    headers,
    contentType: (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase(),
    returnPath: returnPathLine === undefined ? null : returnPathLine.replace(/[<>\s]/g, ''),
    inReplyTo: normaliseId(parsed.inReplyTo),
    references: references.map((r) => normaliseId(r)).filter((r): r is string => r !== null),
    attachments,
    raw,
    sha256: parsed.sha256,
  };
}
