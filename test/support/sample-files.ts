import { crc32, deflateSync } from 'node:zlib';

/**
 * Tiny but real files, built byte by byte so tests need no binary fixtures: each one opens in an
 * image viewer or PDF reader. Options add bytes (a comment, a text chunk, extra objects) so a test can
 * make every sample unique or slip in exactly the thing it wants refused.
 */

/** An 8x8 grey baseline JPEG (JFIF). `comment` goes into a COM segment; `trailing` after EOI. */
export function tinyJpeg(options: { comment?: Uint8Array; trailing?: Uint8Array } = {}): Buffer {
  const segment = (marker: number, body: Uint8Array): Buffer =>
    Buffer.concat([Buffer.of(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff), body]);
  const oneCodeTable = (tableClass: number): Buffer =>
    Buffer.of(tableClass << 4, 1, ...new Array<number>(15).fill(0), 0x00); // a single 1-bit code for symbol 0
  const parts = [
    Buffer.of(0xff, 0xd8),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...(options.comment ? [segment(0xfe, options.comment)] : []),
    segment(0xdb, Buffer.of(0x00, ...new Array<number>(64).fill(1))),
    segment(0xc0, Buffer.of(8, 0, 8, 0, 8, 1, 1, 0x11, 0)),
    segment(0xc4, oneCodeTable(0)),
    segment(0xc4, oneCodeTable(1)),
    segment(0xda, Buffer.of(1, 1, 0x00, 0, 63, 0)),
    Buffer.of(0x3f), // DC "size 0" + AC end-of-block, padded with ones
    Buffer.of(0xff, 0xd9),
    ...(options.trailing ? [Buffer.from(options.trailing)] : []),
  ];
  return Buffer.concat(parts);
}

const pngChunk = (type: string, data: Uint8Array): Buffer => {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
};

/** A 1x1 grey PNG. `text` becomes a tEXt chunk (keyword "Comment"); `omitEnd` drops IEND. */
export function tinyPng(options: { text?: Uint8Array; omitEnd?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, adaptive filter, no interlace
  return Buffer.concat([
    Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', ihdr),
    ...(options.text ? [pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), options.text]))] : []),
    pngChunk('IDAT', deflateSync(Buffer.of(0, 0x80))),
    ...(options.omitEnd ? [] : [pngChunk('IEND', new Uint8Array(0))]),
  ]);
}

export interface PdfOptions {
  /** Header version, `1.4` by default. */
  readonly version?: string;
  /** Extra entries in the catalog dictionary, e.g. `/OpenAction 4 0 R`. */
  readonly catalog?: string;
  /** Extra objects, numbered from 4 in order: a dictionary as text, or whole bytes (see `pdfStream`). */
  readonly objects?: readonly (string | Uint8Array)[];
  /** Extra entries in the trailer dictionary, e.g. `/Encrypt 5 0 R`. */
  readonly trailer?: string;
  /** Text shown on the single page (uncompressed content stream). */
  readonly text?: string;
}

/** `<< dict /Length n >> stream … endstream` as bytes, for `PdfOptions.objects`. */
export const pdfStream = (dict: string, data: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

/** A one-page A4 PDF with a correct cross-reference table. */
export function tinyPdf(options: PdfOptions = {}): Buffer {
  const content = Buffer.from(`BT /F1 12 Tf 72 770 Td (${options.text ?? 'Surat Pengantar'}) Tj ET`, 'latin1');
  const bodies: (string | Uint8Array)[] = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalog ?? ''}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>',
    pdfStream('', content),
    ...(options.objects ?? []),
  ];
  const parts: Buffer[] = [Buffer.from(`%PDF-${options.version ?? '1.4'}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.from(body), Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(offset);
    offset += part.length;
    parts.push(part);
  });
  const size = bodies.length + 1;
  const xref = `xref\n0 ${size}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${size} /Root 1 0 R ${options.trailer ?? ''}>>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}
