import type { CertificateType, CertificateUse } from '../../domain/certificates/certificate.ts';
import { foldText, unquotedLines } from './strip-quoted.ts';

/**
 * What an applicant typed into the body of an application mail. Nothing here is validated: the NIK and
 * NIP checks (Pasal 9(2)a) and the type and use rules (Pasal 12, 13(5)) live in the domain and explain
 * their refusals; this module only finds the values.
 */
export interface ApplicantFields {
  /** Digits as written, without spaces, dots and dashes; null when the label is missing or empty. */
  readonly nik: string | null;
  readonly nip: string | null;
  readonly name: string | null;
  /** Null when missing, unrecognised or ambiguous ("individu/jabatan"); `certificateTypeRaw` says which. */
  readonly certificateType: CertificateType | null;
  /** The value as written (whitespace collapsed), so an officer or a reply can quote it back. */
  readonly certificateTypeRaw: string | null;
  /** Recognised uses, in the order written, without repeats. */
  readonly uses: CertificateUse[];
  /** Items of the `Penggunaan` list that name no known use, as written. */
  readonly unknownUses: string[];
}

type Field = 'nik' | 'nip' | 'name' | 'type' | 'uses';

/**
 * Labels, reduced to their letters ("N.I.K." → "nik", "Nama Lengkap (sesuai KTP)" → "namalengkap").
 * Exact keys, never prefixes: "Nama Atasan", "Nama Jabatan" and "Jenis Kelamin" must not be read as the
 * applicant's name or certificate type.
 */
const LABELS: ReadonlyMap<string, Field> = new Map<string, Field>([
  ...['nik', 'nonik', 'nomornik', 'noktp', 'nomorktp', 'nikktp', 'nikektp', 'nomorindukkependudukan'].map((k) => [k, 'nik'] as const),
  ...['nip', 'nipbaru', 'nonip', 'nomornip', 'nomorindukpegawai'].map((k) => [k, 'nip'] as const),
  ...['nama', 'namalengkap', 'namapemohon', 'namalengkappemohon', 'namadangelar', 'namalengkapdangelar', 'name', 'fullname']
    .map((k) => [k, 'name'] as const),
  ...['jenis', 'jenissertifikat', 'jenissertifikatelektronik', 'tipe', 'tipesertifikat', 'type', 'certificatetype']
    .map((k) => [k, 'type'] as const),
  ...['penggunaan', 'penggunaansertifikat', 'kegunaan', 'kegunaansertifikat', 'peruntukan', 'usage', 'uses', 'use', 'keyusage']
    .map((k) => [k, 'uses'] as const),
]);

/** Pasal 12: individu; jabatan/wewenang/organisasi; sistem elektronik. Matched word by word. */
const TYPE_WORDS: ReadonlyMap<string, CertificateType> = new Map<string, CertificateType>([
  ...['individu', 'individual', 'perorangan', 'personal'].map((w) => [w, 'individual'] as const),
  ...['jabatan', 'wewenang', 'organisasi', 'position', 'organisation', 'organization'].map((w) => [w, 'position'] as const),
  ...['sistem', 'system', 'server'].map((w) => [w, 'system'] as const),
]);

/** Words that qualify a use without changing it: "perlindungan e-mail" is the e-mail use. */
const USE_FILLER = new Set([
  'perlindungan', 'proteksi', 'pengamanan', 'enkripsi', 'keamanan', 'protection', 'secure', 'security', 'encryption',
  'elektronik', 'digital', 'electronic', 'untuk', 'for', 'sertifikat', 'certificate',
]);

/** Pasal 13(5), keyed by the item's remaining words run together ("tanda tangan" → "tandatangan"). */
const USE_OF: ReadonlyMap<string, CertificateUse> = new Map<string, CertificateUse>([
  ...['tandatangan', 'ttd', 'tte', 'ttde', 'signature', 'esignature', 'signing', 'penandatanganan', 'tandatangandokumen',
    'penandatanganandokumen', 'documentsigning'].map((w) => [w, 'signature'] as const),
  ...['email', 'surel', 'surat', 'mail', 'emailsigning'].map((w) => [w, 'email'] as const),
  ...['dokumen', 'document', 'documents'].map((w) => [w, 'document'] as const),
  ...['sslserver', 'server', 'ssl', 'tlsserver', 'serverssl', 'webserver'].map((w) => [w, 'ssl_server'] as const),
  ...['sslclient', 'client', 'klien', 'sslklien', 'tlsclient', 'clientssl', 'klienssl'].map((w) => [w, 'ssl_client'] as const),
]);

