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

/**
 * The items of a revocation (Pasal 18): the certificate is the asker's (`certificate_owner`, 18(1)) and,
 * for a lost, damaged or inaccessible key, the report to the authorities (`police_report`) and the owner's
 * statement acknowledged by the superior (`owner_statement`, 18(3)).
 */
export const REVOCATION_RULE_CODES = ['certificate_owner', 'police_report', 'owner_statement'] as const;
export type RevocationRuleCode = (typeof REVOCATION_RULE_CODES)[number];

/** Every item any request kind checks; a renewal reuses issuance items (Pasal 17). */
export const ALL_RULE_CODES = [...RULE_CODES, ...REVOCATION_RULE_CODES] as const;
export type AnyRuleCode = RuleCode | RevocationRuleCode;
