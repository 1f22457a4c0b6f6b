/**
 * Row shapes as stored. Times are ISO-8601 UTC strings (`2026-11-25T09:00:00.000Z`) in text columns so
 * SQLite and PostgreSQL sort and compare them the same way; Telegram ids are text because they exceed
 * 32 bits. NIKs are never stored in clear: `nikEnc` is AES-256-GCM ciphertext, `nikHmac` a keyed hash
 * for lookups (see storage/crypto/field-cipher.ts).
 */
export interface RosterRow {
  personId: string;
  nip: string | null;
  nikHmac: string;
  nikEnc: string;
  name: string;
  email: string;
  agency: string;
  position: string;
  superiorNip: string | null;
  category: string;
  active: boolean;
  updatedAt: string;
}

export interface OfficerRow {
  telegramId: string;
  personId: string;
  nip: string;
  role: string;
  appointmentRef: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OutsiderPermitRow {
  id: string;
  email: string;
  nikHmac: string;
  grantedBy: string;
  reference: string;
  grantedAt: string;
  /** Null on rows granted before migration 0006. */
  name: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface RequestRow {
  id: string;
  kind: string;
  status: string;
  channel: string;
  applicantPersonId: string | null;
  applicantNip: string | null;
  applicantEmail: string;
  applicantName: string;
  applicantNikHmac: string | null;
  applicantNikEnc: string | null;
  certificateType: string | null;
  uses: string;
  details: string;
  checks: string;
  reviewRound: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface DecisionRow {
  id: string;
  requestId: string;
  reviewRound: number;
  officerTelegramId: string;
  outcome: string;
  reasons: string;
  note: string;
  decidedAt: string;
}

export interface DocumentRow {
  id: string;
  requestId: string;
  kind: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** The vault file, relative to the data folder; documents stored in one transaction share one. */
  path: string;
  /** Where this document's sealed bytes start in `path`. */
  fileOffset: number;
  /** How many sealed bytes from `fileOffset`; null for rows older than packs, whose file is theirs alone. */
  sealedSize: number | null;
  wrappedKey: string;
  keyId: string;
  createdAt: string;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  outcome: string;
  evidence: string;
  prevHash: string;
  hash: string;
}

export interface SequenceRow {
  name: string;
  value: number;
}

export interface CertificateRow {
  id: string;
  requestId: string;
  ownerPersonId: string;
  serial: string;
  issuer: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  state: string;
  agreementAcceptedAt: string | null;
  agreementHash: string | null;
  deliveredAt: string | null;
  receiptConfirmedAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  createdAt: string;
}

export interface OutboxRow {
  id: string;
  dedupeKey: string;
  channel: string;
  recipient: string;
  template: string;
  model: string;
  messageId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  caseId: string | null;
  inReplyTo: string | null;
  referencesHeader: string | null;
}

export interface MailMessageRow {
  key: string;
  messageId: string | null;
  uidValidity: number;
  uid: number;
  outcome: string;
  caseId: string | null;
  reason: string | null;
  targetFolder: string;
  receivedAt: string;
  movedAt: string | null;
  expungeAfter: string | null;
}

export interface MailCursorRow {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
  updatedAt: string;
}

export interface SettingRow {
  name: string;
  value: string;
  updatedAt: string;
}

export interface TelegramBindingRow {
  telegramId: string;
  chatId: string;
  personId: string;
  boundAt: string;
}

export interface BindingChallengeRow {
  id: string;
  telegramId: string;
  personId: string;
  codeHash: string;
  expiresAt: string;
  attempts: number;
  createdAt: string;
  usedAt: string | null;
}

export interface BotUpdateRow {
  updateId: string;
  /** `started` while the update is being worked on, then the time it finished. */
  handledAt: string;
  chatId: string | null;
}

export interface BotSessionRow {
  chatId: string;
  state: string;
  updatedAt: string;
}

/** One reminder threshold recorded for one certificate (sent, or skipped because the job did not run). */
export interface CertificateReminderRow {
  certificateId: string;
  daysBefore: number;
  sentAt: string;
}
