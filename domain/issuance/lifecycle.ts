import { defineLifecycle } from '../shared/lifecycle.ts';
import { REQUEST_STATUSES, type RequestStatus } from '../requests/request-status.ts';

/**
 * Issuance (penerbitan, Pasal 15-16). The only code that moves an issuance request:
 * - `complete`: the applicant supplied what was missing and every check passes (15(2)).
 * - `approve` / `return` / `reject`: the officer's decision (15(3)-(5)); approval needs passing checks (16(3)).
 * - `submit_to_ca`: forwarded to BSrE after the applicant accepted the agreement (16(2), 16(5)).
 * - `issue`: the CA issued and the certificate was delivered (16(6)); `ca_reject`: the CA refused.
 * - `cancel`: the applicant withdraws before the CA has it.
 */
export const issuanceEvents = ['complete', 'approve', 'return', 'reject', 'submit_to_ca', 'issue', 'ca_reject', 'cancel'] as const;
export type IssuanceEvent = (typeof issuanceEvents)[number];

export const issuanceLifecycle = defineLifecycle<RequestStatus, IssuanceEvent>('issuance', REQUEST_STATUSES, {
  complete: { from: ['incomplete'], to: 'pending_review' },
  approve: { from: ['pending_review'], to: 'approved' },
  return: { from: ['pending_review'], to: 'incomplete' },
  reject: { from: ['pending_review'], to: 'rejected' },
  submit_to_ca: { from: ['approved'], to: 'submitted_to_ca' },
  issue: { from: ['submitted_to_ca'], to: 'completed' },
  ca_reject: { from: ['submitted_to_ca'], to: 'rejected' },
  cancel: { from: ['incomplete', 'pending_review', 'approved'], to: 'cancelled' },
});
