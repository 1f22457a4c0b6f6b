import { ok, refuse, type Result } from '../shared/result.ts';
import type { Channel } from '../requests/case-kind.ts';
import type { CaseRecord, CheckResult } from '../requests/case-record.ts';
import type { ReplyContext } from '../ports/notifier.ts';
import type { RosterPerson } from '../roster/roster-person.ts';
import type { RuleCode } from '../issuance/verification-rules.ts';
import { allPass, verifyIssuance } from '../issuance/verification.ts';
import { personActor } from '../audit/audit-event.ts';
import { sortIncomingDocuments, type IncomingDocument, type RefusedDocument } from './incoming-documents.ts';
import { gatherIdentityFacts } from './identity-facts.ts';
import type { DeskPorts } from './desk-ports.ts';
import { requestsAboutCertificate } from './requests-about-certificate.ts';
import { isInProgress } from '../requests/request-status.ts';

export interface RenewalInput {
  readonly channel: Channel;
  /** The owner, proven by the channel (bound Telegram account or verified dinas address). */
  readonly personId: string;
  readonly certificateId: string;
  /** Needed only when the owner's data changed since the certificate was issued. */
  readonly nik?: string | null;
  readonly documents?: readonly IncomingDocument[];
  readonly telegramChatId?: string;
  readonly replyTo?: ReplyContext;
  readonly acknowledge?: boolean;
}

export interface RenewalOutcome {
  readonly requestId: string;
  readonly status: 'incomplete' | 'pending_review';
  readonly checks: readonly CheckResult[];
  readonly refusedDocuments: readonly RefusedDocument[];
  /** True when name, address, agency or position changed: the full issuance items then apply. */
  readonly dataChanged: boolean;
  readonly serial: string;
}

export type RenewalCode =
  | 'RENEW.NOT_ON_ROSTER' | 'RENEW.CERTIFICATE_UNKNOWN' | 'RENEW.NOT_OWNER' | 'RENEW.NOT_ACTIVE' | 'RENEW.EXPIRED'
  | 'RENEW.ALREADY_REQUESTED' | 'RENEW.ALREADY_RENEWED' | 'RENEW.RESTRICTED';

/** Items that still apply when nothing about the owner changed: they are still ASN, at the same address. */
const UNCHANGED_ITEMS: readonly RuleCode[] = ['official_email', 'roster'];

/**
 * A renewal (pembaruan, Pasal 17): only the owner, before the certificate expires (an expired one needs a
 * new application). The new request names the certificate it renews, keeps its type and uses, and runs
 * the same verification where the data changed: when the roster shows another name, address, agency or
 * position than the certificate was issued for, the letters, the e-KTP scan and the NIK are asked again.
 * When nothing changed, identity was proven at issuance and is proven again by the channel, so only
 * roster membership and the dinas address are checked.
 */
