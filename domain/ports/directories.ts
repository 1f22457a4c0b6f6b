import type { RosterPerson } from '../roster/roster-person.ts';
import type { RosterEntry } from '../roster/roster-entry.ts';
import type { Officer } from '../people/officer.ts';
import type { TransactionHandle } from './transaction.ts';
import type { Result } from '../shared/result.ts';

export type RosterUpsertCode = 'ROSTER.NIK_TAKEN' | 'ROSTER.EMAIL_TAKEN';

export interface RosterDirectory {
  findByNip(nip: string, tx?: TransactionHandle): Promise<RosterPerson | null>;
  findByEmail(email: string, tx?: TransactionHandle): Promise<RosterPerson | null>;
  findByPersonId(personId: string, tx?: TransactionHandle): Promise<RosterPerson | null>;
  /**
   * Insert or update by NIP (officials: by e-mail). Refused when the NIK or the e-mail already belongs
   * to another person on the roster.
   */
  upsert(entry: RosterEntry, at: string, tx: TransactionHandle): Promise<Result<{ personId: string; created: boolean; agencyChanged: boolean }, RosterUpsertCode>>;
  /** A full roster was imported: everyone active not in `keep` leaves it (active = false). Returns who left. */
  deactivateAllExcept(keep: ReadonlySet<string>, at: string, tx: TransactionHandle): Promise<string[]>;
  count(): Promise<number>;
}

export interface OfficerDirectory {
  findByTelegramId(telegramId: string, tx?: TransactionHandle): Promise<Officer | null>;
  list(): Promise<Officer[]>;
  save(officer: Officer, at: string, tx: TransactionHandle): Promise<void>;
  deactivate(telegramId: string, at: string, tx: TransactionHandle): Promise<boolean>;
}

/** A standing permission of the Pengelola for one "pihak lain" (Pasal 13(1)c). The NIK is kept only as its keyed hash. */
export interface OutsiderPermit {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  /** The Pengelola's letter or reason (nomor surat), as given. */
  readonly reference: string;
  /** The audit actor who granted it (`officer:<id>` or `system`). */
  readonly grantedBy: string;
  readonly grantedAt: string;
}

/** "Pihak lain" the Pengelola allowed to apply (Pasal 13(1)c). A revoked permit no longer counts. */
export interface OutsiderPermits {
  isPermitted(email: string, nikLookup: string, tx?: TransactionHandle): Promise<boolean>;
  /** The permit in force for this address, if any. */
  findByEmail(email: string, tx?: TransactionHandle): Promise<OutsiderPermit | null>;
  /** Permits in force, newest first. */
  list(): Promise<OutsiderPermit[]>;
  /** Records a permit (replacing a revoked one for the same address) and returns its id. */
  grant(input: { email: string; nikLookup: string; name: string; grantedBy: string; reference: string; at: string }, tx: TransactionHandle): Promise<string>;
  /** Revokes the permit in force for this address; returns its id, or null when there was none. */
  revoke(email: string, by: string, at: string, tx: TransactionHandle): Promise<string | null>;
}
