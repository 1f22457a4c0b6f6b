import type { DocumentKind } from '../../domain/documents/document-kind.ts';
import { foldText } from './strip-quoted.ts';

/**
 * Filename words for each kind, written without separators: the name is compacted before matching
 * ("Surat_Pengantar-Kadis.pdf" → "suratpengantarkadis"), so "e-KTP", "e_ktp", "eKTP" and "SuratPengantar"
 * all match. Compacting trades word boundaries for tolerance; these words are long or distinctive enough
 * ("ktp" occurs in no Indonesian or English word) that no real filename matches by accident.
 */
const WORDS: ReadonlyArray<readonly [string, DocumentKind]> = [
  ['pengantar', 'cover_letter'],
  ['coverletter', 'cover_letter'],
  ['rekomendasi', 'recommendation'],
  ['recommendation', 'recommendation'],
  ['ktp', 'ktp_scan'],
  ['kartutandapenduduk', 'ktp_scan'],
  ['laporanpolisi', 'police_report'],
  ['polisi', 'police_report'],
  ['kepolisian', 'police_report'],
  ['policereport', 'police_report'],
  // Surat Keterangan Tanda Lapor Kehilangan: what the police issue for a reported loss (Pasal 18(3)).
  ['sktlk', 'police_report'],
  ['tandalapor', 'police_report'],
  ['pernyataan', 'owner_statement'],
  ['statement', 'owner_statement'],
];

/**
 * "Surat keterangan" is any attestation, the police's loss report ("surat keterangan kehilangan dari
 * kepolisian") included, so it names the owner's statement only when no other word does.
 */
const WEAK_WORDS: ReadonlyArray<readonly [string, DocumentKind]> = [['suratketerangan', 'owner_statement']];

/** A filename longer than any file system allows is not a name; the bound keeps the scan trivially cheap. */
const NAME_MAX = 255;

/** The last path segment (old Outlook versions send "C:\Users\…\KTP.jpg") without its extension. */
function stem(filename: string): string {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1).slice(0, NAME_MAX);
  const dot = base.lastIndexOf('.');
  return dot >= 0 && /^[a-z0-9]{1,5}$/i.test(base.slice(dot + 1)) ? base.slice(0, dot) : base;
}

/** The earliest word of `words` in `compact`; at one position the longer word (more specific) wins. */
function firstWord(compact: string, words: ReadonlyArray<readonly [string, DocumentKind]>): DocumentKind | null {
  let best: { at: number; length: number; kind: DocumentKind } | null = null;
  for (const [word, kind] of words) {
    const at = compact.indexOf(word);
    if (at < 0) continue;
    if (best === null || at < best.at || (at === best.at && word.length > best.length)) best = { at, length: word.length, kind };
  }
  return best?.kind ?? null;
}

/**
 * Files an attachment by the words of its name (Pasal 15(2), 18(3)): case, diacritics, the separators
 * `_ - . space` and the extension do not matter. Returns `'other'` for a name with no known word, and
 * null when there is no name to read (empty, or only an extension or separators), so the caller can
 * tell an unnamed part from an unrecognised one.
 *
 * When a name holds words of several kinds, the first word wins: Indonesian puts the head noun first
 * ("Surat Rekomendasi untuk Pengantar", "Pernyataan kehilangan dan laporan polisi"), so the first word
 * names what the file is and later words name what it refers to. The name is a hint for the officer,
 * never evidence: the bytes are checked elsewhere (Pasal 15(2)d).
 *
 * @example
 * classifyAttachment('Scan e-KTP Budi.JPG');          // 'ktp_scan'
 * classifyAttachment('rekomendasi_pengantar.pdf');    // 'recommendation'
 * classifyAttachment('foto.png');                     // 'other'
 */
export function classifyAttachment(filename: string): DocumentKind | null {
  const compact = foldText(stem(filename)).replace(/[^\p{L}\p{N}]+/gu, '');
  if (compact === '') return null;
  return firstWord(compact, WORDS) ?? firstWord(compact, WEAK_WORDS) ?? 'other';
}
