import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkFileType, DOCUMENT_CODES, type MediaType } from '../../../domain/documents/file-type.ts';
import { createTemplates } from '../../../templates/catalog.ts';
import { pdfStream, tinyJpeg, tinyPdf, tinyPng } from '../../support/sample-files.ts';

const MB = 1024 * 1024;
const limits = { maxBytes: 10 * MB };

/** Random bytes without `/`, so chance can neither make nor break a name in the tests that use them. */
const noise = (n: number): Buffer => Buffer.from(randomBytes(n).map((b) => (b === 0x2f ? 0x30 : b)));

/** An object stream holding `objects` (numbered from 10), deflated unless a filter is given. */
function objectStream(objects: readonly string[], dict = '/Type /ObjStm', filter = '/Filter /FlateDecode'): Buffer {
  let offset = 0;
  const header = objects.map((o, i) => { const pair = `${10 + i} ${offset}`; offset += o.length + 1; return pair; }).join(' ') + '\n';
  const body = Buffer.from(header + objects.join('\n'), 'latin1');
  const data = filter.includes('FlateDecode') ? deflateSync(body) : body;
  return pdfStream(`${dict} /N ${objects.length} /First ${header.length} ${filter}`, data);
}

const withoutEof = (pdf: Buffer): Buffer => {
  const at = pdf.lastIndexOf('%%EOF');
  return Buffer.concat([pdf.subarray(0, at), pdf.subarray(at + 5)]);
};

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly code: string;
  readonly params?: Record<string, string | number>;
  readonly allowed?: readonly MediaType[];
}

