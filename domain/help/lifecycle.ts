import { defineLifecycle } from '../shared/lifecycle.ts';
import { TICKET_STATUSES, type TicketStatus } from '../requests/request-status.ts';

/**
 * Technical help (bantuan teknis, Pasal 22). `escalate` asks BSrE for technical help (22(2));
 * `follow_up` is the user writing again after an answer.
 */
export const helpEvents = ['answer', 'follow_up', 'escalate', 'resolve', 'reopen'] as const;
export type HelpEvent = (typeof helpEvents)[number];

export const helpLifecycle = defineLifecycle<TicketStatus, HelpEvent>('help', TICKET_STATUSES, {
  answer: { from: ['open', 'escalated'], to: 'answered' },
  follow_up: { from: ['answered'], to: 'open' },
  escalate: { from: ['open', 'answered'], to: 'escalated' },
  resolve: { from: ['open', 'answered', 'escalated'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'open' },
});
