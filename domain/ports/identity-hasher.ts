/** Keyed hash of a NIK, so the domain can compare NIKs without ever holding the roster's copy in clear. */
export interface IdentityHasher {
  nikLookup(nik: string): string;
}
