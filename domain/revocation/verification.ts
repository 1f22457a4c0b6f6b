import type { DocumentKind } from '../documents/document-kind.ts';
import type { CheckResult } from '../requests/case-record.ts';
import type { CertificateRecord } from '../ports/certificates.ts';
import { needsLossEvidence, type RevocationGround } from './revocation-grounds.ts';

export interface RevocationFacts {
  readonly ground: RevocationGround;
  /** The certificate named in the request, as the register holds it. */
  readonly certificate: CertificateRecord | null;
  /** The roster person asking; null when the RA itself asks (18(1)). */
  readonly askingPersonId: string | null;
  readonly documents: readonly { readonly kind: DocumentKind }[];
}

const pass = (rule: CheckResult['rule']): CheckResult => ({ rule, pass: true, code: 'VERIFY.OK', params: {} });

/**
 * The items of a revocation request (Pasal 18). The certificate must be active and, when a person asks,
 * theirs; for a lost, damaged or inaccessible key the two documents of 18(3) are required. Grounds
 * without those documents list only the ownership item, so an officer reads nothing that does not apply.
 */
export function verifyRevocation(f: RevocationFacts): CheckResult[] {
  const checks: CheckResult[] = [];
  const cert = f.certificate;
  if (!cert) checks.push({ rule: 'certificate_owner', pass: false, code: 'REVOKE.CERTIFICATE_UNKNOWN', params: {} });
  else if (f.askingPersonId !== null && cert.ownerPersonId !== f.askingPersonId) checks.push({ rule: 'certificate_owner', pass: false, code: 'REVOKE.NOT_OWNER', params: {} });
  else if (cert.state !== 'active') checks.push({ rule: 'certificate_owner', pass: false, code: 'REVOKE.NOT_ACTIVE', params: { serial: cert.serial } });
  else checks.push(pass('certificate_owner'));
  if (needsLossEvidence(f.ground)) {
    const has = (kind: DocumentKind) => f.documents.some((d) => d.kind === kind);
    checks.push(has('police_report') ? pass('police_report') : { rule: 'police_report', pass: false, code: 'VERIFY.POLICE_REPORT_MISSING', params: {} });
    checks.push(has('owner_statement') ? pass('owner_statement') : { rule: 'owner_statement', pass: false, code: 'VERIFY.OWNER_STATEMENT_MISSING', params: {} });
  }
  return checks;
}
