import { Buffer } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { ok, refuse, type Result } from '../shared/result.ts';

/**
 * The file types the desk accepts. The e-KTP scan must be "an image or PDF, checked by its bytes, not by
 * its name" (Pasal 15(2)d); letters and evidence follow the same rule so an officer only ever opens a
 * picture or a plain PDF.
 */
export const MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const DOCUMENT_CODES = [
  'DOCUMENT.EMPTY',
  'DOCUMENT.TOO_LARGE',
  'DOCUMENT.UNSUPPORTED_TYPE',
  'DOCUMENT.TYPE_NOT_ALLOWED',
  'DOCUMENT.MALFORMED',
  'DOCUMENT.PDF_ENCRYPTED',
  'DOCUMENT.PDF_JAVASCRIPT',
] as const;
export type DocumentCode = (typeof DOCUMENT_CODES)[number];

export interface FileLimits {
  /** Largest accepted file, in bytes (configurable; the mail and bot adapters pass the same value). */
  readonly maxBytes: number;
}

/** Short names people know, used in refusal params (`{{type}}`, `{{allowed}}`). */
const LABEL: Readonly<Record<MediaType, string>> = { 'image/jpeg': 'JPG', 'image/png': 'PNG', 'application/pdf': 'PDF' };

/**
 * Tells what a file is from its bytes and refuses what the desk must not keep or open: unknown types,
 * truncated or broken files, encrypted PDFs (an officer could not verify them, Pasal 15(3)) and PDFs
 * that run code when opened (JavaScript or Launch actions). The file name and the sender's declared
 * type are never trusted.
 *
 * This is a structural check, not a sanitiser: it reads the whole file once (a 25 MB file takes tens
 * of milliseconds) and inflates only PDF object streams, where dictionaries can hide.
 *
 * @example
 * const r = checkFileType(bytes, { maxBytes: 10 * 1024 * 1024 }, ['application/pdf', 'image/jpeg']);
 * if (!r.ok) return reply(t.message(r.code, r.params));
 * await vault.store({ requestId, kind: 'ktp_scan', bytes, mediaType: r.value.mediaType });
 */
export function checkFileType(
  bytes: Uint8Array,
  limits: FileLimits,
  allowed: readonly MediaType[] = MEDIA_TYPES,
): Result<{ mediaType: MediaType }, DocumentCode> {
  if (bytes.length === 0) return refuse('DOCUMENT.EMPTY');
  if (bytes.length > limits.maxBytes) {
    return refuse('DOCUMENT.TOO_LARGE', { maxMb: toMb(limits.maxBytes, Math.floor), sizeMb: toMb(bytes.length, Math.ceil) });
  }
  const mediaType = sniff(bytes);
  const allowedLabels = allowed.map((m) => LABEL[m]).join(', ');
  if (mediaType === undefined) return refuse('DOCUMENT.UNSUPPORTED_TYPE', { allowed: allowedLabels });
  if (!allowed.includes(mediaType)) {
    return refuse('DOCUMENT.TYPE_NOT_ALLOWED', { type: LABEL[mediaType], allowed: allowedLabels });
  }
  const malformed = refuse('DOCUMENT.MALFORMED', { type: LABEL[mediaType] });
  switch (mediaType) {
    case 'image/jpeg':
      return isWholeJpeg(bytes) ? ok({ mediaType }) : malformed;
    case 'image/png':
      return isWholePng(bytes) ? ok({ mediaType }) : malformed;
    case 'application/pdf': {
      const verdict = inspectPdf(bytes);
      if (verdict === 'ok') return ok({ mediaType });
      return verdict === 'malformed' ? malformed : refuse(verdict);
    }
  }
}

const MIB = 1024 * 1024;
/** One decimal, rounded so that a file just over the limit never reads as equal to it. */
const toMb = (n: number, round: (x: number) => number): number => round((n / MIB) * 10) / 10;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Acrobat accepts a PDF header anywhere in the first 1024 bytes; so do we. */
const PDF_HEADER_WINDOW = 1024;

function sniff(b: Uint8Array): MediaType | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'image/png';
  if (latin1(b.subarray(0, PDF_HEADER_WINDOW)).includes('%PDF-')) return 'application/pdf';
  return undefined;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

// ---------------------------------------------------------------------------------------------- JPEG

/** SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the range. */
const isFrameMarker = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * Walks the marker segments from SOI to EOI, skipping entropy-coded data after each scan. Bytes after
 * EOI are allowed: phones append thumbnails and motion-photo video there.
 */
function isWholeJpeg(b: Uint8Array): boolean {
  let i = 2;
  let frame = false;
  let scan = false;
  while (i < b.length) {
    if (b[i] !== 0xff) return false;
    while (b[i] === 0xff) i++; // fill bytes
    const marker = b[i++];
    if (marker === undefined) return false;
    if (marker === 0xd9) return frame && scan;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // standalone markers
    const length = ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
    if (length < 2 || i + length > b.length) return false;
    i += length;
    if (isFrameMarker(marker)) frame = true;
    if (marker === 0xda) {
      scan = true;
      i = endOfEntropyData(b, i);
      if (i < 0) return false;
    }
  }
  return false;
}

