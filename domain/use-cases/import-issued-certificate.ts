import { randomUUID } from 'node:crypto';
import { ok, refuse, type Result } from '../shared/result.ts';
import { officerActor } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import { isCaseId } from '../requests/case-id.ts';
import { replyRecipient } from '../requests/reply-recipient.ts';
import type { CaseRecord } from '../requests/case-record.ts';
import { stepKey } from '../certificates/bsre-steps.ts';
import type { CertificateVerifier, ReceivedCertificate } from '../ports/certificate-verifier.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { DeskPorts } from './desk-ports.ts';

/** Every refusal of an import; each has an Indonesian message (templates/id/messages/bsre.json). */
export const IMPORT_CODES = [
  'CERTIMPORT.NOT_AN_OFFICER', 'CERTIMPORT.OWN_REQUEST', 'CERTIMPORT.NOT_FOUND', 'CERTIMPORT.NOT_WAITING', 'CERTIMPORT.UNREADABLE',
  'CERTIMPORT.IS_CA', 'CERTIMPORT.NOT_APPLICANT', 'CERTIMPORT.NOT_YET_VALID', 'CERTIMPORT.EXPIRED',
  'CERTIMPORT.NO_ROOTS', 'CERTIMPORT.ISSUER_UNKNOWN', 'CERTIMPORT.SIGNATURE_INVALID', 'CERTIMPORT.PRIVATE_KEY',
] as const;
export type ImportCode = (typeof IMPORT_CODES)[number];

/** A file with key material in it is refused outright: a private key never passes through ra-desk (Pasal 20). */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

export interface ImportOutcome {
  readonly requestId: string;
  readonly certificateId: string;
  readonly serial: string;
  readonly issuer: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** How the certificate was matched to the applicant (Pasal 16(4)). */
  readonly matchedBy: 'email' | 'nik';
}

/**
 * BSrE by hand: the officer hands in the certificate BSrE issued (PEM, DER or a PKCS#7 chain) for an
 * issuance or renewal waiting at BSrE (`submitted_to_ca`). It is taken only when it is the applicant's
 * and valid: an end-entity certificate (not a CA), naming the applicant's dinas address (subject e-mail
 * or rfc822Name SAN) or carrying their NIK (subject serialNumber, compared by keyed hash), valid now,
 * and chaining to a configured BSrE root (`RA_CA_ROOTS`). Any failure is refused with the reason and
 * nothing is written.
 *
 * On success, in one transaction: the certificate is registered (serial, issuer, fingerprint, validity —
 * non-personal fields only; a renewal stays linked through its request's `renewsCertificateId`), the file
 * itself goes to the vault (it may carry a NIK), the request is completed, the import audited (no NIK,
 * no address) and the certificate queued for the applicant on their channel (`certificate-issued`, which
 * names the vault file: the outbox never holds the certificate in clear). Its delivery is recorded when
 * the channel hands it over (Pasal 16(6)). The private key and passphrase never pass through ra-desk.
 */
