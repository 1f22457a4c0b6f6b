import { createHash } from 'node:crypto';
import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import type { ReplyContext } from '../../domain/ports/notifier.ts';
import type { CertificateRecord } from '../../domain/ports/certificates.ts';
import type { IncomingDocument } from '../../domain/use-cases/incoming-documents.ts';
import { requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { requestRevocation } from '../../domain/use-cases/request-revocation.ts';
import type { Params } from '../../domain/shared/result.ts';
import { parseCertificateFields } from '../understanding/parse-certificate-fields.ts';
import type { InboundMessage } from './inbound-message.ts';
import type { InboundOutcome } from './handle-message.ts';

const normalSerial = (s: string): string => s.toLowerCase().replace(/^0+(?=.)/, '');

/**
 * The certificate a mail is about: the one whose serial it names, or, without a serial, the sender's only
 * active certificate. Several active and no serial is ambiguous: the sender is asked to name it.
 */
function pickCertificate(mine: readonly CertificateRecord[], serial: string | null): CertificateRecord | 'ambiguous' | null {
  if (serial !== null) return mine.find((c) => normalSerial(c.serial) === normalSerial(serial)) ?? null;
  const active = mine.filter((c) => c.state === 'active');
  if (active.length > 1) return 'ambiguous';
  return active[0] ?? null;
}

/**
 * A renewal (Pasal 17) or revocation (Pasal 18) by mail from a verified dinas address: the same use cases
 * as the bot's Perpanjang and Cabut. A mail the desk cannot act on (no certificate found, refused by the
 * rules) is answered with the reason, once per message; nothing is written for it but that reply.
 */
export async function handleCertificateRequest(
  ports: DeskPorts, tx: TransactionHandle, kind: 'renewal' | 'revocation', sender: string, msg: InboundMessage,
  input: { documents: readonly IncomingDocument[]; nik: string | null; replyTo: ReplyContext | undefined },
): Promise<InboundOutcome> {
  const person = await ports.roster.findByEmail(sender, tx);
  const fields = parseCertificateFields(msg.subject, msg.text);
  const refuse = async (code: string, params: Params = {}): Promise<InboundOutcome> => {
    const key = createHash('sha256').update(msg.messageId ?? msg.raw).digest('hex').slice(0, 32);
    await ports.notifier.enqueue({
      dedupeKey: `refused:${key}`, channel: 'email', recipient: sender, template: 'request-refused',
      model: { kind, code, params }, ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    }, tx);
    await ports.audit.append({ actor: 'system', action: 'mail.refuse', subject: 'mail', outcome: code }, tx);
    return { outcome: 'refused', caseId: null, reason: code, folder: 'processed' };
  };
  const prefix = kind === 'renewal' ? 'RENEW' : 'REVOKE';
  if (!person) return refuse(`${prefix}.NOT_ON_ROSTER`);
  const cert = pickCertificate(await ports.certificates.listByOwner(person.personId, tx), fields.serial);
  if (cert === 'ambiguous') return refuse('MAIL.SERIAL_REQUIRED');
  if (!cert) return refuse(`${prefix}.CERTIFICATE_UNKNOWN`);
  const replyTo = input.replyTo ? { replyTo: input.replyTo } : {};
  const r = kind === 'renewal'
    ? await requestRenewal(ports, { channel: 'email', personId: person.personId, certificateId: cert.id, nik: input.nik, documents: input.documents, ...replyTo })
    : await requestRevocation(ports, {
      channel: 'email', personId: person.personId, certificateId: cert.id, ground: fields.ground ?? 'other',
      note: fields.reason ?? msg.subject, documents: input.documents, ...replyTo,
    });
  if (!r.ok) return refuse(r.code, r.params);
  return { outcome: 'request', caseId: r.value.requestId, reason: r.value.status, folder: 'processed' };
}
