/**
 * Petugas OP (Pasal 9(4)-(6)) and the Pengelola (Pasal 8(2), 10): ASN on the roster, recognised only by
 * their Telegram numeric id (never a username, which anyone can change) and their NIP.
 * `agency_admin` is an agency's contact for the needs inventory (Pasal 10(2)).
 */
export const OFFICER_ROLES = ['officer', 'manager', 'agency_admin'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];
export const isOfficerRole = (s: string): s is OfficerRole => (OFFICER_ROLES as readonly string[]).includes(s);

export interface Officer {
  readonly telegramId: string;
  readonly personId: string;
  readonly nip: string;
  readonly role: OfficerRole;
  readonly appointmentRef: string;
  readonly active: boolean;
}

/** Roles that may decide requests: the officer, and the Pengelola who also may examine them (Pasal 10(1)c). */
export const canDecide = (o: Officer): boolean => o.active && (o.role === 'officer' || o.role === 'manager');

/** The Pengelola (Pasal 8(2)): appoints and removes officers (Pasal 9(4)) and allows "pihak lain" (Pasal 13(1)c). */
export const canManage = (o: Officer): boolean => o.active && o.role === 'manager';

/** Telegram accounts that speak for a group or a channel, never for a person. */
export const ANONYMOUS_TELEGRAM_IDS: readonly string[] = ['1087968824', '777000'];

/** Telegram user ids are positive integers; kept as text because they exceed 32 bits. */
export const isTelegramId = (s: string): boolean => /^[1-9]\d{0,14}$/.test(s) && !ANONYMOUS_TELEGRAM_IDS.includes(s);
