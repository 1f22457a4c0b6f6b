import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import type { ReplyContext } from '../../domain/ports/notifier.ts';
import { SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { isTicketKind } from '../../domain/requests/case-kind.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { supplementApplication } from '../../domain/use-cases/supplement-application.ts';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import { followUpTicket } from '../../domain/use-cases/follow-up-ticket.ts';
import { limitSubject, takeAllowance } from '../../domain/use-cases/take-allowance.ts';
import { acceptAgreement } from '../../domain/use-cases/accept-agreement.ts';
import { supplementRevocation } from '../../domain/use-cases/supplement-revocation.ts';
import { handleCertificateRequest } from './certificate-requests.ts';
import { findCsrAttachment, handleCsrReply, handleReceiptReply } from './delivery-by-mail.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import type { Templates } from '../../templates/catalog.ts';
import { detectReplyCommand } from '../understanding/reply-keywords.ts';
import type { IncomingDocument } from '../../domain/use-cases/incoming-documents.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';
import { classifyKind } from '../understanding/classify-kind.ts';
import { stripQuoted } from '../understanding/strip-quoted.ts';
import { incidentCategoryOf } from '../../domain/incident/incident-category.ts';
import { isNeedsInventoryMail } from '../understanding/needs-mail.ts';
import { findCaseId } from '../../domain/requests/case-id.ts';
import { authorityOf, handleAuthorityReply } from './authority-reply.ts';
import { submitNeeds } from '../../domain/use-cases/submit-needs.ts';
import { needsTotal } from '../../domain/needs/needs-inventory.ts';
import { createNeedsStore } from '../../storage/repositories/needs-store.ts';
import { parseApplicantFields } from '../understanding/parse-fields.ts';
import { classifyAttachment } from '../understanding/classify-attachment.ts';
import { detectAutomated, extractBouncedMessageId, isDeliveryReport } from '../understanding/automated-mail.ts';
import { evaluateSenderAuth } from '../understanding/sender-auth.ts';
import type { InboundMessage } from './inbound-message.ts';
import { findThreadCase } from './find-thread.ts';

export interface InboundPolicy {
  readonly authservId: string | null;
  readonly officialDomains: readonly string[];
  /** Our own address, to spot our mail looping back. */
  readonly ourAddress: string;
  /** SHA-256 of the subscriber agreement as the agreement mail showed it (templates/agreement.ts). */
  readonly agreementSha256: (requestId: string) => string;
  /** The CA that signs CSRs sent by mail (the sandbox); null with BSrE by hand, where BSrE takes the CSR itself. */
  readonly ca: CertificateAuthority | null;
  readonly templates: Templates;
}

export type InboundOutcomeKind = 'request' | 'supplement' | 'ticket' | 'quarantined' | 'ignored' | 'refused';

export interface InboundOutcome {
  readonly outcome: InboundOutcomeKind;
  readonly caseId: string | null;
  /** A short token for the audit row and the operator (no personal data). */
  readonly reason: string;
  readonly folder: 'processed' | 'quarantine';
}

const hashOf = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/**
 * Decides what one received message means and carries it out, inside the caller's transaction (so the
 * outcome, the dedupe row and the mailbox cursor commit together). Order matters: automated mail is
 * never answered, unauthenticated mail is never answered (no backscatter), foreign but authenticated
 * mail gets one polite pointer to the official address, and only then is the content read.
 */
export async function handleInbound(
  ports: DeskPorts, manager: EntityManager, tx: TransactionHandle, policy: InboundPolicy, msg: InboundMessage,
): Promise<InboundOutcome> {
  const evidence = [msg.sha256];
  const audit = (action: string, subject: string, outcome: string) =>
    ports.audit.append({ actor: SYSTEM_ACTOR, action, subject, outcome, evidence }, tx);
  const replyTo: ReplyContext | undefined = msg.messageId ? { messageId: msg.messageId, references: msg.references } : undefined;

  const automated = detectAutomated(msg.headers, msg.contentType, msg.returnPath, policy.ourAddress);
  if (automated.automated) {
    if (isDeliveryReport(msg.contentType)) await recordBounce(ports, manager, tx, msg);
    await audit('mail.ignore', 'mail', `automated:${automated.reason ?? 'unknown'}`.slice(0, 200).replace(/[^A-Za-z0-9_.:/-]/g, '_'));
    return { outcome: 'ignored', caseId: null, reason: 'automated', folder: 'processed' };
  }

  const auth = evaluateSenderAuth({
    from: msg.from ?? '', authResultsHeaders: [...(msg.headers.get('authentication-results') ?? [])],
    authservId: policy.authservId, officialDomains: policy.officialDomains,
  });
  if (auth.verdict === 'unauthenticated') {
    await audit('mail.quarantine', 'mail', 'unauthenticated');
    return { outcome: 'quarantined', caseId: null, reason: 'unauthenticated', folder: 'quarantine' };
  }
  const sender = msg.from!;
  // Answers from the authorities the desk wrote to (Pasal 9(7), 22(2), 24(1)) are kept with the ticket, never answered.
  const authority = authorityOf(ports, sender);
  const fromAuthority = authority === null ? null : await handleAuthorityReply(ports, manager, tx, msg, authority, auth.verdict === 'foreign_authenticated', audit);
  if (fromAuthority) return fromAuthority;
  if (auth.verdict === 'foreign_authenticated') {
    const day = ports.clock.now().toISOString().slice(0, 10);
    await ports.notifier.enqueue({
      dedupeKey: `not-official:${hashOf(sender)}:${day}`, channel: 'email', recipient: sender, template: 'not-official-address',
      model: { fromDomain: auth.fromDomain ?? '', officialDomains: policy.officialDomains }, ...(replyTo ? { replyTo } : {}),
    }, tx);
    await audit('mail.refuse', 'mail', 'not_official_address');
    return { outcome: 'refused', caseId: null, reason: 'not_official_address', folder: 'quarantine' };
  }

  const documents: IncomingDocument[] = msg.attachments.map((a) => ({ kind: classifyAttachment(a.filename) ?? 'other', filename: a.filename, bytes: a.content }));
  const fields = parseApplicantFields(msg.text);
  const threadCase = await findThreadCase(manager, msg);
  const archive = (caseId: string) => ports.vault.store({ requestId: caseId, kind: 'original_message', bytes: msg.raw, mediaType: 'message/rfc822' }, tx);

  if (threadCase) {
    const existing = await ports.cases.get(threadCase, tx);
    if (existing && existing.applicant.email !== sender) {
      await ports.notifier.enqueue({
        dedupeKey: `not-applicant:${existing.id}:${hashOf(sender)}`, channel: 'email', recipient: sender, template: 'thread-not-applicant',
        model: { requestId: existing.id }, ...(replyTo ? { replyTo } : {}),
      }, tx);
      await audit('mail.refuse', existing.id, 'not_applicant');
      return { outcome: 'refused', caseId: existing.id, reason: 'not_applicant', folder: 'quarantine' };
    }
    if (existing && existing.status === 'approved' && existing.applicant.personId && detectReplyCommand(msg.text) === 'agree') {
      // SETUJU from the applicant's own, authenticated dinas address (Pasal 16(4)-(5)).
      const r = await acceptAgreement(ports, { requestId: existing.id, personId: existing.applicant.personId, agreementSha256: policy.agreementSha256(existing.id), ca: policy.ca?.kind ?? 'bsre-manual' });
      if (r.ok) {
        await ports.notifier.enqueue({
          dedupeKey: `agreement-accepted:${existing.id}`, channel: 'email', recipient: sender, template: 'agreement-accepted',
          model: { requestId: existing.id, csrByMail: policy.ca ? 'yes' : 'no' }, caseId: existing.id, ...(replyTo ? { replyTo } : {}),
        }, tx);
      }
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason: r.ok ? 'agreement_accepted' : r.code, folder: 'processed' };
    }
    const csrPem = existing?.status === 'approved' && existing.details['agreementAcceptedAt'] && policy.ca ? findCsrAttachment(msg) : null;
    if (existing && csrPem !== null && policy.ca) {
      const reason = await handleCsrReply(ports, tx, policy.ca, policy.templates, existing, csrPem, replyTo);
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason, folder: 'processed' };
    }
    if (existing?.status === 'completed' && (existing.kind === 'issuance' || existing.kind === 'renewal') && detectReplyCommand(msg.text) === 'receipt') {
      const reason = await handleReceiptReply(ports, tx, policy.templates, existing, replyTo);
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason, folder: 'processed' };
    }
    if (existing?.kind === 'revocation' && existing.status === 'incomplete') {
      const r = await supplementRevocation(ports, { requestId: existing.id, email: sender, documents, ...(replyTo ? { replyTo } : {}) });
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason: r.ok ? r.value.status : r.code, folder: 'processed' };
    }
    if ((existing?.kind === 'issuance' || existing?.kind === 'renewal') && existing.status === 'incomplete') {
      const r = await supplementApplication(ports, { requestId: existing.id, email: sender, nik: fields.nik, nip: fields.nip, documents, ...(replyTo ? { replyTo } : {}) });
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason: r.ok ? r.value.status : r.code, folder: 'processed' };
    }
    if (existing && isTicketKind(existing.kind)) {
      // The reporter writes again on a ticket (as "ticket answered" invites): back in the queue if it was
      // answered or resolved, kept with the ticket otherwise; acknowledged once per status.
      const r = await followUpTicket(ports, tx, { ticketId: existing.id, email: sender, ...(replyTo ? { replyTo } : {}) });
      await archive(existing.id);
      return { outcome: 'supplement', caseId: existing.id, reason: r?.reopened ? 'follow_up' : 'attached', folder: 'processed' };
    }
    if (existing) {
      // A message on a request's thread that waits for nobody (under review, decided): kept with its case.
      await archive(existing.id);
      await audit('mail.attach', existing.id, existing.status);
      return { outcome: 'supplement', caseId: existing.id, reason: 'attached', folder: 'processed' };
    }
  }

  // A new request or ticket takes a token from the sender's bucket; refused, nothing is opened or stored
  // and one notice per window answers a flood (the outbox dedupe key), so it never becomes backscatter.
  const allowance = await takeAllowance(ports, 'request', limitSubject('mail', sender), tx);
  if (!allowance.ok) {
    await ports.notifier.enqueue({
      dedupeKey: `rate-limited:${hashOf(sender)}:${allowance.params['window']}`, channel: 'email', recipient: sender, template: 'rate-limited',
      model: { minutes: allowance.params['minutes'] }, ...(replyTo ? { replyTo } : {}),
    }, tx);
    return { outcome: 'refused', caseId: null, reason: 'rate_limited', folder: 'processed' };
  }

  if (isNeedsInventoryMail(msg.subject)) return handleNeedsMail(ports, manager, tx, msg, sender, replyTo);
  const kind = classifyKind(msg.subject, msg.text);
  if (kind.kind === 'issuance') {
    const r = await submitApplication(ports, {
      channel: 'email', email: sender, nik: fields.nik, nip: fields.nip, name: fields.name,
      // An unrecognised type or use is passed on as written so it is refused, never silently defaulted.
      certificateType: fields.certificateType ?? fields.certificateTypeRaw, uses: [...fields.uses, ...fields.unknownUses], documents, ...(replyTo ? { replyTo } : {}),
    });
    if (r.ok) {
      await archive(r.value.requestId);
      return { outcome: 'request', caseId: r.value.requestId, reason: r.value.status, folder: 'processed' };
    }
    // An application we cannot even open (say, an unknown certificate type) becomes a help ticket so a person answers.
  }
  if (kind.kind === 'renewal' || kind.kind === 'revocation') {
    const r = await handleCertificateRequest(ports, tx, kind.kind, sender, msg, { documents, nik: fields.nik, replyTo });
    if (r.caseId) await archive(r.caseId);
    return r;
  }
  const ticketKind = isTicketKind(kind.kind) ? kind.kind : 'help';
  const t = await openTicket(ports, {
    kind: ticketKind, channel: 'email', email: sender, subject: msg.subject,
    unclassified: kind.fallback, ...(replyTo ? { replyTo } : {}),
    // Pasal 24(3): the category the sender's own words suggest (quoted text is ours); officers confirm it.
    ...(ticketKind === 'incident' ? { category: incidentCategoryOf(`${msg.subject}\n${stripQuoted(msg.text)}`) } : {}),
    // Pasal 9(7): a complaint naming one of the sender's own decided requests in its body is about the officer who decided it.
    ...(ticketKind === 'complaint' && findCaseId(stripQuoted(msg.text)) ? { aboutRequestId: findCaseId(stripQuoted(msg.text))! } : {}),
  });
  if (!t.ok) throw new Error('openTicket cannot refuse');
  await archive(t.value.ticketId);
  return { outcome: 'ticket', caseId: t.value.ticketId, reason: kind.kind, folder: 'processed' };
}

