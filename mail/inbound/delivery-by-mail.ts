import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import type { ReplyContext } from '../../domain/ports/notifier.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import type { CaseRecord } from '../../domain/requests/case-record.ts';
import { confirmReceipt, issueCertificate } from '../../domain/use-cases/issue-certificate.ts';
import type { Templates } from '../../templates/catalog.ts';
import { receiptText } from '../../templates/receipt.ts';
import type { InboundMessage } from './inbound-message.ts';

/** A CSR is about a kilobyte; anything far larger is not one (storage/ca/csr-file.ts bounds it too). */
const CSR_MAX_BYTES = 64 * 1024;
const CSR_PEM = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----/;

/** The attachment that holds the applicant's PKCS#10 request: by name (.csr, .p10, .req) or by its PEM header. */
export function findCsrAttachment(msg: InboundMessage): string | null {
  for (const a of msg.attachments) {
    if (a.content.length > CSR_MAX_BYTES) continue;
    const text = a.content.toString('latin1');
    if (CSR_PEM.test(text) || /\.(csr|p10|req)$/i.test(a.filename)) return text;
  }
  return CSR_PEM.test(msg.text) && msg.text.length <= CSR_MAX_BYTES ? msg.text : null;
}

/**
 * The applicant, after SETUJU, replies with their CSR (Pasal 16(1)-(2): only the public key travels; the
 * private key and passphrase never do). The CA issues and the certificate goes back by mail, asking for
 * TERIMA; a refused CSR is answered with the reason. The outbox, not this function, records delivery once
 * the mail is handed to the mail server.
 */
export async function handleCsrReply(
  ports: DeskPorts, tx: TransactionHandle, ca: CertificateAuthority, t: Templates, req: CaseRecord, csrPem: string, replyTo: ReplyContext | undefined,
): Promise<string> {
  const thread = replyTo ? { replyTo } : {};
  const r = await issueCertificate(ports, ca, { requestId: req.id, personId: req.applicant.personId ?? '', csrPem });
  if (!r.ok) {
    const reason = typeof r.params['reason'] === 'string' && t.has(r.params['reason']) ? r.params['reason'] : r.code;
    await ports.notifier.enqueue({
      dedupeKey: `csr-refused:${req.id}:${ports.clock.now().toISOString()}`, channel: 'email', recipient: req.applicant.email,
      template: 'csr-refused', model: { requestId: req.id, code: reason, params: r.params }, caseId: req.id, ...thread,
    }, tx);
    return r.code;
  }
  await ports.notifier.enqueue({
    dedupeKey: `certificate:${req.id}`, channel: 'email', recipient: req.applicant.email, template: 'certificate-issued',
    model: {
      requestId: req.id, serial: r.value.serial, notAfter: r.value.notAfter, fingerprint: r.value.fingerprint,
      // The file itself is read from the vault when the mail is sent (cli/mail-app.ts), never kept in the outbox.
      certificateDocumentId: r.value.documentId, name: req.applicant.name,
    },
    caseId: req.id, ...thread,
  }, tx);
  return 'issued';
}

/** TERIMA from the owner's verified address (Pasal 16(6)): the receipt is archived and confirmed by mail. */
export async function handleReceiptReply(
  ports: DeskPorts, tx: TransactionHandle, t: Templates, req: CaseRecord, replyTo: ReplyContext | undefined,
): Promise<string> {
  const cert = await ports.certificates.findByRequest(req.id);
  const person = req.applicant.personId ? await ports.roster.findByPersonId(req.applicant.personId) : null;
  const at = ports.clock.now().toISOString();
  const text = receiptText(t, { requestId: req.id, certificate: cert, name: person?.name ?? req.applicant.name, nip: person?.nip ?? null, at, channel: 'E-mail' });
  const r = await confirmReceipt(ports, { requestId: req.id, personId: req.applicant.personId ?? '', receiptText: text });
  if (!r.ok) return r.code;
  await ports.notifier.enqueue({
    dedupeKey: `receipt:${req.id}`, channel: 'email', recipient: req.applicant.email, template: 'receipt-confirmed',
    model: { requestId: req.id, at: r.value.at }, caseId: req.id, ...(replyTo ? { replyTo } : {}),
  }, tx);
  return 'receipt_confirmed';
}
