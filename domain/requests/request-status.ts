/**
 * Where a request stands. `incomplete` waits for the applicant: either items are missing or an officer
 * returned it for correction ("belum dapat diterima", Pasal 15(5)).
 */
export const REQUEST_STATUSES = [
  'incomplete', 'pending_review', 'approved', 'rejected', 'submitted_to_ca', 'completed', 'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A request not yet finished: a second one of the same kind about the same certificate waits for it. */
export const REQUEST_IN_PROGRESS: readonly RequestStatus[] = ['incomplete', 'pending_review', 'approved', 'submitted_to_ca'];
export const isInProgress = (s: string): boolean => (REQUEST_IN_PROGRESS as readonly string[]).includes(s);

export const TICKET_STATUSES = ['open', 'answered', 'escalated', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type CaseStatus = RequestStatus | TicketStatus;
export const CASE_STATUSES: readonly CaseStatus[] = [...REQUEST_STATUSES, ...TICKET_STATUSES];
export const isCaseStatus = (s: string): s is CaseStatus => (CASE_STATUSES as readonly string[]).includes(s);
