import { foldText } from './strip-quoted.ts';

/**
 * A needs inventory sent by mail (Pasal 10(2)-(3)): the subject names it ("Identifikasi kebutuhan
 * sertifikat elektronik", "Kebutuhan sertifikat Dinas Kesehatan 2026"). The body carries the counts:
 *
 *   Individu: 10
 *   Jabatan: 2
 *   Sistem elektronik: 1
 *
 * @example
 * isNeedsInventoryMail('Identifikasi Kebutuhan Sertifikat Elektronik 2026'); // true
 * isNeedsInventoryMail('Kendala kebutuhan tanda tangan');                  // false
 */
export function isNeedsInventoryMail(subject: string): boolean {
  const words = new Set(foldText(subject).match(/[\p{L}\p{N}]+/gu) ?? []);
  return words.has('kebutuhan') && (words.has('sertifikat') || words.has('identifikasi'));
}
