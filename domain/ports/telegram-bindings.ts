import type { BindingChallenge, TelegramBinding } from '../telegram/binding.ts';
import type { TransactionHandle } from './transaction.ts';

/** Bound Telegram accounts and pending one-time-code challenges. */
export interface TelegramBindings {
  findByTelegramId(telegramId: string, tx?: TransactionHandle): Promise<TelegramBinding | null>;
  findByPersonId(personId: string, tx?: TransactionHandle): Promise<TelegramBinding | null>;
  /** Binds, replacing any earlier binding of the same person or the same Telegram account. */
  bind(b: TelegramBinding, tx: TransactionHandle): Promise<void>;
  challengesSince(telegramId: string, sinceIso: string, tx?: TransactionHandle): Promise<number>;
  saveChallenge(c: BindingChallenge, tx: TransactionHandle): Promise<void>;
  /** The newest unused challenge of this account, or null. */
  latestChallenge(telegramId: string, tx?: TransactionHandle): Promise<(BindingChallenge & { id: string; usedAt: string | null }) | null>;
  recordAttempt(id: string, tx: TransactionHandle): Promise<void>;
  markUsed(id: string, at: string, tx: TransactionHandle): Promise<void>;
}

/** Secrets the domain needs but must not produce itself: random codes and their keyed hashes. */
export interface OneTimeCodes {
  generate(): string;
  hash(telegramId: string, code: string): string;
}
