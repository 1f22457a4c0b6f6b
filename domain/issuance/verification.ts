import type { Params } from '../shared/result.ts';
import { parseNik } from '../identity/nik.ts';
import { parseNip } from '../identity/nip.ts';
import { matchNikNip } from '../identity/identity-match.ts';
import { isOfficialEmail, parseEmail } from '../shared/email.ts';
import type { DocumentKind } from '../documents/document-kind.ts';
import type { RosterPerson } from '../roster/roster-person.ts';
import type { CheckResult } from '../requests/case-record.ts';
import type { RuleCode } from './verification-rules.ts';

/** Media types BSrE accepts for an e-KTP scan (Pasal 15(2)d), already confirmed by the bytes. */
const KTP_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

/** Everything verification looks at, gathered by the use case; no I/O happens here. */
export interface IssuanceFacts {
  readonly email: string;
  readonly nik: string | null;
  readonly nip: string | null;
  /** Documents already stored, each checked by its bytes on arrival. */
  readonly documents: readonly { readonly kind: DocumentKind; readonly mediaType: string }[];
  /** The roster entry found by NIP (or by e-mail for an official without NIP). */
  readonly rosterEntry: RosterPerson | null;
  /** Keyed hash of the NIK the applicant gave, comparable with `rosterEntry.nikLookup`. */
  readonly nikLookup: string | null;
  /** The Pengelola allowed this "pihak lain" (Pasal 13(1)c). */
  readonly outsiderPermitted: boolean;
  readonly officialDomains: readonly string[];
}

const pass = (rule: RuleCode): CheckResult => ({ rule, pass: true, code: 'VERIFY.OK', params: {} });
const fail = (rule: RuleCode, code: string, params: Params = {}): CheckResult => ({ rule, pass: false, code, params });

const hasDocument = (f: IssuanceFacts, kind: DocumentKind, mediaTypes?: readonly string[]): boolean =>
  f.documents.some((d) => d.kind === kind && (!mediaTypes || mediaTypes.includes(d.mediaType)));

const rules: Readonly<Record<RuleCode, (f: IssuanceFacts) => CheckResult>> = {
  cover_letter: (f) => (hasDocument(f, 'cover_letter') ? pass('cover_letter') : fail('cover_letter', 'VERIFY.COVER_LETTER_MISSING')),
  recommendation: (f) =>
    hasDocument(f, 'recommendation') ? pass('recommendation') : fail('recommendation', 'VERIFY.RECOMMENDATION_MISSING'),
  official_email: (f) => {
    const email = parseEmail(f.email);
    if (!email.ok) return fail('official_email', email.code, email.params);
    return isOfficialEmail(email.value, f.officialDomains)
      ? pass('official_email')
      : fail('official_email', 'VERIFY.EMAIL_NOT_OFFICIAL', { domains: f.officialDomains.join(', ') });
  },
  ktp_scan: (f) => (hasDocument(f, 'ktp_scan', KTP_MEDIA_TYPES) ? pass('ktp_scan') : fail('ktp_scan', 'VERIFY.KTP_SCAN_MISSING')),
  identity: (f) => {
    if (!f.nik) return fail('identity', 'VERIFY.NIK_MISSING');
    const nik = parseNik(f.nik);
    if (!nik.ok) return fail('identity', nik.code, nik.params);
    if (!f.nip) {
      // Walikota and Wakil Walikota have no NIP (Pasal 13(1)a); neither has a permitted "pihak lain".
      const noNipNeeded = f.rosterEntry?.category === 'official' || f.outsiderPermitted;
      return noNipNeeded ? pass('identity') : fail('identity', 'VERIFY.NIP_MISSING');
    }
    const nip = parseNip(f.nip);
    if (!nip.ok) return fail('identity', nip.code, nip.params);
    const match = matchNikNip(nik.value, nip.value);
    return match.ok ? pass('identity') : fail('identity', match.code, match.params);
  },
  roster: (f) => {
    const entry = f.rosterEntry;
    if (!entry) return f.outsiderPermitted ? pass('roster') : fail('roster', 'VERIFY.NOT_ON_ROSTER');
    if (!entry.active) return fail('roster', 'VERIFY.ROSTER_INACTIVE');
    if (!f.nikLookup || f.nikLookup !== entry.nikLookup) return fail('roster', 'VERIFY.ROSTER_NIK_MISMATCH');
    // Issuance is personal (Pasal 16(4)): the address asking must be the roster's own dinas address.
    if (entry.email !== f.email.trim().toLowerCase()) return fail('roster', 'VERIFY.ROSTER_EMAIL_MISMATCH');
    return pass('roster');
  },
};

/** Runs every verification item (Pasal 15(3)); the result lists each with pass/fail and why. */
export function verifyIssuance(facts: IssuanceFacts): CheckResult[] {
  return (Object.keys(rules) as RuleCode[]).map((rule) => rules[rule](facts));
}

export const allPass = (checks: readonly CheckResult[]): boolean => checks.every((c) => c.pass);

/** Every refusal code verification itself can produce (identity and e-mail codes come from their modules). */
export const VERIFICATION_CODES = [
  'VERIFY.OK', 'VERIFY.COVER_LETTER_MISSING', 'VERIFY.RECOMMENDATION_MISSING', 'VERIFY.EMAIL_NOT_OFFICIAL',
  'VERIFY.KTP_SCAN_MISSING', 'VERIFY.NIK_MISSING', 'VERIFY.NIP_MISSING', 'VERIFY.NOT_ON_ROSTER',
  'VERIFY.ROSTER_INACTIVE', 'VERIFY.ROSTER_NIK_MISMATCH', 'VERIFY.ROSTER_EMAIL_MISMATCH',
] as const;
