import type { CaseRecord } from './case-record.ts';

/** Where news about a case goes: the chat it came from on Telegram, else the applicant's address. */
export const replyRecipient = (c: CaseRecord): string =>
  c.channel === 'telegram' ? (c.details['telegramChatId'] ?? c.applicant.email) : c.applicant.email;
