import { defineLifecycle } from '../shared/lifecycle.ts';
import { ok, refuse, type Result } from '../shared/result.ts';

export const CERTIFICATE_TYPES = ['individual', 'position', 'system'] as const;
/** Pasal 12: individu; jabatan/wewenang/organisasi; sistem elektronik. */
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

export const CERTIFICATE_USES = ['signature', 'email', 'document', 'ssl_server', 'ssl_client'] as const;
/** Pasal 13(5): tanda tangan elektronik, perlindungan e-mail, perlindungan dokumen, SSL server, SSL client. */
export type CertificateUse = (typeof CERTIFICATE_USES)[number];

export const isCertificateType = (s: string): s is CertificateType => (CERTIFICATE_TYPES as readonly string[]).includes(s);
export const isCertificateUse = (s: string): s is CertificateUse => (CERTIFICATE_USES as readonly string[]).includes(s);

/** What a type is used for when the applicant does not say. */
export const defaultUses = (type: CertificateType): CertificateUse[] =>
  type === 'system' ? ['ssl_server'] : ['signature', 'email', 'document'];

/**
 * The uses of Pasal 13(5) each type of Pasal 12 may carry. A person's or a position's certificate names
 * no host (the CSR rules refuse DNS names for it), so it cannot serve TLS; an electronic system has no
 * mailbox of its own to protect, but may sign documents it produces (Pasal 14(1)c).
 *
 * @example
 * allowedUses('system'); // ['signature', 'document', 'ssl_server', 'ssl_client']
 */
export const allowedUses = (type: CertificateType): readonly CertificateUse[] =>
  type === 'system' ? ['signature', 'document', 'ssl_server', 'ssl_client'] : ['signature', 'email', 'document', 'ssl_client'];

export const CERTIFICATE_STATES = ['active', 'revoked', 'expired'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

export const certificateLifecycle = defineLifecycle<CertificateState, 'revoke' | 'expire'>('certificate', CERTIFICATE_STATES, {
  revoke: { from: ['active'], to: 'revoked' },
  expire: { from: ['active'], to: 'expired' },
});

/** Delivery milestones, in the order the regulation puts them: agreement (16(5), 19(1)), delivery and receipt (16(6)). */
export interface DeliveryMilestones {
  readonly agreementAcceptedAt: string | null;
  readonly deliveredAt: string | null;
  readonly receiptConfirmedAt: string | null;
}

export type MilestoneCode = 'CERTIFICATE.AGREEMENT_REQUIRED' | 'CERTIFICATE.NOT_DELIVERED' | 'CERTIFICATE.ALREADY_RECORDED';

export function recordDelivery(m: DeliveryMilestones, at: string): Result<DeliveryMilestones, MilestoneCode> {
  if (!m.agreementAcceptedAt) return refuse('CERTIFICATE.AGREEMENT_REQUIRED');
  if (m.deliveredAt) return refuse('CERTIFICATE.ALREADY_RECORDED', { milestone: 'delivered' });
  return ok({ ...m, deliveredAt: at });
}

export function recordReceipt(m: DeliveryMilestones, at: string): Result<DeliveryMilestones, MilestoneCode> {
  if (!m.deliveredAt) return refuse('CERTIFICATE.NOT_DELIVERED');
  if (m.receiptConfirmedAt) return refuse('CERTIFICATE.ALREADY_RECORDED', { milestone: 'receipt' });
  return ok({ ...m, receiptConfirmedAt: at });
}
