import { defineLifecycle } from '../shared/lifecycle.ts';
import { REQUEST_STATUSES, type RequestStatus } from '../requests/request-status.ts';

/**
 * Renewal (pembaruan, Pasal 17): asked by the owner before expiry, forwarded to BSrE (17(3)). Same shape
 * as issuance; kept as its own table because the regulation may diverge (e.g. no new cover letter when
 * the owner's data did not change).
 */
export const renewalEvents = ['complete', 'approve', 'return', 'reject', 'submit_to_ca', 'issue', 'ca_reject', 'cancel'] as const;
export type RenewalEvent = (typeof renewalEvents)[number];

export const renewalLifecycle = defineLifecycle<RequestStatus, RenewalEvent>('renewal', REQUEST_STATUSES, {
  complete: { from: ['incomplete'], to: 'pending_review' },
  approve: { from: ['pending_review'], to: 'approved' },
  return: { from: ['pending_review'], to: 'incomplete' },
  reject: { from: ['pending_review'], to: 'rejected' },
  submit_to_ca: { from: ['approved'], to: 'submitted_to_ca' },
  issue: { from: ['submitted_to_ca'], to: 'completed' },
  ca_reject: { from: ['submitted_to_ca'], to: 'rejected' },
  cancel: { from: ['incomplete', 'pending_review', 'approved'], to: 'cancelled' },
});
