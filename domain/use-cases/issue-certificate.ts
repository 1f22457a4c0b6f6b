import { randomUUID } from 'node:crypto';
import { ok, refuse, type Params, type Result } from '../shared/result.ts';
import { personActor } from '../audit/audit-event.ts';
import { isCaseId } from '../requests/case-id.ts';
import type { CertificateAuthority, IssuedCertificate } from '../ports/certificate-authority.ts';
import { lifecycles } from './lifecycle-for.ts';
import type { DeskPorts } from './desk-ports.ts';

export type IssueCode = 'ISSUE.NOT_FOUND' | 'ISSUE.NOT_APPLICANT' | 'ISSUE.NOT_READY' | 'ISSUE.AGREEMENT_REQUIRED' | 'ISSUE.CSR_REFUSED';

/**
 * The applicant's CSR goes to the CA (Pasal 16(1)-(2)). Only their public key travels: the private key
 * and passphrase never pass through ra-desk. With the sandbox CA the certificate comes back at once; the
 * request moves approved → submitted_to_ca → completed, the certificate is registered with the agreement
 * it was issued under and archived in the vault for delivery.
 */
export async function issueCertificate(
  p: DeskPorts, ca: CertificateAuthority, input: { requestId: string; personId: string; csrPem: string },
): Promise<Result<IssuedCertificate & { certificateId: string; documentId: string }, IssueCode>> {
  if (!isCaseId(input.requestId)) return refuse('ISSUE.NOT_FOUND', { requestId: '?' });
  const req = await p.cases.get(input.requestId);
  if (!req || (req.kind !== 'issuance' && req.kind !== 'renewal') || !req.certificateType) return refuse('ISSUE.NOT_FOUND', { requestId: input.requestId });
  if (req.applicant.personId !== input.personId) return refuse('ISSUE.NOT_APPLICANT', { requestId: req.id });
  if (req.status !== 'approved') return refuse('ISSUE.NOT_READY', { requestId: req.id });
  if (!req.details['agreementAcceptedAt']) return refuse('ISSUE.AGREEMENT_REQUIRED', { requestId: req.id });
  const issued = await ca.issue({
    requestId: req.id, csrPem: input.csrPem, applicantEmail: req.applicant.email, certificateType: req.certificateType,
    uses: req.uses, officialDomains: p.settings.officialDomains,
  });
  if (!issued.ok) {
    const params: Params = { ...issued.params, requestId: req.id, reason: issued.code };
    return refuse('ISSUE.CSR_REFUSED', params);
  }
  const cert = issued.value;
  const lifecycle = lifecycles[req.kind];
  const at = p.clock.now().toISOString();
  return p.uow.run(async (tx) => {
    const submitted = lifecycle.next(req.status, 'submit_to_ca');
    const done = submitted.ok ? lifecycle.next(submitted.value, 'issue') : submitted;
    if (!done.ok || !(await p.cases.change(req.id, req.version, { status: done.value, updatedAt: at }, tx))) return refuse('ISSUE.NOT_READY', { requestId: req.id });
    const certificateId = randomUUID();
    await p.certificates.create({
      id: certificateId, requestId: req.id, ownerPersonId: input.personId, serial: cert.serial, issuer: cert.issuer,
      fingerprint: cert.fingerprint, notBefore: cert.notBefore, notAfter: cert.notAfter, state: 'active',
      agreementAcceptedAt: req.details['agreementAcceptedAt'] ?? null, agreementHash: req.details['agreementSha256'] ?? null,
      deliveredAt: null, receiptConfirmedAt: null,
    }, tx);
    const file = await p.vault.store({ requestId: req.id, kind: 'certificate', bytes: Buffer.from(cert.pem + cert.chainPem, 'utf8'), mediaType: 'application/x-pem-file' }, tx);
    await p.audit.append({ actor: personActor(input.personId), action: 'certificate.issue', subject: req.id, outcome: 'issued', evidence: [file.sha256] }, tx);
    return ok({ ...cert, certificateId, documentId: file.id });
  });
}

export type ReceiptCode = 'RECEIPT.NOT_FOUND' | 'RECEIPT.NOT_OWNER' | 'RECEIPT.NOT_DELIVERED' | 'RECEIPT.ALREADY';

/** The channel handed the certificate over (Pasal 16(6)): the delivery milestone. */
export async function recordCertificateDelivery(p: DeskPorts, requestId: string): Promise<boolean> {
  return p.uow.run(async (tx) => {
    const cert = await p.certificates.findByRequest(requestId, tx);
    if (!cert) return false;
    const set = await p.certificates.setMilestone(cert.id, 'deliveredAt', p.clock.now().toISOString(), tx);
    if (set) await p.audit.append({ actor: personActor(cert.ownerPersonId), action: 'certificate.deliver', subject: requestId, outcome: 'delivered' }, tx);
    return set;
  });
}

/**
 * "Sudah saya terima": the owner confirms receipt (Pasal 16(6)); a receipt document is archived in the
 * vault and its hash audited.
 */
export async function confirmReceipt(p: DeskPorts, input: { requestId: string; personId: string; receiptText: string }): Promise<Result<{ at: string }, ReceiptCode>> {
  if (!isCaseId(input.requestId)) return refuse('RECEIPT.NOT_FOUND', { requestId: '?' });
  return p.uow.run(async (tx) => {
    const cert = await p.certificates.findByRequest(input.requestId, tx);
    if (!cert) return refuse('RECEIPT.NOT_FOUND', { requestId: input.requestId });
    if (cert.ownerPersonId !== input.personId) return refuse('RECEIPT.NOT_OWNER', { requestId: input.requestId });
    if (!cert.deliveredAt) return refuse('RECEIPT.NOT_DELIVERED', { requestId: input.requestId });
    const at = p.clock.now().toISOString();
    if (!(await p.certificates.setMilestone(cert.id, 'receiptConfirmedAt', at, tx))) return refuse('RECEIPT.ALREADY', { requestId: input.requestId });
    const receipt = await p.vault.store({ requestId: input.requestId, kind: 'receipt', bytes: Buffer.from(input.receiptText, 'utf8'), mediaType: 'text/plain' }, tx);
    await p.audit.append({ actor: personActor(input.personId), action: 'certificate.receipt', subject: input.requestId, outcome: 'confirmed', evidence: [receipt.sha256] }, tx);
    return ok({ at });
  });
}
