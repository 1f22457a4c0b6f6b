import { defineLifecycle } from '../shared/lifecycle.ts';
import { REQUEST_STATUSES, type RequestStatus } from '../requests/request-status.ts';

/**
 * Revocation (pencabutan, Pasal 18): asked by the owner, the RA or the CA (18(1)). For a lost, damaged or
 * inaccessible key the police report and the owner's statement are required items (18(3)), so the
 * request can wait `incomplete`. The request is `completed` once the CA confirms (`confirm_revoked`);
 * the certificate's own state becomes `revoked`. No `cancel` after approval: an approved revocation goes
 * to the CA, and a revocation cannot be undone.
 */
export const revocationEvents = ['complete', 'approve', 'return', 'reject', 'submit_to_ca', 'confirm_revoked', 'cancel'] as const;
export type RevocationEvent = (typeof revocationEvents)[number];

export const revocationLifecycle = defineLifecycle<RequestStatus, RevocationEvent>('revocation', REQUEST_STATUSES, {
  complete: { from: ['incomplete'], to: 'pending_review' },
  approve: { from: ['pending_review'], to: 'approved' },
  return: { from: ['pending_review'], to: 'incomplete' },
  reject: { from: ['pending_review'], to: 'rejected' },
  submit_to_ca: { from: ['approved'], to: 'submitted_to_ca' },
  confirm_revoked: { from: ['submitted_to_ca'], to: 'completed' },
  cancel: { from: ['incomplete', 'pending_review'], to: 'cancelled' },
});
