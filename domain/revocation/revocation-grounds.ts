import type { RevocationReasonCode } from '../ports/certificate-authority.ts';

/**
 * Why a certificate is revoked, in the regulation's words (Pasal 18(2)-(3)) and the desk's own:
 * - `lost`, `damaged`, `inaccessible`: the key pair or certificate is lost, damaged or cannot be used;
 *   the owner reports as soon as possible with a report to the authorities and a statement acknowledged
 *   by the superior (18(3)), must apply again (18(2)b), and it is a security incident (24(3)a);
 * - `key_compromise`: someone else may hold the private key or passphrase (an incident too, 24(3)b);
 * - `data_changed`: name, position or agency on the certificate no longer hold;
 * - `moved_retired`: the owner left the city's service (mutasi, pensiun, berhenti) — the RA asks this
 *   one itself when the roster drops a person (18(1));
 * - `other`: with an explanation an officer reads.
 */
export const REVOCATION_GROUNDS = ['lost', 'damaged', 'inaccessible', 'key_compromise', 'data_changed', 'moved_retired', 'other'] as const;
export type RevocationGround = (typeof REVOCATION_GROUNDS)[number];

export const isRevocationGround = (s: string): s is RevocationGround => (REVOCATION_GROUNDS as readonly string[]).includes(s);

/**
 * The RFC 5280 CRLReason each ground is published with. A lost key is treated as compromised: whoever
 * finds it may try the passphrase. A damaged or inaccessible key cannot sign any more, and the new
 * certificate the owner applies for supersedes it.
 */
const RFC_REASON: Readonly<Record<RevocationGround, RevocationReasonCode>> = {
  lost: 'keyCompromise',
  damaged: 'superseded',
  inaccessible: 'superseded',
  key_compromise: 'keyCompromise',
  data_changed: 'affiliationChanged',
  moved_retired: 'affiliationChanged',
  other: 'unspecified',
};

export const rfcReasonFor = (ground: RevocationGround): RevocationReasonCode => RFC_REASON[ground];

/** Pasal 18(3): these grounds need the report to the authorities and the owner's statement. */
export const needsLossEvidence = (ground: RevocationGround): boolean => ground === 'lost' || ground === 'damaged' || ground === 'inaccessible';

/** Pasal 24(3): these grounds are also security incidents the RA must handle and report. */
export const isIncidentGround = (ground: RevocationGround): boolean => needsLossEvidence(ground) || ground === 'key_compromise';
