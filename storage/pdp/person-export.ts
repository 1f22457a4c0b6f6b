import { In, type DataSource } from 'typeorm';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import {
  AuditSchema, CertificateSchema, DecisionSchema, DocumentSchema, OfficerSchema, OutboxSchema, RequestSchema,
  TelegramBindingSchema,
} from '../entities/schemas.ts';
import { RestrictionSchema } from '../entities/restriction.ts';
import type { RosterRow } from '../entities/rows.ts';

/** Bumped when the shape changes, so whoever reads an export knows which fields to expect. */
export const PERSON_EXPORT_FORMAT = 'ra-desk/person-export/v1';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const decryptOrNull = (cipher: FieldCipher, token: string | null): string | null => (token ? cipher.decrypt(token) : null);

/**
 * Everything the desk holds on one person, for their right of access (UU 27/2022 Pasal 7, 32): the
 * roster entry with their NIK, their requests with the NIK they gave, the checks and officers'
 * decisions, the files kept (described, not attached: SHA-256 and size let them match their copies),
 * certificates, Telegram binding, officer appointment, restriction, the messages sent to them
 * (metadata: which template, when, whether delivered) and their processing trail — every audit row they
 * acted in or that concerns them or one of their requests. Nothing of anyone else: requests are
 * selected by their person id or NIP, messages by their own addresses and requests.
 */
export async function buildPersonExport(ds: DataSource, cipher: FieldCipher, person: RosterRow, now: Date): Promise<Record<string, unknown>> {
  const m = ds.manager;
  const requests = await m.find(RequestSchema, {
    where: [{ applicantPersonId: person.personId }, ...(person.nip ? [{ applicantNip: person.nip }] : [])],
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  const requestIds = requests.map((r) => r.id);
  const byRequest = requestIds.length > 0 ? { requestId: In(requestIds) } : null;
  const decisions = byRequest ? await m.find(DecisionSchema, { where: byRequest, order: { decidedAt: 'ASC' } }) : [];
  const documents = byRequest ? await m.find(DocumentSchema, { where: byRequest, order: { createdAt: 'ASC' } }) : [];
  const certificates = await m.find(CertificateSchema, { where: { ownerPersonId: person.personId }, order: { notBefore: 'ASC' } });
  const binding = await m.findOneBy(TelegramBindingSchema, { personId: person.personId });
  const officers = await m.find(OfficerSchema, { where: { personId: person.personId } });
  const restriction = await m.findOneBy(RestrictionSchema, { personId: person.personId });

  const recipients = [person.email, ...(binding ? [binding.chatId, binding.telegramId] : [])];
  const outbox = await m.find(OutboxSchema, {
    where: [{ recipient: In(recipients) }, ...(byRequest ? [{ caseId: In(requestIds) }] : [])],
    order: { createdAt: 'ASC' },
  });
  // Messages about their requests that went to someone else (an officer) are not theirs to read.
  const theirs = outbox.filter((o) => recipients.includes(o.recipient));

  const actor = `person:${person.personId}`;
  const subjects = [actor, ...requestIds, ...certificates.map((c) => c.id), ...officers.map((o) => `officer:${o.telegramId}`)];
  const trail = await m.find(AuditSchema, { where: [{ actor }, { subject: In(subjects) }], order: { seq: 'ASC' } });

  return {
    format: PERSON_EXPORT_FORMAT,
    generatedAt: now.toISOString(),
    controller: 'Otoritas Pendaftaran Sertifikat Elektronik, Dinas Komunikasi dan Informatika Kota Pontianak',
    person: {
      personId: person.personId, nip: person.nip, nik: person.nikEnc === '' ? null : cipher.decrypt(person.nikEnc),
      nikDestroyed: person.nikEnc === '', name: person.name, email: person.email, agency: person.agency, position: person.position,
      superiorNip: person.superiorNip, category: person.category, onRoster: Boolean(person.active), updatedAt: person.updatedAt,
    },
    restriction: restriction ? { restrictedAt: restriction.restrictedAt, restrictedBy: restriction.restrictedBy } : null,
    requests: requests.map((r) => ({
      id: r.id, kind: r.kind, status: r.status, channel: r.channel, email: r.applicantEmail, name: r.applicantName, nip: r.applicantNip,
      nik: decryptOrNull(cipher, r.applicantNikEnc), certificateType: r.certificateType, uses: parseJson(r.uses), details: parseJson(r.details),
      checks: parseJson(r.checks), createdAt: r.createdAt, updatedAt: r.updatedAt,
    })),
    decisions: decisions.map((d) => ({
      requestId: d.requestId, reviewRound: d.reviewRound, officer: `officer:${d.officerTelegramId}`, outcome: d.outcome,
      reasons: parseJson(d.reasons), note: d.note, decidedAt: d.decidedAt,
    })),
    documents: documents.map((d) => ({ id: d.id, requestId: d.requestId, kind: d.kind, mediaType: d.mediaType, size: d.size, sha256: d.sha256, createdAt: d.createdAt })),
    certificates: certificates.map((c) => ({
      id: c.id, requestId: c.requestId, serial: c.serial, issuer: c.issuer, fingerprint: c.fingerprint, notBefore: c.notBefore, notAfter: c.notAfter,
      state: c.state, agreementAcceptedAt: c.agreementAcceptedAt, deliveredAt: c.deliveredAt, receiptConfirmedAt: c.receiptConfirmedAt,
      revokedAt: c.revokedAt, revocationReason: c.revocationReason,
    })),
    telegram: binding ? { telegramId: binding.telegramId, chatId: binding.chatId, boundAt: binding.boundAt } : null,
    officer: officers.map((o) => ({ telegramId: o.telegramId, role: o.role, appointmentRef: o.appointmentRef, active: Boolean(o.active), createdAt: o.createdAt })),
    messages: theirs.map((o) => ({
      channel: o.channel, template: o.template, caseId: o.caseId, status: o.status, createdAt: o.createdAt, sentAt: o.sentAt,
    })),
    trail: trail.map((a) => ({ seq: Number(a.seq), at: a.at, actor: a.actor, action: a.action, subject: a.subject, outcome: a.outcome })),
  };
}
