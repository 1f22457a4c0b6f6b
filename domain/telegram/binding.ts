/**
 * A Telegram account bound to a person on the roster (Pasal 16(4): issuance is personal, so only a
 * bound account may apply, accept the agreement or receive a certificate). Proven by a one-time code
 * mailed to the person's dinas address.
 */
export interface TelegramBinding {
  readonly telegramId: string;
  readonly chatId: string;
  readonly personId: string;
  readonly boundAt: string;
}

/** A pending proof of address: the code itself is never stored, only its keyed hash. */
export interface BindingChallenge {
  readonly telegramId: string;
  readonly personId: string;
  readonly codeHash: string;
  readonly expiresAt: string;
  readonly attempts: number;
  readonly createdAt: string;
}

export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
/** Codes a Telegram account may request per hour: enough for a typo, too few to spam an inbox. */
export const OTP_MAX_PER_HOUR = 3;

export const isSixDigitCode = (s: string): boolean => /^\d{6}$/.test(s.trim());
