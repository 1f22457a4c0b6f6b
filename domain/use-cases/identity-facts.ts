import { parseNik } from '../identity/nik.ts';
import type { RosterPerson } from '../roster/roster-person.ts';
import type { CheckResult } from '../requests/case-record.ts';
import type { TransactionHandle } from '../ports/transaction.ts';
import type { DeskPorts } from './desk-ports.ts';

export interface IdentityFacts {
  readonly rosterEntry: RosterPerson | null;
  readonly nikLookup: string | null;
  readonly outsiderPermitted: boolean;
}

/**
 * What verification needs to know about who is asking (Pasal 9(2)a, 13(1)): the roster entry by NIP (by
 * e-mail for an official without one), the keyed hash of the NIK given, and whether the Pengelola
 * allowed this "pihak lain". Shared by a new application and its supplement.
 */
export async function gatherIdentityFacts(
  p: DeskPorts, who: { email: string; nik: string | null; nip: string | null }, tx?: TransactionHandle,
): Promise<IdentityFacts> {
  const rosterEntry = who.nip ? await p.roster.findByNip(who.nip, tx) : await p.roster.findByEmail(who.email, tx);
  const nikLookup = who.nik && parseNik(who.nik).ok ? p.hasher.nikLookup(who.nik) : null;
  const outsiderPermitted = nikLookup !== null && !rosterEntry && (await p.permits.isPermitted(who.email, nikLookup, tx));
  return { rosterEntry, nikLookup, outsiderPermitted };
}

/** Only a passing roster check makes a request that person's: a NIP alone could be anyone's (Pasal 16(4)). */
export const matchedPerson = (facts: IdentityFacts, checks: readonly CheckResult[]): RosterPerson | null =>
  checks.some((c) => c.rule === 'roster' && c.pass) ? facts.rosterEntry : null;
