import type { RevocationGround } from '../../domain/revocation/revocation-grounds.ts';
import { foldText, unquotedLines } from './strip-quoted.ts';

/** What a renewal or revocation mail names: which certificate, and why it is to be revoked. */
export interface CertificateRequestFields {
  /** Hex digits as written, upper-cased, without colons and spaces; null when not given. */
  readonly serial: string | null;
  /** Null when no reason is recognised. */
  readonly ground: RevocationGround | null;
  /** The reason as written (whitespace collapsed, at most 300 characters), kept as the owner's note. */
  readonly reason: string | null;
}

const SERIAL_LABELS = new Set(['nomorseri', 'noseri', 'seri', 'serial', 'serialnumber', 'nomorserisertifikat', 'noserisertifikat', 'serialsertifikat']);
const REASON_LABELS = new Set(['alasan', 'alasanpencabutan', 'sebab', 'reason', 'keterangan']);

/**
 * Words that name a ground, checked in this order, so "hilang dan bocor" reads as a compromised key (the
 * graver case, an incident under Pasal 24(3)b) and "lupa passphrase" as a key that cannot be used.
 */
const GROUND_WORDS: ReadonlyArray<readonly [RegExp, RevocationGround]> = [
  [/\b(bocor|diketahui orang lain|kompromi|disalahgunakan|dicuri|compromised?|stolen)\b/, 'key_compromise'],
  [/\b(hilang|kehilangan|lost)\b/, 'lost'],
  [/\b(rusak|corrupt(ed)?|damaged)\b/, 'damaged'],
  [/\b(tidak (dapat|bisa) diakses|lupa (passphrase|pin|kata sandi)|terkunci|inaccessible|locked)\b/, 'inaccessible'],
  [/\b(mutasi|pensiun|pindah tugas|berhenti|diberhentikan|meninggal|retired?|moved)\b/, 'moved_retired'],
  [/\b(perubahan data|ganti nama|perubahan nama|perubahan jabatan|ganti jabatan|data berubah)\b/, 'data_changed'],
];

const HEAD_MAX = 80;
const VALUE_MAX = 300;
/** Only the head of a long body is searched for reason words; a reason is written near the top. */
const SCAN_MAX = 4_000;

const labelKey = (s: string): string => foldText(s).replace(/[^a-z]+/g, '');

function groundIn(text: string): RevocationGround | null {
  const folded = foldText(text.slice(0, SCAN_MAX)).replace(/\s+/g, ' ');
  for (const [re, ground] of GROUND_WORDS) if (re.test(folded)) return ground;
  return null;
}

/**
 * Reads "Nomor seri: 4F:1A:9C…" and "Alasan: kunci hilang" from a renewal or revocation mail (any case,
 * `:` or `=`, quoted text ignored); without an "Alasan" line the subject and the head of the body are
 * searched for reason words. Never throws; bounded work per line.
 *
 * @example
 * parseCertificateFields('Pencabutan sertifikat', 'Nomor seri: 4f:1a:9c\nAlasan: token hilang di jalan');
 * // { serial: '4F1A9C', ground: 'lost', reason: 'token hilang di jalan' }
 */
export function parseCertificateFields(subject: string, body: string): CertificateRequestFields {
  let serial: string | null = null;
  let reason: string | null = null;
  const lines = unquotedLines(body);
  for (const line of lines) {
    const head = line.slice(0, HEAD_MAX);
    const sep = head.search(/[:=：]/u);
    if (sep <= 0) continue;
    const key = labelKey(head.slice(0, sep));
    const value = line.slice(sep + 1, sep + 1 + VALUE_MAX).replace(/\s+/g, ' ').trim();
    if (serial === null && SERIAL_LABELS.has(key)) {
      const hex = value.replace(/[\s:.-]/g, '').toUpperCase();
      if (/^[0-9A-F]{1,64}$/.test(hex)) serial = hex;
    } else if (reason === null && REASON_LABELS.has(key) && value !== '') {
      reason = value;
    }
    if (serial !== null && reason !== null) break;
  }
  const ground = (reason !== null ? groundIn(reason) : null) ?? groundIn(`${subject}\n${lines.join('\n')}`);
  return { serial, ground, reason };
}
