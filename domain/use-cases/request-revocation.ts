import { ok, refuse, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import type { Channel } from '../requests/case-kind.ts';
import type { CheckResult } from '../requests/case-record.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import type { CertificateRecord } from '../ports/certificates.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import { personActor, type Actor } from '../audit/audit-event.ts';
import { allPass } from '../issuance/verification.ts';
import { isIncidentGround, isRevocationGround, needsLossEvidence, rfcReasonFor, type RevocationGround } from '../revocation/revocation-grounds.ts';
import { verifyRevocation } from '../revocation/verification.ts';
import { sortIncomingDocuments, type IncomingDocument, type RefusedDocument } from './incoming-documents.ts';
import { createTicket } from './open-ticket.ts';
import type { DeskPorts } from './desk-ports.ts';
import { requestsAboutCertificate } from './requests-about-certificate.ts';
import { isInProgress } from '../requests/request-status.ts';

export interface RevocationInput {
  readonly channel: Channel;
  /** The owner asking, proven by the channel (bound Telegram account or verified dinas address). */
  readonly personId: string;
  readonly certificateId: string;
  readonly ground: string;
  /** A short explanation in the owner's words (required for `other`). */
  readonly note?: string;
  readonly documents: readonly IncomingDocument[];
  readonly telegramChatId?: string;
  readonly replyTo?: ReplyContext;
  /** False when the channel answers on the spot (the bot). */
  readonly acknowledge?: boolean;
  /** Who asked when it is not the owner: the RA itself (Pasal 18(1)), e.g. after a roster change. */
  readonly askedBy?: Actor;
}

export interface RevocationOutcome {
  readonly requestId: string;
  readonly status: 'incomplete' | 'pending_review';
  readonly checks: readonly CheckResult[];
  readonly refusedDocuments: readonly RefusedDocument[];
  /** The incident ticket a lost, damaged, inaccessible or compromised key also is (Pasal 24(3)). */
  readonly incidentId: string | null;
  readonly serial: string;
}

export type RevocationCode =
  | 'REVOKE.BAD_GROUND' | 'REVOKE.NOTE_REQUIRED' | 'REVOKE.CERTIFICATE_UNKNOWN' | 'REVOKE.NOT_OWNER' | 'REVOKE.NOT_ACTIVE'
  | 'REVOKE.ALREADY_REQUESTED' | 'REVOKE.NOT_ON_ROSTER' | 'REVOKE.RESTRICTED';


/**
 * A revocation request (Pasal 18), behind the bot's "Cabut", the mail handler and the RA's own requests.
 * Only the owner may ask for their certificate, unless the RA asks (18(1)). For a lost, damaged or
 * inaccessible key the report to the authorities and the owner's statement are required (18(3)): without
 * them the request waits `incomplete`; and such a loss, like a compromised key, is also opened as an
 * incident ticket in the same transaction (24(3)). An officer then approves and the desk forwards it.
 */
export async function requestRevocation(p: DeskPorts, input: RevocationInput): Promise<Result<RevocationOutcome, RevocationCode>> {
  const ground = input.ground.trim().toLowerCase();
  if (!isRevocationGround(ground)) return refuse('REVOKE.BAD_GROUND', { given: ground.slice(0, 20) });
  const note = (input.note ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
  if (ground === 'other' && !note) return refuse('REVOKE.NOTE_REQUIRED');
  const person = await p.roster.findByPersonId(input.personId);
  if (!person) return refuse('REVOKE.NOT_ON_ROSTER');
  // The owner restricted processing (UU 27/2022 Pasal 11): their own request waits until they lift it;
  // a revocation the RA itself asks for (Pasal 18(1)) is a duty of the RA and goes on.
  if (!input.askedBy && await p.restrictions.isRestricted(person.personId)) return refuse('REVOKE.RESTRICTED');
  const certificate = await p.certificates.get(input.certificateId);
  const refusal = refuseCertificate(certificate, input.askedBy ? null : input.personId);
  if (refusal) return refusal;
  const cert = certificate!;
  if ((await requestsAboutCertificate(p, 'revocation', person.nip, cert.id)).some((c) => isInProgress(c.status))) return refuse('REVOKE.ALREADY_REQUESTED', { serial: cert.serial });

  const { accepted, refused: refusedDocuments } = sortIncomingDocuments(input.documents, p.settings.maxFileBytes);
  const email = normaliseEmail(person.email);
  const now = p.clock.now();
  const at = now.toISOString();
  const actor = input.askedBy ?? personActor(person.personId);

  const outcome = await p.uow.run(async (tx) => {
    const requestId = await p.cases.nextId('revocation', now.getUTCFullYear(), tx);
    const stored = await Promise.all(accepted.map((doc) => p.vault.store({ requestId, kind: doc.kind, bytes: doc.bytes, mediaType: doc.mediaType }, tx)));
    const checks = verifyRevocation({ ground, certificate: cert, askingPersonId: input.askedBy ? null : person.personId, documents: stored });
    const status = allPass(checks) ? 'pending_review' as const : 'incomplete' as const;
    const incidentId = isIncidentGround(ground) ? await openLossIncident(p, tx, { input, ground, requestId, cert, email }, person) : null;
    await p.cases.create({
      id: requestId, kind: 'revocation', status, channel: input.channel,
      applicant: { personId: person.personId, nip: person.nip, email, name: person.name },
      applicantNik: null, certificateType: null, uses: [],
      details: {
        ground, rfcReason: rfcReasonFor(ground), certificateId: cert.id, serial: cert.serial,
        ...(note ? { note } : {}), ...(incidentId ? { incidentId } : {}), ...(input.askedBy ? { askedBy: input.askedBy } : {}),
        ...(input.telegramChatId ? { telegramChatId: input.telegramChatId } : {}),
      },
      checks, reviewRound: status === 'pending_review' ? 1 : 0, createdAt: at,
    }, tx);
    await p.audit.append({ actor, action: 'request.create', subject: requestId, outcome: `${status}:${ground}`, evidence: stored.map((d) => d.sha256) }, tx);
    if (input.acknowledge !== false) await p.notifier.enqueue({
      dedupeKey: `received:${requestId}`, channel: input.channel,
      recipient: input.channel === 'telegram' && input.telegramChatId ? input.telegramChatId : email,
      template: 'revocation-received',
      model: {
        requestId, serial: cert.serial, ground, incidentId: incidentId ?? '', reapply: needsLossEvidence(ground) ? 'yes' : 'no',
        missing: checks.filter((c) => !c.pass).map((c) => ({ rule: c.rule, code: c.code, params: c.params })), refusedDocuments,
      },
      caseId: requestId, ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    return { requestId, status, checks, refusedDocuments, incidentId, serial: cert.serial };
  });
  return ok(outcome);
}

function refuseCertificate(cert: CertificateRecord | null, ownerPersonId: string | null): Result<never, RevocationCode> | null {
  if (!cert) return refuse('REVOKE.CERTIFICATE_UNKNOWN');
  if (ownerPersonId !== null && cert.ownerPersonId !== ownerPersonId) return refuse('REVOKE.NOT_OWNER');
  if (cert.state !== 'active') return refuse('REVOKE.NOT_ACTIVE', { serial: cert.serial });
  return null;
}

async function openLossIncident(
  p: DeskPorts, tx: TransactionHandle,
  c: { input: RevocationInput; ground: RevocationGround; requestId: string; cert: CertificateRecord; email: string },
  person: Parameters<typeof createTicket>[3],
): Promise<string> {
  return createTicket(p, tx, {
    kind: 'incident', channel: c.input.channel, email: c.email, subject: `revocation:${c.ground} ${c.requestId} serial ${c.cert.serial}`,
    acknowledge: false, details: { category: c.ground === 'key_compromise' ? 'authenticity' : 'key_lost_damaged', revocationId: c.requestId },
    ...(c.input.telegramChatId ? { telegramChatId: c.input.telegramChatId } : {}),
  }, person);
}
