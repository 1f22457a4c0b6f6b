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
  upsert(entry: RosterEntry, at: string, tx: TransactionHandle): Promise<Result<{ personId: string; created: boolean }, RosterUpsertCode>>;
  count(): Promise<number>;
}

export interface OfficerDirectory {
  findByTelegramId(telegramId: string, tx?: TransactionHandle): Promise<Officer | null>;
  list(): Promise<Officer[]>;
  save(officer: Officer, at: string, tx: TransactionHandle): Promise<void>;
  deactivate(telegramId: string, at: string, tx: TransactionHandle): Promise<boolean>;
}

/** "Pihak lain" the Pengelola allowed to apply (Pasal 13(1)c). */
export interface OutsiderPermits {
  isPermitted(email: string, nikLookup: string, tx?: TransactionHandle): Promise<boolean>;
  grant(input: { email: string; nikLookup: string; grantedBy: string; reference: string; at: string }, tx: TransactionHandle): Promise<void>;
}