export async function importIssuedCertificate(
  p: DeskPorts, verifier: CertificateVerifier, input: { requestId: string; officerTelegramId: string; bytes: Uint8Array },
): Promise<Result<ImportOutcome, ImportCode>> {
  const officer = await p.officers.findByTelegramId(input.officerTelegramId);
  if (!officer || !canDecide(officer)) return refuse('CERTIMPORT.NOT_AN_OFFICER');
  if (!isCaseId(input.requestId)) return refuse('CERTIMPORT.NOT_FOUND', { requestId: '?' });
  const req = await p.cases.get(input.requestId);
  if (!req || (req.kind !== 'issuance' && req.kind !== 'renewal') || !req.applicant.personId) return refuse('CERTIMPORT.NOT_FOUND', { requestId: input.requestId });
  // As with decisions (Pasal 15(4)): an officer does not handle their own certificate.
  if (req.applicant.personId === officer.personId || (req.applicant.nip !== null && req.applicant.nip === officer.nip)) return refuse('CERTIMPORT.OWN_REQUEST', { requestId: req.id });
  if (req.status !== 'submitted_to_ca') return refuse('CERTIMPORT.NOT_WAITING', { requestId: req.id, status: req.status });

  if (PRIVATE_KEY_PEM.test(Buffer.from(input.bytes).toString('latin1'))) return refuse('CERTIMPORT.PRIVATE_KEY', { requestId: req.id });
  const read = await verifier.inspect(input.bytes);
  if (!read.ok) return refuse('CERTIMPORT.UNREADABLE', { requestId: req.id, reason: read.code });
  const cert = read.value;
  const facts = { requestId: req.id, serial: cert.serial };
  if (cert.isCa) return refuse('CERTIMPORT.IS_CA', facts);
  const matchedBy = await matchApplicant(p, req, cert);
  // Neither the addresses nor the NIK found go into the refusal: params carry no personal data.
  if (!matchedBy) return refuse('CERTIMPORT.NOT_APPLICANT', facts);
  const now = p.clock.now();
  if (now < new Date(cert.notBefore)) return refuse('CERTIMPORT.NOT_YET_VALID', { ...facts, notBefore: cert.notBefore });
  if (now >= new Date(cert.notAfter)) return refuse('CERTIMPORT.EXPIRED', { ...facts, notAfter: cert.notAfter });
  if (cert.chain !== 'trusted') {
    const code = cert.chain === 'no_roots' ? 'CERTIMPORT.NO_ROOTS' : cert.chain === 'signature_invalid' ? 'CERTIMPORT.SIGNATURE_INVALID' : 'CERTIMPORT.ISSUER_UNKNOWN';
    return refuse(code, { ...facts, issuer: cert.issuer });
  }

  const at = now.toISOString();
  const done = lifecycles[req.kind].next(req.status, 'issue');
  if (!done.ok) return refuse('CERTIMPORT.NOT_WAITING', { requestId: req.id, status: req.status });
  const certificateId = randomUUID();
  const owner = req.applicant.personId;
  return p.uow.run(async (tx) => {
    const details = { ...req.details, certificateId, [stepKey('issued')]: req.details[stepKey('issued')] ?? at };
    if (!(await p.cases.change(req.id, req.version, { status: done.value, details, updatedAt: at }, tx))) {
      const again = await p.cases.get(req.id, tx);
      return refuse('CERTIMPORT.NOT_WAITING', { requestId: req.id, status: again?.status ?? req.status });
    }
    await p.certificates.create({
      id: certificateId, requestId: req.id, ownerPersonId: owner, serial: cert.serial, issuer: cert.issuer,
      fingerprint: cert.fingerprint, notBefore: cert.notBefore, notAfter: cert.notAfter, state: 'active',
      agreementAcceptedAt: req.details['agreementAcceptedAt'] ?? null, agreementHash: req.details['agreementSha256'] ?? null,
      deliveredAt: null, receiptConfirmedAt: null,
    }, tx);
    const file = await p.vault.store({ requestId: req.id, kind: 'certificate', bytes: Buffer.from(cert.pem, 'utf8'), mediaType: 'application/x-pem-file' }, tx);
    await p.audit.append({ actor: officerActor(officer.telegramId), action: 'certificate.import', subject: req.id, outcome: `issued:${matchedBy}`, evidence: [file.sha256, cert.fingerprint] }, tx);
    await p.notifier.enqueue({
      dedupeKey: `certificate:${req.id}`, channel: req.channel, recipient: replyRecipient(req), template: 'certificate-issued',
      model: {
        requestId: req.id, serial: cert.serial, notAfter: cert.notAfter, fingerprint: cert.fingerprint, name: req.applicant.name,
        certificateDocumentId: file.id,
      },
      caseId: req.id,
    }, tx);
    return ok({ requestId: req.id, certificateId, serial: cert.serial, issuer: cert.issuer, fingerprint: cert.fingerprint, notBefore: cert.notBefore, notAfter: cert.notAfter, matchedBy });
  });
}

/**
 * Pasal 16(4): the certificate names the applicant by their dinas address, or carries their NIK. NIKs are
 * compared by keyed hash against the roster's (or, for a person off the roster, the NIK they gave).
 */
async function matchApplicant(p: DeskPorts, req: CaseRecord, cert: ReceivedCertificate): Promise<'email' | 'nik' | null> {
  if (cert.emails.includes(req.applicant.email.trim().toLowerCase())) return 'email';
  if (cert.nikCandidates.length === 0) return null;
  const person = req.applicant.personId ? await p.roster.findByPersonId(req.applicant.personId) : null;
  let expected = person?.nikLookup ?? null;
  if (!expected) {
    const given = await p.cases.applicantNik(req.id);
    expected = given ? p.hasher.nikLookup(given) : null;
  }
  if (!expected) return null;
  return cert.nikCandidates.some((nik) => p.hasher.nikLookup(nik) === expected) ? 'nik' : null;
}

/**
 * The certificate file a `certificate-issued` message names, for the channel that sends it: the outbox
 * keeps only the vault id, so a certificate carrying a NIK is never stored in clear. Null when the model
 * names no vault file (the sandbox puts its PEM, which carries no NIK, in the model itself).
 */
export async function certificateForDelivery(p: DeskPorts, caseId: string, model: Readonly<Record<string, unknown>>): Promise<string | null> {
  const documentId = model['certificateDocumentId'];
  if (typeof documentId !== 'string' || !isCaseId(caseId)) return null;
  return Buffer.from(await p.vault.read(documentId, caseId)).toString('utf8');
}
