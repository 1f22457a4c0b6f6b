import type { TransactionHandle } from './transaction.ts';
import type { CertificateState } from '../certificates/certificate.ts';
import type { RevocationReasonCode } from './certificate-authority.ts';

/** An issued certificate as the register keeps it: non-personal fields only (the file is in the vault). */
export interface CertificateRecord {
  readonly id: string;
  readonly requestId: string;
  readonly ownerPersonId: string;
  readonly serial: string;
  readonly issuer: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly state: CertificateState;
  readonly agreementAcceptedAt: string | null;
  readonly agreementHash: string | null;
  readonly deliveredAt: string | null;
  readonly receiptConfirmedAt: string | null;
}

export interface CertificateRegister {
  create(c: CertificateRecord, tx: TransactionHandle): Promise<void>;
  findByRequest(requestId: string, tx?: TransactionHandle): Promise<CertificateRecord | null>;
  /** The certificate this register holds under an issuer's serial (lower-case hex, no leading zeros), with its revocation time. */
  findBySerial(issuer: string, serial: string, tx?: TransactionHandle): Promise<(CertificateRecord & { revokedAt: string | null }) | null>;
  /** Sets a delivery milestone only if it is still empty; false when it was already set. */
  setMilestone(id: string, field: 'deliveredAt' | 'receiptConfirmedAt', at: string, tx: TransactionHandle): Promise<boolean>;
  get(id: string, tx?: TransactionHandle): Promise<CertificateRecord | null>;
  /** The owner's certificates, newest expiry first (renewal and revocation pick from these). */
  listByOwner(personId: string, tx?: TransactionHandle): Promise<CertificateRecord[]>;
  /** Marks an active certificate revoked; false when it was not active any more (revoked twice, expired). */
  markRevoked(id: string, at: string, reason: RevocationReasonCode, tx: TransactionHandle): Promise<boolean>;
}
