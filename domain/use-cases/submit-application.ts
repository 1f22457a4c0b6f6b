import { ok, refuse, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import { sortIncomingDocuments, type IncomingDocument, type RefusedDocument } from './incoming-documents.ts';
import { allowedUses, defaultUses, isCertificateType, isCertificateUse, type CertificateType, type CertificateUse } from '../certificates/certificate.ts';
import type { Channel } from '../requests/case-kind.ts';
import type { CheckResult } from '../requests/case-record.ts';
import { allPass, verifyIssuance } from '../issuance/verification.ts';
import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';
import { gatherIdentityFacts, matchedPerson } from './identity-facts.ts';

export type { IncomingDocument, RefusedDocument } from './incoming-documents.ts';
import type { ReplyContext } from '../ports/notifier.ts';

export interface ApplicationInput {
  readonly channel: Channel;
  readonly email: string;
  readonly nik: string | null;
  readonly nip: string | null;
  readonly name: string | null;
  readonly certificateType: string | null;
  readonly uses: readonly string[];
  readonly documents: readonly IncomingDocument[];
  /** Where bot replies go, for applications made in Telegram. */
  readonly telegramChatId?: string;
  /** The incoming mail this answers, so the acknowledgement threads under it. */
  readonly replyTo?: ReplyContext;
  /** False when the channel answers on the spot (the bot): no queued acknowledgement then. */
  readonly acknowledge?: boolean;
}

export interface ApplicationOutcome {
  readonly requestId: string;
  readonly status: 'incomplete' | 'pending_review';
  readonly checks: readonly CheckResult[];
  readonly refusedDocuments: readonly RefusedDocument[];
}

export type ApplicationCode = 'APPLY.BAD_CERTIFICATE_TYPE' | 'APPLY.BAD_USE' | 'APPLY.USE_NOT_FOR_TYPE' | 'APPLY.EMAIL_MISSING' | 'APPLY.RESTRICTED';

/**
 * An issuance application (Pasal 15), the one use case behind the bot's "Ajukan sertifikat" and the
 * mail handler. Files are checked by their bytes and stored encrypted; every verification item is run
 * and recorded. A complete application waits for an officer (`pending_review`); an incomplete one is
 * kept (`incomplete`) so the applicant only sends what is missing. Nothing the applicant sent is lost:
 * a refused file is reported back by name, the rest is stored.
 */
export async function submitApplication(p: DeskPorts, input: ApplicationInput): Promise<Result<ApplicationOutcome, ApplicationCode>> {
  const email = normaliseEmail(input.email);
  if (!email) return refuse('APPLY.EMAIL_MISSING');
  const typeText = (input.certificateType ?? 'individual').trim().toLowerCase();
  if (!isCertificateType(typeText)) return refuse('APPLY.BAD_CERTIFICATE_TYPE', { given: typeText.slice(0, 20) });
  const certificateType: CertificateType = typeText;
  const badUse = input.uses.find((u) => !isCertificateUse(u));
  if (badUse !== undefined) return refuse('APPLY.BAD_USE', { given: badUse.slice(0, 20) });
  const uses: CertificateUse[] = input.uses.length > 0 ? [...new Set(input.uses as CertificateUse[])] : defaultUses(certificateType);
  if (uses.some((u) => !allowedUses(certificateType).includes(u))) return refuse('APPLY.USE_NOT_FOR_TYPE');

  const { accepted, refused: refusedDocuments } = sortIncomingDocuments(input.documents, p.settings.maxFileBytes);

  const nip = input.nip?.replace(/\s+/g, '') || null;
  const nik = input.nik?.replace(/\s+/g, '') || null;
  const facts = await gatherIdentityFacts(p, { email, nik, nip });
  // The person this application names restricted processing of their data (UU 27/2022 Pasal 11, 41):
  // nothing is stored, nothing is checked, until they lift it.
  if (facts.rosterEntry && await p.restrictions.isRestricted(facts.rosterEntry.personId)) return refuse('APPLY.RESTRICTED');
  const now = p.clock.now();
  const at = now.toISOString();

  const outcome = await p.uow.run(async (tx) => {
    const requestId = await p.cases.nextId('issuance', now.getUTCFullYear(), tx);
    // Files are written concurrently: each waits on its own fsync, and the rows join the same transaction.
    const stored = await Promise.all(accepted.map((doc) => p.vault.store({ requestId, kind: doc.kind, bytes: doc.bytes, mediaType: doc.mediaType }, tx)));
    const checks = verifyIssuance({
      email, nik, nip, documents: stored, ...facts, officialDomains: p.settings.officialDomains,
    });
    const status = allPass(checks) ? 'pending_review' as const : 'incomplete' as const;
    const person = matchedPerson(facts, checks);
    await p.cases.create({
      id: requestId, kind: 'issuance', status, channel: input.channel,
      applicant: { personId: person?.personId ?? null, nip, email, name: person?.name ?? (input.name?.trim() || email) },
      applicantNik: nik, certificateType, uses,
      // What the certificate will say about the person's post, so a renewal can tell whether it changed (Pasal 17).
      details: {
        ...(input.telegramChatId ? { telegramChatId: input.telegramChatId } : {}),
        ...(person ? { rosterAgency: person.agency, rosterPosition: person.position } : {}),
      },
      checks, reviewRound: status === 'pending_review' ? 1 : 0, createdAt: at,
    }, tx);
    await p.audit.append({
      actor: person ? personActor(person.personId) : SYSTEM_ACTOR,
      action: 'request.create', subject: requestId, outcome: status, evidence: stored.map((d) => d.sha256),
    }, tx);
    const missing = checks.filter((c) => !c.pass).map((c) => ({ rule: c.rule, code: c.code, params: c.params }));
    if (input.acknowledge !== false) await p.notifier.enqueue({
      dedupeKey: `received:${requestId}`,
      channel: input.channel,
      recipient: input.channel === 'telegram' && input.telegramChatId ? input.telegramChatId : email,
      template: status === 'pending_review' ? 'application-received' : 'application-incomplete',
      model: { requestId, missing, refusedDocuments },
      caseId: requestId,
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    return { requestId, status, checks, refusedDocuments };
  });
  return ok(outcome);
}
