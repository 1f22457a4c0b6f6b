/**
 * What kind of security incident (Pasal 24(3)): a key pair or certificate lost, damaged or inaccessible
 * (24(3)a); a problem of authentication, authenticity or non-repudiation (24(3)b); or another event of
 * Pasal 24(2). Kept in the ticket's `details.category`.
 */
export const INCIDENT_CATEGORIES = ['key_lost_damaged', 'authenticity', 'other'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export const isIncidentCategory = (s: string): s is IncidentCategory => (INCIDENT_CATEGORIES as readonly string[]).includes(s);

/** Whole words, lower case, without diacritics; affixed Indonesian forms listed because nothing stems. */
const WORDS: Readonly<Record<Exclude<IncidentCategory, 'other'>, readonly string[]>> = {
  key_lost_damaged: [
    'hilang', 'kehilangan', 'dicuri', 'tercuri', 'rusak', 'kerusakan', 'terhapus', 'lupa', 'terkunci', 'terblokir', 'diblokir',
    'lost', 'stolen', 'damaged', 'broken', 'deleted', 'locked',
  ],
  authenticity: [
    'diretas', 'dibobol', 'bocor', 'kebocoran', 'disalahgunakan', 'penyalahgunaan', 'palsu', 'dipalsukan', 'pemalsuan',
    'menyangkal', 'penyangkalan', 'sangkal', 'keaslian', 'otentikasi', 'autentikasi',
    'hacked', 'compromised', 'leak', 'leaked', 'forged', 'fake', 'repudiation', 'authenticity', 'authentication',
  ],
};

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();

/**
 * The category a report's own words suggest, for the officer to confirm or change. A compromise
 * (authenticity) outranks a loss: a key that is both lost and used by someone else is the graver report.
 *
 * @example
 * incidentCategoryOf('Token saya hilang');               // 'key_lost_damaged'
 * incidentCategoryOf('Dokumen ditandatangani orang lain dengan sertifikat saya, dipalsukan'); // 'authenticity'
 */
export function incidentCategoryOf(text: string): IncidentCategory {
  const words = new Set(fold(text).match(/[\p{L}\p{N}]+/gu) ?? []);
  // "Signed without my consent" (tanpa izin / tanpa sepengetahuan saya) is a non-repudiation problem too.
  if (WORDS.authenticity.some((w) => words.has(w)) || /\btanpa (?:izin|sepengetahuan)\b/.test(fold(text))) return 'authenticity';
  if (WORDS.key_lost_damaged.some((w) => words.has(w))) return 'key_lost_damaged';
  return 'other';
}