/**
 * Only a line's head can hold a label, and only a value's head is read: every per-line step is bounded,
 * so the whole parse is one pass over the body whatever it contains (a 5 MB line, a million labels).
 */
const HEAD_MAX = 120;
const LABEL_KEY_MAX = 40;
const VALUE_MAX = 300;
const TEXT_MAX = 150;
/** A label alone on its line takes its value from the next non-blank line, no further. */
const NEXT_LINE_LOOKAHEAD = 3;
/** `Penggunaan:` followed by a bulleted list reads at most this many items. */
const LIST_ITEMS_MAX = 10;

const LEADING_BULLET = /^\s*(?:[-*•·+]+\s*)?/u;
const LEADING_ENUMERATION = /^\s*\(?(?:\d{1,3}|[a-z])[.)]\s+/i;
const BULLET_ITEM = /^\s*(?:[-*•·+]|\(?(?:\d{1,3}|[a-z])[.)]\s)/iu;

/** Folds a label to its letters, dropping parenthesised remarks ("(sesuai KTP)"). */
function labelKey(text: string): string {
  const bare = text.replace(/\([^()]*\)?/g, ' ');
  // Most labels are ASCII; folding (Unicode normalisation) is by far the dearest step, so skip it for them.
  return (/[^\t -~]/.test(bare) ? foldText(bare) : bare.toLowerCase()).replace(/[^a-z]+/g, '');
}

function fieldOfLabel(text: string): Field | undefined {
  const candidates = [text.replace(LEADING_BULLET, ''), text.replace(LEADING_ENUMERATION, '')];
  for (const candidate of candidates) {
    const key = labelKey(candidate);
    if (key.length === 0 || key.length > LABEL_KEY_MAX) continue;
    const field = LABELS.get(key);
    if (field) return field;
  }
  return undefined;
}

interface Labelled {
  readonly field: Field;
  /** The rest of the line after the label and its separator, at most VALUE_MAX characters. */
  readonly value: string;
}

/**
 * Reads "Label : value", "label=value", "N.I.K.: value", and for the number fields also "NIP. 1985…" and
 * "NIK 6171…" (no separator, the value starts at the first digit).
 */
function readLabel(line: string): Labelled | null {
  const head = line.slice(0, HEAD_MAX);
  const sep = head.search(/[:=：]/u);
  if (sep > 0) {
    const field = fieldOfLabel(head.slice(0, sep));
    if (field) return { field, value: line.slice(sep + 1, sep + 1 + VALUE_MAX).replace(/^[\s:=：]+/u, '') };
  }
  // "1. NIK 6171…": the numbering's digits are not the value.
  const start = LEADING_ENUMERATION.exec(head)?.[0].length ?? 0;
  const digit = start + head.slice(start).search(/\d/);
  if (digit > start && /^[\s\p{L}.()*•·-]+$/u.test(head.slice(start, digit))) {
    const field = fieldOfLabel(head.slice(0, digit));
    if (field === 'nik' || field === 'nip') return { field, value: line.slice(digit, digit + VALUE_MAX) };
  }
  return null;
}

/**
 * NIK and NIP as written, without the spaces, dots and dashes people group digits with. The number is
 * the leading run of words that hold a digit, so a remark after it ("(sesuai KTP)", ", NIP …") is left
 * out while a typo inside it ("61710112O3850003") is kept for validation to point at.
 */
function numberValue(value: string): string | null {
  const v = value.trim();
  const kept: string[] = [];
  for (const word of v.split(/\s+/)) {
    const run = /^[\p{L}\p{N}.-]*/u.exec(word)?.[0] ?? '';
    if (!/\d/.test(run)) break;
    kept.push(run);
    if (run.length !== word.length) break;
  }
  if (kept.length > 0) return kept.join('').replace(/[.-]/g, '').slice(0, 32);
  // Not a number: kept (compacted) so validation can say it is malformed instead of "missing".
  const compact = v.replace(/[\s.-]+/g, '').slice(0, 32);
  return /[\p{L}\p{N}]/u.test(compact) ? compact : null;
}

function textValue(value: string): string | null {
  const v = value.replace(/\s+/g, ' ').trim().slice(0, TEXT_MAX).trim();
  return /[\p{L}\p{N}]/u.test(v) ? v : null;
}