export async function requestRenewal(p: DeskPorts, input: RenewalInput): Promise<Result<RenewalOutcome, RenewalCode>> {
  const person = await p.roster.findByPersonId(input.personId);
  if (!person) return refuse('RENEW.NOT_ON_ROSTER');
  if (await p.restrictions.isRestricted(person.personId)) return refuse('RENEW.RESTRICTED');
  const cert = await p.certificates.get(input.certificateId);
  if (!cert) return refuse('RENEW.CERTIFICATE_UNKNOWN');
  if (cert.ownerPersonId !== person.personId) return refuse('RENEW.NOT_OWNER');
  if (cert.state !== 'active') return refuse('RENEW.NOT_ACTIVE', { serial: cert.serial });
  const now = p.clock.now();
  if (new Date(cert.notAfter) <= now) return refuse('RENEW.EXPIRED', { serial: cert.serial, notAfter: cert.notAfter.slice(0, 10) });
  const original = await p.cases.get(cert.requestId);
  if (!original?.certificateType) return refuse('RENEW.CERTIFICATE_UNKNOWN');
  const earlier = await renewalState(p, person.nip, cert.id);
  if (earlier === 'open') return refuse('RENEW.ALREADY_REQUESTED', { serial: cert.serial });
  if (earlier === 'done') return refuse('RENEW.ALREADY_RENEWED', { serial: cert.serial });

  const dataChanged = changedSince(original, person);
  const { accepted, refused: refusedDocuments } = sortIncomingDocuments(input.documents ?? [], p.settings.maxFileBytes);
  const nik = input.nik?.replace(/\s+/g, '') || null;
  const facts = dataChanged
    ? await gatherIdentityFacts(p, { email: person.email, nik, nip: person.nip })
    // Nothing changed: the NIK on file was matched at issuance, and the channel proved who is asking.
    : { rosterEntry: person, nikLookup: person.nikLookup, outsiderPermitted: false };
  const at = now.toISOString();

  const outcome = await p.uow.run(async (tx) => {
    const requestId = await p.cases.nextId('renewal', now.getUTCFullYear(), tx);
    const stored = await Promise.all(accepted.map((doc) => p.vault.store({ requestId, kind: doc.kind, bytes: doc.bytes, mediaType: doc.mediaType }, tx)));
    const all = verifyIssuance({ email: person.email, nik, nip: person.nip, documents: stored, ...facts, officialDomains: p.settings.officialDomains });
    const checks = dataChanged ? all : all.filter((c) => UNCHANGED_ITEMS.includes(c.rule as RuleCode));
    const status = allPass(checks) ? 'pending_review' as const : 'incomplete' as const;
    await p.cases.create({
      id: requestId, kind: 'renewal', status, channel: input.channel,
      applicant: { personId: person.personId, nip: person.nip, email: person.email, name: person.name },
      applicantNik: dataChanged ? nik : null, certificateType: original.certificateType, uses: original.uses,
      details: {
        renewsCertificateId: cert.id, renewsSerial: cert.serial, dataChanged: dataChanged ? 'yes' : 'no',
        rosterAgency: person.agency, rosterPosition: person.position,
        ...(input.telegramChatId ? { telegramChatId: input.telegramChatId } : {}),
      },
      checks, reviewRound: status === 'pending_review' ? 1 : 0, createdAt: at,
    }, tx);
    await p.audit.append({ actor: personActor(person.personId), action: 'request.create', subject: requestId, outcome: status, evidence: stored.map((d) => d.sha256) }, tx);
    const missing = checks.filter((c) => !c.pass).map((c) => ({ rule: c.rule, code: c.code, params: c.params }));
    if (input.acknowledge !== false) await p.notifier.enqueue({
      dedupeKey: `received:${requestId}`, channel: input.channel,
      recipient: input.channel === 'telegram' && input.telegramChatId ? input.telegramChatId : person.email,
      template: status === 'pending_review' ? 'application-received' : 'application-incomplete',
      model: { requestId, missing, refusedDocuments }, caseId: requestId, ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    return { requestId, status, checks, refusedDocuments, dataChanged, serial: cert.serial };
  });
  return ok(outcome);
}

/** What the certificate says about its owner, compared with the roster today. */
function changedSince(original: CaseRecord, person: RosterPerson): boolean {
  const was = original.details;
  return original.applicant.email !== person.email || original.applicant.name !== person.name
    || (was['rosterAgency'] !== undefined && was['rosterAgency'] !== person.agency)
    || (was['rosterPosition'] !== undefined && was['rosterPosition'] !== person.position);
}

/** Whether this certificate already has a renewal under way or done (a rejected one leaves the duty open). */
async function renewalState(p: DeskPorts, nip: string | null, certificateId: string): Promise<'none' | 'open' | 'done'> {
  const mine = await requestsAboutCertificate(p, 'renewal', nip, certificateId);
  if (mine.some((c) => isInProgress(c.status))) return 'open';
  return mine.some((c) => c.status === 'completed') ? 'done' : 'none';
}