/** Index of the next real marker after a scan; stuffed `FF00` and restart markers are data. */
function endOfEntropyData(b: Uint8Array, from: number): number {
  let j = from;
  for (;;) {
    j = b.indexOf(0xff, j);
    if (j < 0 || j + 1 >= b.length) return -1;
    const next = b[j + 1] ?? 0;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) j += 2;
    else if (next === 0xff) j += 1;
    else return j;
  }
}

// ----------------------------------------------------------------------------------------------- PNG

/** Walks the chunks: IHDR first, at least one IDAT, and IEND reached inside the file. */
function isWholePng(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = PNG_SIGNATURE.length;
  let first = true;
  let data = false;
  while (i + 12 <= b.length) {
    const length = view.getUint32(i);
    const type = String.fromCharCode(b[i + 4] ?? 0, b[i + 5] ?? 0, b[i + 6] ?? 0, b[i + 7] ?? 0);
    if (i + 12 + length > b.length) return false;
    if (first && (type !== 'IHDR' || length !== 13 || view.getUint32(i + 8) === 0 || view.getUint32(i + 12) === 0)) return false;
    first = false;
    if (type === 'IDAT') data = true;
    if (type === 'IEND') return data;
    i += 12 + length;
  }
  return false;
}

// ----------------------------------------------------------------------------------------------- PDF

type PdfVerdict = 'ok' | 'malformed' | 'DOCUMENT.PDF_ENCRYPTED' | 'DOCUMENT.PDF_JAVASCRIPT';

/** A PDF name token: `/` then regular characters up to whitespace or a delimiter (ISO 32000 7.2.2). */
const NAME = /\/([^\0\t\n\f\r ()<>[\]{}/%]*)/g;
const VERSION = /^%PDF-(?:1\.[0-7]|2\.0)(?![0-9])/;
/**
 * Names that make a viewer run code or leave the document. `JS` is short enough to occur by chance in
 * compressed binary data, so it counts only outside stream data (and inside object streams, inflated).
 */
const CODE_NAMES = new Set(['JavaScript', 'JS', 'Launch']);
const FLATE = new Set(['FlateDecode', 'Fl']);
const OTHER_FILTERS = new Set([
  'ASCIIHexDecode', 'AHx', 'ASCII85Decode', 'A85', 'LZWDecode', 'LZW', 'RunLengthDecode', 'RL',
  'CCITTFaxDecode', 'CCF', 'JBIG2Decode', 'DCTDecode', 'DCT', 'JPXDecode', 'Crypt',
]);
/** Inflated object streams are small; the cap stops a zip bomb. */
const INFLATE_BUDGET = 64 * MIB;

/** `#xx` escapes are legal in names (`/J#61vaScript` is `/JavaScript`), so names are compared decoded. */
const decodeName = (raw: string): string =>
  raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw;

const namesIn = (text: string): string[] => Array.from(text.matchAll(NAME), (m) => decodeName(m[1] ?? ''));

interface StreamSpan {
  /** Where the object's dictionary begins (after the previous `endobj`). */
  readonly dictStart: number;
  readonly keyword: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

/**
 * Header, `startxref` and `%%EOF` near the end, at least one object; then every name token is read.
 * Read on the bytes themselves (one byte, one latin1 character): a 6 MB scan is never copied into a
 * string, which cost a mail sync its memory and time.
 */
function inspectPdf(bytes: Uint8Array): PdfVerdict {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = b.indexOf('%PDF-', 0, 'latin1');
  const eof = b.lastIndexOf('%%EOF', undefined, 'latin1');
  if (head < 0 || !VERSION.test(b.toString('latin1', head, head + 9))) return 'malformed';
  if (eof < 0 || eof < b.length - 2048) return 'malformed';
  if (b.lastIndexOf('startxref', eof, 'latin1') < head || !hasObjectHeader(b)) return 'malformed';

  const streams = findStreams(b, head);
  if (streams === undefined) return 'malformed';

  let code = false;
  let encrypted = false;
  let s = 0;
  forEachName(b, (at, name) => {
    if (name === 'Encrypt') return !(encrypted = true);
    if (!CODE_NAMES.has(name)) return true;
    while (s < streams.length && (streams[s]?.dataEnd ?? 0) <= at) s++;
    const inData = s < streams.length && (streams[s]?.dataStart ?? Infinity) <= at;
    if (name !== 'JS' || !inData) code = true;
    return true;
  });
  if (encrypted) return 'DOCUMENT.PDF_ENCRYPTED';
  if (code) return 'DOCUMENT.PDF_JAVASCRIPT';
  return inspectObjectStreams(b, streams);
}

const isPdfSpace = (c: number | undefined): boolean => c === 0 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Whether `<digits> <digits> obj` occurs anywhere (OBJECT_HEADER), found from each `obj` backwards. */
function hasObjectHeader(b: Buffer): boolean {
  for (let at = b.indexOf('obj', 0, 'latin1'); at >= 0; at = b.indexOf('obj', at + 3, 'latin1')) {
    let i = at - 1;
    const runOf = (test: (c: number | undefined) => boolean): number => { const from = i; while (i >= 0 && test(b[i])) i--; return from - i; };
    if (runOf(isPdfSpace) > 0 && runOf(isDigit) > 0 && runOf(isPdfSpace) > 0 && runOf(isDigit) > 0) return true;
  }
  return false;
}

/** PDF delimiters and white space end a name token (ISO 32000 7.2.2), as in NAME: a table by byte. */
const ENDS_NAME = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) ENDS_NAME[c] = 1;
/** No name the scan looks for is longer than this once decoded, nor three times as long written with `#xx`. */
const LONGEST_NAME = 3 * 'JavaScript'.length;
/** Every name looked for starts with one of these, or with an escape: other tokens need no decoding. */
const FIRST_OF_NAMES = new Set([...CODE_NAMES, 'Encrypt'].map((n) => n.charCodeAt(0)).concat(0x23 /* # */));