function typeValue(raw: string): CertificateType | null {
  const found = new Set<CertificateType>();
  for (const m of foldText(raw).matchAll(/[\p{L}\p{N}]+/gu)) {
    const type = TYPE_WORDS.get(m[0]);
    if (type) found.add(type);
  }
  // Several types named is the unfilled template ("individu/jabatan/sistem"), not a choice.
  return found.size === 1 ? ([...found][0] ?? null) : null;
}

function useValues(value: string): { uses: CertificateUse[]; unknownUses: string[] } {
  const uses: CertificateUse[] = [];
  const unknownUses: string[] = [];
  for (const item of value.split(/[,;/&+|]|\s+(?:dan|and|serta)\s+/i)) {
    const words = foldText(item).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !USE_FILLER.has(w));
    if (words.length === 0) continue;
    const use = USE_OF.get(words.join(''));
    if (use) {
      if (!uses.includes(use)) uses.push(use);
    } else {
      const written = item.replace(/\s+/g, ' ').trim().slice(0, TEXT_MAX);
      if (!unknownUses.includes(written)) unknownUses.push(written);
    }
  }
  return { uses, unknownUses };
}

/**
 * Finds the applicant's fields in a mail body, tolerant of how people type forms: any case, spaces
 * around or instead of the separator, `:` or `=`, dotted abbreviations, bullets and numbering, a
 * remark in parentheses after the label, the value on the next line. Only the first non-empty
 * occurrence of each label counts, and quoted reply text is ignored (it quotes our own mails).
 *
 * Never throws; one pass over the body with bounded work per line, so a hostile 5 MB body costs
 * what reading it costs.
 *
 * @example
 * parseApplicantFields('NIK : 6171 0112 0385 0003\nJenis Sertifikat : Individu\nPenggunaan : TTE; dokumen');
 * // { nik: '6171011203850003', certificateType: 'individual', uses: ['signature', 'document'], … }
 */
export function parseApplicantFields(body: string): ApplicantFields {
  const lines = unquotedLines(body);
  const found: Partial<Record<Field, string>> = {};
  let pending = 5;
  for (let i = 0; i < lines.length && pending > 0; i++) {
    const labelled = readLabel(lines[i] ?? '');
    if (!labelled || found[labelled.field] !== undefined) continue;
    const value = labelled.value.trim() !== '' ? labelled.value : valueBelow(lines, i, labelled.field);
    if (value.trim() === '' || !hasContent(labelled.field, value)) continue;
    found[labelled.field] = value;
    pending--;
  }
  const typeRaw = found.type === undefined ? null : textValue(found.type);
  return {
    nik: found.nik === undefined ? null : numberValue(found.nik),
    nip: found.nip === undefined ? null : numberValue(found.nip),
    name: found.name === undefined ? null : textValue(found.name),
    certificateType: typeRaw === null ? null : typeValue(typeRaw),
    certificateTypeRaw: typeRaw,
    ...(found.uses === undefined ? { uses: [], unknownUses: [] } : useValues(found.uses)),
  };
}

/** A placeholder such as "-" fills no field, so a later, filled-in occurrence can. */
function hasContent(field: Field, value: string): boolean {
  if (field === 'nik' || field === 'nip') return numberValue(value) !== null;
  return /[\p{L}\p{N}]/u.test(value);
}

/** The value of a label that ends its line: a bulleted list (uses only) or the next non-blank line. */
function valueBelow(lines: readonly string[], at: number, field: Field): string {
  let i = at + 1;
  while (i < lines.length && i <= at + NEXT_LINE_LOOKAHEAD && (lines[i] ?? '').trim() === '') i++;
  const next = lines[i];
  if (next === undefined || i > at + NEXT_LINE_LOOKAHEAD || readLabel(next)) return '';
  if (field !== 'uses' || !BULLET_ITEM.test(next.slice(0, HEAD_MAX))) return next.slice(0, VALUE_MAX);
  const items: string[] = [];
  for (let j = i; j < lines.length && items.length < LIST_ITEMS_MAX; j++) {
    const line = (lines[j] ?? '').slice(0, VALUE_MAX);
    if (!BULLET_ITEM.test(line.slice(0, HEAD_MAX)) || readLabel(line)) break;
    items.push(line.replace(BULLET_ITEM, ''));
  }
  return items.join(', ');
}
