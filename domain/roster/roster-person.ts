import type { RosterEntry } from './roster-entry.ts';

/**
 * A roster entry as the register returns it. The NIK itself never leaves storage: `nikLookup` is its
 * keyed hash, enough to check that the NIK an applicant gives is the one on the roster.
 */
export interface RosterPerson extends Omit<RosterEntry, 'nik'> {
  readonly personId: string;
  readonly active: boolean;
  readonly nikLookup: string;
}
