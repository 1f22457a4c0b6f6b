import { createHash } from 'node:crypto';
import type { Templates } from './catalog.ts';

/**
 * The subscriber agreement exactly as shown, in every channel (Pasal 16(5), 19(1)): an acceptance
 * records the SHA-256 of this text, so it is rendered one way only. Trimmed as Telegram trims messages.
 */
export const agreementText = (t: Templates, requestId: string): string => t.render('agreement.txt', { requestId }).trim();

export const agreementSha256 = (t: Templates, requestId: string): string =>
  createHash('sha256').update(agreementText(t, requestId), 'utf8').digest('hex');