/** A bounce marks the mail it reports as failed and tells the officers on duty (RFC 3464). */
async function recordBounce(ports: DeskPorts, manager: EntityManager, tx: TransactionHandle, msg: InboundMessage): Promise<void> {
  const bounced = extractBouncedMessageId(msg.raw.toString('utf8'));
  if (!bounced) return;
  const row = await manager.getRepository(OutboxSchema).findOneBy({ messageId: bounced });
  if (!row) return;
  await manager.getRepository(OutboxSchema).update({ id: row.id }, { status: 'failed', lastError: 'bounced' });
  for (const officer of (await ports.officers.list()).filter((o) => o.active && o.role !== 'agency_admin')) {
    await ports.notifier.enqueue({
      dedupeKey: `bounce:${row.id}:${officer.telegramId}`, channel: 'telegram', recipient: officer.telegramId,
      template: 'officer-mail-bounced', model: { caseId: row.caseId ?? '', template: row.template }, ...(row.caseId ? { caseId: row.caseId } : {}),
    }, tx);
  }
}

/**
 * A needs inventory by mail (Pasal 10(2)-(3)) from an agency admin's authenticated dinas address: recorded
 * for their own agency, or refused with the reason; either way the sender gets one reply.
 */
async function handleNeedsMail(
  ports: DeskPorts, manager: EntityManager, tx: TransactionHandle, msg: InboundMessage, sender: string, replyTo: ReplyContext | undefined,
): Promise<InboundOutcome> {
  const r = await submitNeeds(ports, createNeedsStore(manager.connection), { email: sender }, stripQuoted(msg.text));
  const model = r.ok
    ? { outcome: 'recorded', agency: r.value.agency, year: String(r.value.year), individual: String(r.value.counts.individual), position: String(r.value.counts.position), system: String(r.value.counts.system), total: String(needsTotal(r.value.counts)) }
    : { outcome: 'refused', code: r.code, params: r.params };
  await ports.notifier.enqueue({
    dedupeKey: `needs:${msg.sha256}`, channel: 'email', recipient: sender, template: 'needs-received', model, ...(replyTo ? { replyTo } : {}),
  }, tx);
  return { outcome: 'request', caseId: null, reason: r.ok ? 'needs_inventory' : r.code, folder: 'processed' };
}
