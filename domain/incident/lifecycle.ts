import { defineLifecycle } from '../shared/lifecycle.ts';
import { TICKET_STATUSES, type TicketStatus } from '../requests/request-status.ts';

/**
 * Security incident (Pasal 24). `escalate` is the report to Walikota, Gubernur, Kepala BSSN and Kepala
 * BSrE (24(1)), which an officer confirms; it cannot be skipped on the way to `resolved`.
 */
export const incidentEvents = ['answer', 'escalate', 'resolve', 'reopen'] as const;
export type IncidentEvent = (typeof incidentEvents)[number];

export const incidentLifecycle = defineLifecycle<TicketStatus, IncidentEvent>('incident', TICKET_STATUSES, {
  answer: { from: ['open', 'escalated'], to: 'answered' },
  escalate: { from: ['open', 'answered'], to: 'escalated' },
  resolve: { from: ['escalated'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'open' },
});
