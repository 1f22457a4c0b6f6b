import { RaError } from '../shared/ra-error.ts';
import { isUuid } from '../shared/uuid.ts';

/**
 * Who did it, in a form that points at a record without being personal data (Pasal 26(2) audit, and
 * STYLE.md §6): `system`, `officer:<Telegram numeric id>` or `person:<internal uuid>`. Never an e-mail
 * address, a NIK, a NIP or a name — those can be looked up from the id by someone allowed to.
 */
export type Actor = 'system' | `officer:${string}` | `person:${string}`;

/** The desk itself: schedulers, the mail poller, migrations. */
export const SYSTEM_ACTOR = 'system' satisfies Actor;

/**
 * One auditable fact. `subject` is an id (`OP-2026-000123`, `TK-…`, `person:<uuid>`, `officer:<id>`);
 * `outcome` a short token (`approved`, `refused:REQUEST.ILLEGAL_TRANSITION`); `evidence` the SHA-256
 * (hex) of each file or text the decision rests on — the hash proves which bytes were seen without
 * putting them in the log.
 *
 * @example
 * const event: AuditEvent = {
 *   actor: officerActor(123456789), action: 'request.decided', subject: 'OP-2026-000123',
 *   outcome: 'approved', evidence: [sha256OfKtpScan],
 * };
 */
export interface AuditEvent {
  readonly actor: Actor;
  readonly action: string;
  readonly subject: string;
  readonly outcome: string;
  readonly evidence?: readonly string[];
}

// Telegram user ids fit 52 bits; today they have at most 10-11 digits. Capping at 15 digits keeps an
// officer actor from ever looking like a 16-digit NIK, which assertAuditSafe would (rightly) refuse.
const TELEGRAM_ID = /^[1-9]\d{0,14}$/;
const ACTOR = /^(?:system|officer:[1-9]\d{0,14}|person:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const ACTION = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
// Ids and short tokens only: no spaces, so no names or free-text reasons slip into the log.
const TOKEN = /^[A-Za-z0-9_.:/-]{1,200}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// 16 digits (NIK) or more (18-digit NIP), also when written in groups separated by spaces or dots.
// Hyphens are not separators: request ids (OP-2026-000123) and uuids use them.
const NIK_OR_NIP = /\d(?:[ .]?\d){15}/;

/** `officer:<id>` from the officer's Telegram numeric id. Throws AUDIT.MALFORMED on anything else. */
export function officerActor(telegramId: number | string): Actor {
  const id = String(telegramId);
  if (!TELEGRAM_ID.test(id)) throw new RaError('AUDIT.MALFORMED', 'An officer actor needs a positive Telegram numeric id of at most 15 digits');
  return `officer:${id}`;
}

/** `person:<uuid>` from a person's internal id (never their NIK or NIP). */
export function personActor(personId: string): Actor {
  const id = personId.toLowerCase();
  if (!isUuid(id)) throw new RaError('AUDIT.MALFORMED', 'A person actor needs the internal person id (a uuid), never a NIK, NIP or e-mail address');
  return `person:${id}`;
}

/**
 * Refuses an event that could put personal data into the append-only log, where it could never be
 * erased: an `@` (e-mail address), 16+ digits in a row (NIK, NIP) or evidence that is not a SHA-256
 * (file content) → AUDIT.PERSONAL_DATA. A malformed actor, action, subject or outcome → AUDIT.MALFORMED.
 * Messages name the field, never the value, so the refusal itself does not leak what it refused.
 *
 * @example
 * assertAuditSafe({ actor: SYSTEM_ACTOR, action: 'roster.imported', subject: 'roster', outcome: 'ok' });
 */
export function assertAuditSafe(event: AuditEvent): void {
  const fields = { actor: event.actor, action: event.action, subject: event.subject, outcome: event.outcome } as const;
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new RaError('AUDIT.MALFORMED', `Audit ${field} must be a string`);
    if (value.includes('@')) throw new RaError('AUDIT.PERSONAL_DATA', `Audit ${field} contains an "@": use an id, never an e-mail address`);
    if (NIK_OR_NIP.test(value)) throw new RaError('AUDIT.PERSONAL_DATA', `Audit ${field} contains 16 or more digits (a NIK or NIP?): use an internal id instead`);
  }
  for (const item of event.evidence ?? []) {
    if (typeof item !== 'string' || !SHA256_HEX.test(item)) {
      throw new RaError('AUDIT.PERSONAL_DATA', 'Audit evidence must be SHA-256 hashes (64 lowercase hex characters), never content');
    }
  }
  if (!ACTOR.test(fields.actor)) throw new RaError('AUDIT.MALFORMED', 'Audit actor must be "system", officer:<telegram id> or person:<uuid>');
  if (fields.action.length > 100 || !ACTION.test(fields.action)) throw new RaError('AUDIT.MALFORMED', 'Audit action must be a dot/snake-case identifier such as request.decided');
  if (!TOKEN.test(fields.subject)) throw new RaError('AUDIT.MALFORMED', 'Audit subject must be an id (letters, digits, _ . : / -), at most 200 characters');
  if (!TOKEN.test(fields.outcome)) throw new RaError('AUDIT.MALFORMED', 'Audit outcome must be a short token (letters, digits, _ . : / -), at most 200 characters');
}