const refused: Case[] = [
  { name: 'an empty file', bytes: new Uint8Array(0), code: 'DOCUMENT.EMPTY' },
  { name: 'a renamed Windows executable', bytes: Buffer.concat([Buffer.from('MZ\x90\0\x03\0\0\0', 'latin1'), Buffer.alloc(200)]), code: 'DOCUMENT.UNSUPPORTED_TYPE', params: { allowed: 'JPG, PNG, PDF' } },
  { name: 'a ZIP archive', bytes: Buffer.concat([Buffer.from('PK\x03\x04\x14\0\0\0', 'latin1'), noise(300)]), code: 'DOCUMENT.UNSUPPORTED_TYPE' },
  { name: 'an HTML page', bytes: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), code: 'DOCUMENT.UNSUPPORTED_TYPE' },
  { name: 'a JPEG cut before its end marker', bytes: tinyJpeg().subarray(0, tinyJpeg().length - 2), code: 'DOCUMENT.MALFORMED', params: { type: 'JPG' } },
  { name: 'a JPEG cut inside its headers', bytes: tinyJpeg().subarray(0, 40), code: 'DOCUMENT.MALFORMED', params: { type: 'JPG' } },
  { name: 'a JPEG header with nothing after it', bytes: Buffer.of(0xff, 0xd8, 0xff, 0xd9), code: 'DOCUMENT.MALFORMED', params: { type: 'JPG' } },
  { name: 'a PNG without IEND', bytes: tinyPng({ omitEnd: true }), code: 'DOCUMENT.MALFORMED', params: { type: 'PNG' } },
  { name: 'a PNG cut inside a chunk', bytes: tinyPng().subarray(0, 40), code: 'DOCUMENT.MALFORMED', params: { type: 'PNG' } },
  { name: 'a PDF without %%EOF', bytes: withoutEof(tinyPdf()), code: 'DOCUMENT.MALFORMED', params: { type: 'PDF' } },
  { name: 'a PDF without startxref', bytes: Buffer.from(tinyPdf().toString('latin1').replace('startxref', 'xxxxxxxxx'), 'latin1'), code: 'DOCUMENT.MALFORMED' },
  { name: 'a PDF header with no objects', bytes: Buffer.from('%PDF-1.7\nstartxref\n0\n%%EOF\n'), code: 'DOCUMENT.MALFORMED' },
  { name: 'a PDF of an unknown version', bytes: tinyPdf({ version: '3.0' }), code: 'DOCUMENT.MALFORMED' },
  { name: 'a PDF whose stream never ends', bytes: tinyPdf({ objects: [Buffer.from('<< /Length 5 >>\nstream\nabcde\n')] }), code: 'DOCUMENT.MALFORMED' },
  { name: 'an encrypted PDF', bytes: tinyPdf({ objects: ['<< /Filter /Standard /V 2 /R 3 /Length 128 /O (x) /U (y) /P -4 >>'], trailer: '/Encrypt 5 0 R' }), code: 'DOCUMENT.PDF_ENCRYPTED' },
  { name: 'a PDF with a JavaScript action', bytes: tinyPdf({ catalog: '/OpenAction 5 0 R', objects: ['<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>'] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF with /J#61vaScript', bytes: tinyPdf({ catalog: '/OpenAction 5 0 R', objects: ['<< /S /J#61vaScript /J#53 (app.alert(1)) >>'] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF with only a /JS entry', bytes: tinyPdf({ objects: ['<< /JS 6 0 R >>'] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF with a Launch action', bytes: tinyPdf({ catalog: '/OpenAction 5 0 R', objects: ['<< /S /Launch /F (cmd.exe) >>'] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF hiding JavaScript in a compressed object stream', bytes: tinyPdf({ objects: [objectStream(['<< /S /JavaScript /JS (app.alert(1)) >>'])] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF hiding JavaScript in an object stream without /Type', bytes: tinyPdf({ objects: [objectStream(['<< /S /J#61vaScript /JS (x) >>'], '')] }), code: 'DOCUMENT.PDF_JAVASCRIPT' },
  { name: 'a PDF with an object stream it cannot read', bytes: tinyPdf({ objects: [objectStream(['<< /A 1 >>'], '/Type /ObjStm', '/Filter /ASCIIHexDecode')] }), code: 'DOCUMENT.MALFORMED' },
  { name: 'a PDF with a corrupt compressed object stream', bytes: tinyPdf({ objects: [pdfStream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', noise(64))] }), code: 'DOCUMENT.MALFORMED' },
  { name: 'a file over the size limit', bytes: tinyJpeg({ trailing: Buffer.alloc(10 * MB) }), code: 'DOCUMENT.TOO_LARGE', params: { maxMb: 10, sizeMb: 10.1 } },
  { name: 'a PNG where only PDF is allowed', bytes: tinyPng(), allowed: ['application/pdf'], code: 'DOCUMENT.TYPE_NOT_ALLOWED', params: { type: 'PNG', allowed: 'PDF' } },
];

const accepted: { name: string; bytes: Uint8Array; mediaType: MediaType }[] = [
  { name: 'a minimal JPEG', bytes: tinyJpeg(), mediaType: 'image/jpeg' },
  { name: 'a JPEG with bytes after its end (phone thumbnails, motion photos)', bytes: tinyJpeg({ comment: Buffer.from('scan'), trailing: noise(1000) }), mediaType: 'image/jpeg' },
  { name: 'a minimal PNG', bytes: tinyPng({ text: Buffer.from('e-KTP') }), mediaType: 'image/png' },
  { name: 'a minimal PDF', bytes: tinyPdf(), mediaType: 'application/pdf' },
  { name: 'a PDF 2.0', bytes: tinyPdf({ version: '2.0' }), mediaType: 'application/pdf' },
  { name: 'a PDF with a harmless compressed object stream', bytes: tinyPdf({ objects: [objectStream(['<< /Type /Annot /Subtype /Text >>', '[1 2 3]'])] }), mediaType: 'application/pdf' },
  {
    name: 'a PDF whose image data happens to contain the bytes "/JS "',
    bytes: tinyPdf({ objects: [pdfStream('/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /DCTDecode', Buffer.concat([noise(500), Buffer.from('/JS '), noise(500)]))] }),
    mediaType: 'application/pdf',
  },
];

describe('checkFileType', () => {
  it.each(refused)('refuses $name', ({ bytes, code, params, allowed }) => {
    const r = checkFileType(bytes, limits, allowed);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    if (params) expect(r.params).toMatchObject(params);
  });

  it.each(accepted)('accepts $name', ({ bytes, mediaType }) => {
    expect(checkFileType(bytes, limits)).toEqual({ ok: true, value: { mediaType } });
  });

  it('judges by bytes, whatever the type is called: a PDF is a PDF even where only JPG is allowed', () => {
    const r = checkFileType(tinyPdf(), limits, ['image/jpeg']);
    expect(r).toMatchObject({ ok: false, code: 'DOCUMENT.TYPE_NOT_ALLOWED', params: { type: 'PDF', allowed: 'JPG' } });
  });

  it('reads a 25 MB scanned PDF in well under a second', () => {
    const big = tinyPdf({ objects: [pdfStream('/Type /XObject /Subtype /Image /Filter /DCTDecode', randomBytes(25 * MB - 2000))] });
    const started = performance.now();
    const r = checkFileType(big, { maxBytes: 26 * MB });
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(true);
    expect(elapsed).toBeLessThan(1500);
  });

  it('has an Indonesian message for every refusal, rendered with its params', () => {
    const t = createTemplates('id');
    const sample = { maxMb: 10, sizeMb: 12.5, type: 'PDF', allowed: 'JPG, PNG, PDF' };
    for (const code of DOCUMENT_CODES) {
      expect(t.has(code), code).toBe(true);
      expect(t.message(code, sample)).not.toMatch(/{{|undefined/);
    }
  });
});
