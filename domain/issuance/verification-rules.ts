/**
 * The verification items of an issuance application, in the order an officer reads them. Each has a
 * stable code; its Indonesian explanation lives in templates/id/messages/verification.json.
 *
 * - `cover_letter`   Pasal 15(2)a  surat pengantar from the head of the applicant's agency
 * - `recommendation` Pasal 15(2)b  surat rekomendasi from the superior
 * - `official_email` Pasal 15(2)c  a dinas e-mail on the city's domain
 * - `ktp_scan`       Pasal 15(2)d  a scan of the e-KTP (image or PDF, checked by its bytes)
 * - `identity`       Pasal 9(2)a   NIK and NIP well-formed and consistent with each other
 * - `roster`         Pasal 9(2)a, 13(1)  on the ASN roster (or an official, or "pihak lain" allowed by the Pengelola)
 */
export const RULE_CODES = ['cover_letter', 'recommendation', 'official_email', 'ktp_scan', 'identity', 'roster'] as const;
export type RuleCode = (typeof RULE_CODES)[number];
export const isRuleCode = (s: string): s is RuleCode => (RULE_CODES as readonly string[]).includes(s);
