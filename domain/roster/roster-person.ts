import type { PersonCategory } from './roster-entry.ts';

/**
 * A roster entry as the register returns it. The NIK itself never leaves storage: `nikLookup` is its
 * keyed hash, enough to check that the NIK an applicant gives is the one on the roster.
 */
export interface RosterPerson {
  readonly personId: string;
  readonly nip: string | null;
  readonly name: string;
  readonly email: string;
  readonly agency: string;
  readonly position: string;
  readonly superiorNip: string | null;
  readonly category: PersonCategory;
  readonly active: boolean;
  readonly nikLookup: string;
}
