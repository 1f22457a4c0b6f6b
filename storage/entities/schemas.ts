import { EntitySchema } from 'typeorm';
import type {
  AuditRow, CertificateRow, DecisionRow, DocumentRow, OfficerRow, OutboxRow, OutsiderPermitRow,
  RequestRow, RosterRow, SequenceRow, MailMessageRow, MailCursorRow, SettingRow,
  TelegramBindingRow, BindingChallengeRow, BotUpdateRow, BotSessionRow,
  CertificateReminderRow,
} from './rows.ts';
import { RestrictionSchema } from './restriction.ts';

// EntitySchema rather than decorators: tsx and vitest's esbuild emit no decorator metadata (TOOLCHAIN.md).
// Column types are explicit and portable between SQLite and PostgreSQL; the migrations own the DDL.

const text = { type: 'text' } as const;
const nullableText = { type: 'text', nullable: true } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;

export const RosterSchema = new EntitySchema<RosterRow>({
  name: 'RosterEntry', tableName: 'roster_entries',
  columns: {
    personId: { ...text, primary: true, name: 'person_id' },
    nip: { ...nullableText },
    nikHmac: { ...text, name: 'nik_hmac' },
    nikEnc: { ...text, name: 'nik_enc' },
    name: text, email: text, agency: text, position: text,
    superiorNip: { ...nullableText, name: 'superior_nip' },
    category: text, active: bool,
    updatedAt: { ...text, name: 'updated_at' },
  },
});

export const OfficerSchema = new EntitySchema<OfficerRow>({
  name: 'Officer', tableName: 'officers',
  columns: {
    telegramId: { ...text, primary: true, name: 'telegram_id' },
    personId: { ...text, name: 'person_id' },
    nip: text, role: text,
    appointmentRef: { ...text, name: 'appointment_ref' },
    active: bool,
    createdAt: { ...text, name: 'created_at' },
    updatedAt: { ...text, name: 'updated_at' },
  },
});

export const OutsiderPermitSchema = new EntitySchema<OutsiderPermitRow>({
  name: 'OutsiderPermit', tableName: 'outsider_permits',
  columns: {
    id: { ...text, primary: true }, email: text,
    nikHmac: { ...text, name: 'nik_hmac' },
    grantedBy: { ...text, name: 'granted_by' },
    reference: text,
    grantedAt: { ...text, name: 'granted_at' },
    name: nullableText,
    revokedAt: { ...nullableText, name: 'revoked_at' },
    revokedBy: { ...nullableText, name: 'revoked_by' },
  },
});

export const RequestSchema = new EntitySchema<RequestRow>({
  name: 'Request', tableName: 'requests',
  columns: {
    id: { ...text, primary: true }, kind: text, status: text, channel: text,
    applicantPersonId: { ...nullableText, name: 'applicant_person_id' },
    applicantNip: { ...nullableText, name: 'applicant_nip' },
    applicantEmail: { ...text, name: 'applicant_email' },
    applicantName: { ...text, name: 'applicant_name' },
    applicantNikHmac: { ...nullableText, name: 'applicant_nik_hmac' },
    applicantNikEnc: { ...nullableText, name: 'applicant_nik_enc' },
    certificateType: { ...nullableText, name: 'certificate_type' },
    uses: text, details: text, checks: text,
    reviewRound: { ...int, name: 'review_round' },
    version: int,
    createdAt: { ...text, name: 'created_at' },
    updatedAt: { ...text, name: 'updated_at' },
  },
});

export const DecisionSchema = new EntitySchema<DecisionRow>({
  name: 'Decision', tableName: 'decisions',
  columns: {
    id: { ...text, primary: true },
    requestId: { ...text, name: 'request_id' },
    reviewRound: { ...int, name: 'review_round' },
    officerTelegramId: { ...text, name: 'officer_telegram_id' },
    outcome: text, reasons: text, note: text,
    decidedAt: { ...text, name: 'decided_at' },
  },
});

export const DocumentSchema = new EntitySchema<DocumentRow>({
  name: 'Document', tableName: 'documents',
  columns: {
    id: { ...text, primary: true },
    requestId: { ...text, name: 'request_id' },
    kind: text,
    mediaType: { ...text, name: 'media_type' },
    size: int, sha256: text, path: text,
    fileOffset: { ...int, name: 'file_offset' },
    sealedSize: { type: 'integer', name: 'sealed_size', nullable: true },
    wrappedKey: { ...text, name: 'wrapped_key' },
    keyId: { ...text, name: 'key_id' },
    createdAt: { ...text, name: 'created_at' },
  },
});

export const AuditSchema = new EntitySchema<AuditRow>({
  name: 'AuditEntry', tableName: 'audit_log',
  columns: {
    seq: { ...int, primary: true },
    at: text, actor: text, action: text, subject: text, outcome: text, evidence: text,
    prevHash: { ...text, name: 'prev_hash' },
    hash: text,
  },
});

export const SequenceSchema = new EntitySchema<SequenceRow>({
  name: 'Sequence', tableName: 'sequences',
  columns: { name: { ...text, primary: true }, value: int },
});