/**
 * Calls `visit` with each name token (`/` then regular characters) that could be one of the names
 * looked for, decoded, and where its `/` is. A token cannot hold a `/`, so each `/` begins one.
 */
function forEachName(b: Buffer, visit: (at: number, name: string) => boolean): void {
  for (let at = b.indexOf(0x2f); at >= 0; at = b.indexOf(0x2f, at + 1)) {
    if (!FIRST_OF_NAMES.has(b[at + 1] ?? -1)) continue;
    let end = at + 1;
    while (end < b.length && end - at <= LONGEST_NAME + 1 && ENDS_NAME[b[end]!] === 0) end++;
    if (end - at - 1 > LONGEST_NAME) continue;
    if (!visit(at, decodeName(b.toString('latin1', at + 1, end)))) return;
  }
}

/** Stream data spans, in file order; undefined when a stream never ends. */
function findStreams(b: Buffer, from: number): StreamSpan[] | undefined {
  const spans: StreamSpan[] = [];
  let pos = from;
  let previousEnd = from;
  for (;;) {
    const keyword = b.indexOf('stream', pos, 'latin1');
    if (keyword < 0) return spans;
    pos = keyword + 6;
    if (keyword >= 3 && b.toString('latin1', keyword - 3, keyword) === 'end') continue;
    let dataStart = keyword + 6;
    if (b[dataStart] === 0x0d) dataStart++;
    if (b[dataStart] === 0x0a) dataStart++;
    if (dataStart === keyword + 6) continue; // not the keyword: no end of line follows
    const dataEnd = b.indexOf('endstream', dataStart, 'latin1');
    if (dataEnd < 0) return undefined;
    const dictStart = Math.max(previousEnd, b.lastIndexOf('endobj', keyword, 'latin1'));
    spans.push({ dictStart, keyword, dataStart, dataEnd });
    pos = previousEnd = dataEnd + 9;
  }
}

/**
 * Object streams (PDF 1.5+) hold compressed dictionaries, where a JavaScript action can hide from a
 * plain scan. They are recognised by `/Type /ObjStm`, or by `/N` with `/First` because viewers find
 * them through the cross-reference stream whatever their type says; each is inflated and its names
 * read. An object stream we cannot read (another filter, a predictor) is refused as malformed rather
 * than let through unread.
 */
function inspectObjectStreams(bytes: Buffer, streams: readonly StreamSpan[]): PdfVerdict {
  let budget = INFLATE_BUDGET;
  for (const span of streams) {
    const dict = new Set(namesIn(bytes.toString('latin1', span.dictStart, span.keyword)));
    if (!dict.has('ObjStm') && !(dict.has('N') && dict.has('First'))) continue;
    if (dict.has('DecodeParms') || dict.has('DP') || [...dict].some((n) => OTHER_FILTERS.has(n))) return 'malformed';
    const raw = bytes.subarray(span.dataStart, span.dataEnd);
    let content: string;
    if (![...dict].some((n) => FLATE.has(n))) {
      content = latin1(raw);
    } else {
      try {
        const inflated = inflateSync(raw, { maxOutputLength: Math.max(1, budget) });
        budget -= inflated.length;
        content = inflated.toString('latin1');
      } catch {
        return 'malformed';
      }
    }
    for (const name of namesIn(content)) {
      if (name === 'Encrypt') return 'DOCUMENT.PDF_ENCRYPTED';
      if (CODE_NAMES.has(name)) return 'DOCUMENT.PDF_JAVASCRIPT';
    }
  }
  return 'ok';
}
