import { defineLifecycle } from '../shared/lifecycle.ts';
import { TICKET_STATUSES, type TicketStatus } from '../requests/request-status.ts';

/**
 * Complaint (pengaduan, Pasal 9(7), 10(1)j). `escalate` forwards a complaint about an officer to BSSN
 * through BSrE and to the Walikota (9(7)).
 */
export const complaintEvents = ['answer', 'follow_up', 'escalate', 'resolve'] as const;
export type ComplaintEvent = (typeof complaintEvents)[number];

export const complaintLifecycle = defineLifecycle<TicketStatus, ComplaintEvent>('complaint', TICKET_STATUSES, {
  answer: { from: ['open', 'escalated'], to: 'answered' },
  follow_up: { from: ['answered'], to: 'open' },
  escalate: { from: ['open', 'answered'], to: 'escalated' },
  resolve: { from: ['open', 'answered', 'escalated'], to: 'resolved' },
});