export const CertificateSchema = new EntitySchema<CertificateRow>({
  name: 'Certificate', tableName: 'certificates',
  columns: {
    id: { ...text, primary: true },
    requestId: { ...text, name: 'request_id' },
    ownerPersonId: { ...text, name: 'owner_person_id' },
    serial: text, issuer: text, fingerprint: text,
    notBefore: { ...text, name: 'not_before' },
    notAfter: { ...text, name: 'not_after' },
    state: text,
    agreementAcceptedAt: { ...nullableText, name: 'agreement_accepted_at' },
    agreementHash: { ...nullableText, name: 'agreement_hash' },
    deliveredAt: { ...nullableText, name: 'delivered_at' },
    receiptConfirmedAt: { ...nullableText, name: 'receipt_confirmed_at' },
    revokedAt: { ...nullableText, name: 'revoked_at' },
    revocationReason: { ...nullableText, name: 'revocation_reason' },
    createdAt: { ...text, name: 'created_at' },
  },
});

export const OutboxSchema = new EntitySchema<OutboxRow>({
  name: 'OutboxMessage', tableName: 'outbox',
  columns: {
    id: { ...text, primary: true },
    dedupeKey: { ...text, name: 'dedupe_key' },
    channel: text, recipient: text, template: text, model: text,
    messageId: { ...text, name: 'message_id' },
    status: text, attempts: int,
    nextAttemptAt: { ...text, name: 'next_attempt_at' },
    lastError: { ...nullableText, name: 'last_error' },
    createdAt: { ...text, name: 'created_at' },
    sentAt: { ...nullableText, name: 'sent_at' },
    caseId: { ...nullableText, name: 'case_id' },
    inReplyTo: { ...nullableText, name: 'in_reply_to' },
    referencesHeader: { ...nullableText, name: 'references_header' },
  },
});

export const MailMessageSchema = new EntitySchema<MailMessageRow>({
  name: 'MailMessage', tableName: 'mail_messages',
  columns: {
    key: { ...text, primary: true },
    messageId: { ...nullableText, name: 'message_id' },
    uidValidity: { ...int, name: 'uid_validity' },
    uid: int, outcome: text,
    caseId: { ...nullableText, name: 'case_id' },
    reason: nullableText,
    targetFolder: { ...text, name: 'target_folder' },
    receivedAt: { ...text, name: 'received_at' },
    movedAt: { ...nullableText, name: 'moved_at' },
    expungeAfter: { ...nullableText, name: 'expunge_after' },
  },
});

export const MailCursorSchema = new EntitySchema<MailCursorRow>({
  name: 'MailCursor', tableName: 'mail_cursors',
  columns: {
    mailbox: { ...text, primary: true },
    uidValidity: { ...int, name: 'uid_validity' },
    lastUid: { ...int, name: 'last_uid' },
    updatedAt: { ...text, name: 'updated_at' },
  },
});

export const SettingSchema = new EntitySchema<SettingRow>({
  name: 'Setting', tableName: 'settings',
  columns: { name: { ...text, primary: true }, value: text, updatedAt: { ...text, name: 'updated_at' } },
});

export const TelegramBindingSchema = new EntitySchema<TelegramBindingRow>({
  name: 'TelegramBinding', tableName: 'telegram_bindings',
  columns: {
    telegramId: { ...text, primary: true, name: 'telegram_id' },
    chatId: { ...text, name: 'chat_id' },
    personId: { ...text, name: 'person_id' },
    boundAt: { ...text, name: 'bound_at' },
  },
});

export const BindingChallengeSchema = new EntitySchema<BindingChallengeRow>({
  name: 'BindingChallenge', tableName: 'binding_challenges',
  columns: {
    id: { ...text, primary: true },
    telegramId: { ...text, name: 'telegram_id' },
    personId: { ...text, name: 'person_id' },
    codeHash: { ...text, name: 'code_hash' },
    expiresAt: { ...text, name: 'expires_at' },
    attempts: int,
    createdAt: { ...text, name: 'created_at' },
    usedAt: { ...nullableText, name: 'used_at' },
  },
});

export const BotUpdateSchema = new EntitySchema<BotUpdateRow>({
  name: 'BotUpdate', tableName: 'bot_updates',
  columns: { updateId: { ...text, primary: true, name: 'update_id' }, handledAt: { ...text, name: 'handled_at' }, chatId: { ...text, name: 'chat_id', nullable: true } },
});

export const BotSessionSchema = new EntitySchema<BotSessionRow>({
  name: 'BotSession', tableName: 'bot_sessions',
  columns: { chatId: { ...text, primary: true, name: 'chat_id' }, state: text, updatedAt: { ...text, name: 'updated_at' } },
});

export const CertificateReminderSchema = new EntitySchema<CertificateReminderRow>({
  name: 'CertificateReminder', tableName: 'certificate_reminders',
  columns: {
    certificateId: { ...text, primary: true, name: 'certificate_id' },
    daysBefore: { ...int, primary: true, name: 'days_before' },
    sentAt: { ...text, name: 'sent_at' },
  },
});

export const allSchemas = [
  RosterSchema, OfficerSchema, OutsiderPermitSchema, RequestSchema, DecisionSchema, DocumentSchema,
  AuditSchema, SequenceSchema, CertificateSchema, OutboxSchema, MailMessageSchema, MailCursorSchema, SettingSchema,
  TelegramBindingSchema, BindingChallengeSchema, BotUpdateSchema, BotSessionSchema,
  CertificateReminderSchema,
  RestrictionSchema,
];
