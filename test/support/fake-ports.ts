import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { TelegramBindings, OneTimeCodes } from '../../domain/ports/telegram-bindings.ts';
import type { CertificateRecord, CertificateRegister } from '../../domain/ports/certificates.ts';
import type { BindingChallenge, TelegramBinding } from '../../domain/telegram/binding.ts';
import type { DeskPorts, DeskSettings } from '../../domain/use-cases/desk-ports.ts';
import type { TransactionHandle, UnitOfWork } from '../../domain/ports/transaction.ts';
import type { CaseRepository, NewCase } from '../../domain/ports/case-repository.ts';
import type { OfficerDirectory, OutsiderPermits, RosterDirectory } from '../../domain/ports/directories.ts';
import type { IdentityHasher } from '../../domain/ports/identity-hasher.ts';
import type { DocumentVault, StoredDocument } from '../../domain/ports/document-vault.ts';
import type { AuditLog, AuditRecord } from '../../domain/ports/audit-log.ts';
import type { Notification, Notifier } from '../../domain/ports/notifier.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { CaseRecord, CheckResult, Decision } from '../../domain/requests/case-record.ts';
import type { RosterPerson } from '../../domain/roster/roster-person.ts';
import type { PersonCategory } from '../../domain/roster/roster-entry.ts';
import type { Officer, OfficerRole } from '../../domain/people/officer.ts';
import { formatCaseId, prefixFor, sequenceName } from '../../domain/requests/case-id.ts';
import { RULE_CODES } from '../../domain/issuance/verification-rules.ts';
import { assertAuditSafe } from '../../domain/audit/audit-event.ts';
import { chainHash, encodeEvidence, GENESIS_HASH } from '../../domain/audit/chain.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { ok, refuse } from '../../domain/shared/result.ts';
import type { ProcessingRestriction, ProcessingRestrictions } from '../../domain/ports/processing-restrictions.ts';
import type { RateLimiter } from '../../domain/ports/rate-limits.ts';

/**
 * In-memory fakes of the domain's own ports, for domain unit tests only (STYLE.md §11): the storage
 * adapters are tested against SQLite and PostgreSQL elsewhere. The fakes keep the guarantees the use
 * cases lean on, so a use case that forgets one fails here too:
 *
 * - `UnitOfWork.run` gives `work` a fresh dummy handle. Each transaction reads a snapshot of the
 *   committed state taken when it began, plus its own writes; its writes are staged and applied to the
 *   committed state only when `work` resolves. When `work` throws, the staged writes are discarded.
 *   Writes made without a handle commit at once.
 * - `CaseRepository.change` is conditional on the version, with a row lock like PostgreSQL's: a second
 *   transaction changing the same case waits until the first finishes, then re-checks the version
 *   against what was committed (so two concurrent decisions give one `true` and one `false`).
 * - `recordDecision` throws on a second decision for the same (request, review round), like the unique
 *   index in storage.
 * - `AuditLog.append` runs the real `assertAuditSafe` before staging anything and chains rows with the
 *   real `chainHash`.
 * - `Notifier.enqueue` returns false for a dedupe key already queued (committed or staged).
 *
 * The NIK given with a case is kept only as its keyed hash (`applicantNikLookup`), as storage keeps it.
 */

// ------------------------------------------------------------------------------------------- people

export { PEOPLE } from './people.ts';

/** Every verification item passing, as a complete application records it. */
export const passingChecks = (): CheckResult[] => RULE_CODES.map((rule) => ({ rule, pass: true, code: 'VERIFY.OK', params: {} }));

// ------------------------------------------------------------------------------------------ clock

export interface FakeClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function createFakeClock(start: Date | string = '2026-03-02T02:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => { current = new Date(at).getTime(); },
    advance: (ms) => { current += ms; },
  };
}

// ----------------------------------------------------------------------------------------- hasher

const HMAC_KEY = Buffer.from('ra-desk fake identity hasher key, tests only', 'utf8');

/** The keyed hash the fake hasher gives a NIK, for building roster entries and permits in tests. */
export const fakeNikLookup = (nik: string): string => createHmac('sha256', HMAC_KEY).update(nik).digest('hex');

export const fakeHasher: IdentityHasher = { nikLookup: fakeNikLookup };

// ----------------------------------------------------------------------------------------- tables

/** A case as the fake register holds it: no decision inside (decisions are their own table). */
export interface StoredCase extends Omit<CaseRecord, 'decision'> {
  readonly applicantNikLookup: string | null;
}

export interface StoredDecision extends Decision {
  readonly requestId: string;
}

export interface Permit {
  readonly id: string;
  readonly email: string;
  readonly nikLookup: string;
  readonly name: string;
  readonly grantedBy: string;
  readonly reference: string;
  readonly at: string;
  readonly revokedAt?: string;
}

interface Tables {
  cases: Map<string, StoredCase>;
  /** The NIK given with a case: storage keeps it encrypted; here it stands apart from the case record. */
  applicantNiks: Map<string, string>;
  decisions: StoredDecision[];
  sequences: Map<string, number>;
  audit: AuditRecord[];
  outbox: Notification[];
  documents: StoredDocument[];
  blobs: Map<string, Uint8Array>;
  roster: Map<string, RosterPerson>;
  officers: Map<string, Officer>;
  permits: Permit[];
}

const emptyTables = (): Tables => ({
  cases: new Map(), applicantNiks: new Map(), decisions: [], sequences: new Map(), audit: [], outbox: [], documents: [], blobs: new Map(),
  roster: new Map(), officers: new Map(), permits: [],
});

/** Shallow copies: stored records are immutable and replaced, never edited in place. */
const cloneTables = (t: Tables): Tables => ({
  cases: new Map(t.cases), applicantNiks: new Map(t.applicantNiks), decisions: [...t.decisions], sequences: new Map(t.sequences), audit: [...t.audit],
  outbox: [...t.outbox], documents: [...t.documents], blobs: new Map(t.blobs), roster: new Map(t.roster),
  officers: new Map(t.officers), permits: [...t.permits],
});

/** What a second writer hits when the register's own constraints refuse a write. */
export class FakeConstraintError extends Error {
  override readonly name = 'FakeConstraintError';
}

// ------------------------------------------------------------------------------------ transactions

type Op = (t: Tables) => void;

interface Tx {
  readonly draft: Tables;
  readonly ops: Op[];
  readonly locks: Set<string>;
  /** Cases this transaction created or changed: it reads those from its draft, others from the latest commit. */
  readonly ownCases: Set<string>;
  /** The last audit row this transaction appended, while it holds the head lock. */
  auditTail: AuditRecord | undefined;
  finished: boolean;
  readonly done: Promise<void>;
  release(): void;
}

/** Everything `createFakeDesk` exposes for a test to look at or prepare. Reads show committed data. */
export interface FakeDeskState {
  readonly clock: FakeClock;
  /** Transactions committed and rolled back so far. */
  readonly commits: number;
  readonly rollbacks: number;
  readonly cases: readonly StoredCase[];
  /** The case with its latest decision, as `CaseRepository.get` returns it, plus the stored NIK hash. */
  case(id: string): (CaseRecord & { readonly applicantNikLookup: string | null }) | undefined;
  readonly decisions: readonly StoredDecision[];
  readonly audit: readonly AuditRecord[];
  readonly notifications: readonly Notification[];
  readonly documents: readonly StoredDocument[];
  documentBytes(id: string): Uint8Array | undefined;
  readonly roster: readonly RosterPerson[];
  readonly officers: readonly Officer[];
  readonly permits: readonly Permit[];
  /** Puts a person on the roster directly (committed), with the NIK's keyed hash. */
  seedPerson(p: SeedPerson): RosterPerson;
  seedOfficer(o: SeedOfficer): Officer;
  /** Puts a case in the register directly (committed), version 1 unless given. */
  seedCase(c: SeedCase): StoredCase;
  seedDecision(d: StoredDecision): void;
  grantPermit(email: string, nik: string): void;
  /** Changes a committed case behind the use case's back, as another process would. */
  tamperCase(id: string, patch: Partial<StoredCase>): void;
}

export interface SeedPerson {
  readonly nip: string | null;
  readonly nik: string;
  readonly name: string;
  readonly email: string;
  readonly agency?: string;
  readonly position?: string;
  readonly superiorNip?: string | null;
  readonly category?: PersonCategory;
  readonly active?: boolean;
  readonly personId?: string;
}

export interface SeedOfficer {
  readonly telegramId: string;
  readonly person: RosterPerson;
  readonly role?: OfficerRole;
  readonly active?: boolean;
}

export type SeedCase = Partial<Omit<StoredCase, 'id'>> & { readonly id: string; readonly applicant: StoredCase['applicant'] };

export type FakeDeskOverrides = Partial<Omit<DeskPorts, 'settings'>> & {
  readonly settings?: Partial<DeskSettings>;
  readonly now?: Date | string;
};

export interface FakeDesk {
  readonly ports: DeskPorts;
  readonly state: FakeDeskState;
}

export const DEFAULT_SETTINGS: DeskSettings = { officialDomains: ['pontianak.go.id'], maxFileBytes: 10 * 1024 * 1024 };

/**
 * A desk on in-memory fakes. Pass a port in `overrides` to replace one fake (e.g. a failing vault).
 *
 * @example
 * const { ports, state } = createFakeDesk();
 * const siti = state.seedPerson(PEOPLE.siti);
 * const r = await submitApplication(ports, input);
 * expect(state.audit).toHaveLength(1);
 */
export function createFakeDesk(overrides: FakeDeskOverrides = {}): FakeDesk {
  let committed = emptyTables();
  let commits = 0;
  let rollbacks = 0;
  const clock = createFakeClock(overrides.now);
  const open = new WeakMap<TransactionHandle, Tx>();
  /** Row locks: key → the transaction holding it until it ends. */
  const lockHolders = new Map<string, Tx>();

  const txOf = (handle: TransactionHandle): Tx => {
    const tx = open.get(handle);
    if (!tx) throw new Error('fake-ports: not a transaction handle of this desk');
    if (tx.finished) throw new Error('fake-ports: the transaction has already ended');
    return tx;
  };
  const read = (handle?: TransactionHandle): Tables => (handle ? txOf(handle).draft : committed);

  /** Applies `op` now to what the caller sees; inside a transaction, replays it on commit. */
  const write = (handle: TransactionHandle | undefined, op: Op): void => {
    if (!handle) {
      const next = cloneTables(committed);
      op(next);
      committed = next;
      return;
    }
    const tx = txOf(handle);
    op(tx.draft);
    tx.ops.push(op);
  };

  const lock = async (handle: TransactionHandle, key: string): Promise<Tx> => {
    const tx = txOf(handle);
    for (;;) {
      const holder = lockHolders.get(key);
      if (!holder || holder === tx) break;
      await holder.done;
    }
    lockHolders.set(key, tx);
    tx.locks.add(key);
    return tx;
  };

  const uow: UnitOfWork = {
    async run(work) {
      let release = (): void => undefined;
      const done = new Promise<void>((resolve) => { release = resolve; });
      const tx: Tx = { draft: cloneTables(committed), ops: [], locks: new Set(), ownCases: new Set(), auditTail: undefined, finished: false, done, release };
      const handle = { __brand: 'TransactionHandle' } as TransactionHandle;
      open.set(handle, tx);
      const end = (): void => {
        tx.finished = true;
        for (const key of tx.locks) if (lockHolders.get(key) === tx) lockHolders.delete(key);
        tx.release();
      };
      try {
        const result = await work(handle);
        // Replayed on a copy and swapped in whole, so a constraint failing half-way commits nothing.
        const next = cloneTables(committed);
        for (const op of tx.ops) op(next);
        committed = next;
        commits++;
        end();
        return result;
      } catch (e) {
        rollbacks++;
        end();
        throw e;
      }
    },
  };

  // ------------------------------------------------------------------------------------- cases

  const withDecision = (t: Tables, c: StoredCase): CaseRecord => {
    const decisions = t.decisions.filter((d) => d.requestId === c.id).sort((a, b) => a.reviewRound - b.reviewRound);
    const last = decisions.at(-1);
    const { applicantNikLookup: _nik, ...record } = c;
    if (!last) return { ...record, decision: null };
    const { requestId: _id, ...decision } = last;
    return { ...record, decision };
  };

  const cases: CaseRepository = {
    async nextId(kind, year, handle) {
      const name = sequenceName(prefixFor(kind), year);
      const tx = await lock(handle, `sequence:${name}`);
      // The lock makes the committed value the latest one; our own earlier draws are in the draft.
      const value = Math.max(committed.sequences.get(name) ?? 0, tx.draft.sequences.get(name) ?? 0) + 1;
      write(handle, (t) => { t.sequences.set(name, Math.max(t.sequences.get(name) ?? 0, value)); });
      return formatCaseId(prefixFor(kind), year, value);
    },

    async create(c: NewCase, handle) {
      if (read(handle).cases.has(c.id) || committed.cases.has(c.id)) throw new FakeConstraintError(`case ${c.id} already exists`);
      const stored: StoredCase = {
        id: c.id, kind: c.kind, status: c.status, channel: c.channel, applicant: { ...c.applicant },
        applicantNikLookup: c.applicantNik ? fakeNikLookup(c.applicantNik) : null,
        certificateType: c.certificateType, uses: [...c.uses], details: { ...c.details }, checks: [...c.checks],
        reviewRound: c.reviewRound, version: 1, createdAt: c.createdAt, updatedAt: c.createdAt,
      };
      write(handle, (t) => {
        if (t.cases.has(c.id)) throw new FakeConstraintError(`case ${c.id} already exists`);
        t.cases.set(c.id, stored);
        if (c.applicantNik) t.applicantNiks.set(c.id, c.applicantNik);
      });
      txOf(handle).ownCases.add(c.id);
    },

    async get(id, handle) {
      const t = read(handle);
      const c = t.cases.get(id);
      return c ? withDecision(t, c) : null;
    },

    async change(id, expectedVersion, change, handle) {
      const tx = await lock(handle, `case:${id}`);
      // Like UPDATE … WHERE version = :v under READ COMMITTED: checked against the latest committed
      // row (after the lock holder ended), or against our own earlier write to it.
      const ownWrite = tx.ownCases.has(id);
      const current = ownWrite ? tx.draft.cases.get(id) : committed.cases.get(id);
      if (!current || current.version !== expectedVersion) return false;
      const apply: Op = (t) => {
        const row = t.cases.get(id);
        if (!row || row.version !== expectedVersion) throw new FakeConstraintError(`case ${id} changed under a held lock`);
        t.cases.set(id, {
          ...row, status: change.status, updatedAt: change.updatedAt, version: row.version + 1,
          ...(change.checks ? { checks: [...change.checks] } : {}),
          ...(change.reviewRound !== undefined ? { reviewRound: change.reviewRound } : {}),
          ...(change.details ? { details: { ...change.details } } : {}),
        });
      };
      // The draft must hold the latest committed row before our change lands on it.
      if (!ownWrite) tx.draft.cases.set(id, current);
      tx.ownCases.add(id);
      write(handle, apply);
      return true;
    },

    async recordDecision(caseId, d, handle) {
      const duplicate = (t: Tables): boolean => t.decisions.some((x) => x.requestId === caseId && x.reviewRound === d.reviewRound);
      const refuseDuplicate = (): never => {
        throw new FakeConstraintError(`unique (request_id, review_round) violated for ${caseId} round ${d.reviewRound}`);
      };
      if (duplicate(read(handle)) || duplicate(committed)) refuseDuplicate();
      const row: StoredDecision = { ...d, reasons: [...d.reasons], requestId: caseId };
      write(handle, (t) => {
        if (duplicate(t)) refuseDuplicate();
        t.decisions.push(row);
      });
    },

    applicantNik: async (id, handle) => read(handle).applicantNiks.get(id) ?? null,

    async list(filter) {
      return [...committed.cases.values()]
        .filter((c) => (!filter.status || c.status === filter.status) && (!filter.kind || c.kind === filter.kind)
          && (!filter.applicantNip || c.applicant.nip === filter.applicantNip))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
        .slice(0, filter.limit ?? 1000)
        .map((c) => withDecision(committed, c));
    },
  };

  // --------------------------------------------------------------------------------- directories

  const roster: RosterDirectory = {
    findByNip: async (nip, handle) => [...read(handle).roster.values()].find((p) => p.nip === nip) ?? null,
    findByEmail: async (email, handle) =>
      [...read(handle).roster.values()].find((p) => p.email === email.trim().toLowerCase()) ?? null,
    findByPersonId: async (personId, handle) => read(handle).roster.get(personId) ?? null,
    count: async () => committed.roster.size,
    async upsert(entry, _at, handle) {
      const people = [...read(handle).roster.values()];
      const nikLookup = fakeNikLookup(entry.nik);
      const existing = entry.nip
        ? people.find((p) => p.nip === entry.nip)
        : people.find((p) => p.email === entry.email && p.category === 'official');
      const byNik = people.find((p) => p.nikLookup === nikLookup);
      if (byNik && byNik.personId !== existing?.personId) return refuse('ROSTER.NIK_TAKEN');
      const byEmail = people.find((p) => p.email === entry.email);
      if (byEmail && byEmail.personId !== existing?.personId) return refuse('ROSTER.EMAIL_TAKEN');
      const person: RosterPerson = {
        personId: existing?.personId ?? randomUUID(), nip: entry.nip, name: entry.name, email: entry.email,
        agency: entry.agency, position: entry.position, superiorNip: entry.superiorNip, category: entry.category,
        active: true, nikLookup,
      };
      write(handle, (t) => { t.roster.set(person.personId, person); });
      return ok({ personId: person.personId, created: !existing, agencyChanged: existing !== undefined && existing.active && existing.agency !== entry.agency });
    },
    async deactivateAllExcept(keep, _at, handle) {
      const leaving = [...read(handle).roster.values()].filter((p) => p.active && !keep.has(p.personId));
      write(handle, (t) => { for (const p of leaving) t.roster.set(p.personId, { ...p, active: false }); });
      return leaving.map((p) => p.personId);
    },
  };

  const officers: OfficerDirectory = {
    findByTelegramId: async (telegramId, handle) => read(handle).officers.get(telegramId) ?? null,
    list: async () => [...committed.officers.values()],
    async save(officer, _at, handle) {
      write(handle, (t) => { t.officers.set(officer.telegramId, { ...officer }); });
    },
    async deactivate(telegramId, _at, handle) {
      const current = read(handle).officers.get(telegramId);
      if (!current?.active) return false;
      write(handle, (t) => {
        const row = t.officers.get(telegramId);
        if (row) t.officers.set(telegramId, { ...row, active: false });
      });
      return true;
    },
  };

  const inForce = (p: Permit, email: string): boolean => p.email === email.trim().toLowerCase() && p.revokedAt === undefined;
  const toPermit = (p: Permit) => ({ id: p.id, email: p.email, name: p.name, reference: p.reference, grantedBy: p.grantedBy, grantedAt: p.at });
  const permits: OutsiderPermits = {
    isPermitted: async (email, nikLookup, handle) =>
      read(handle).permits.some((p) => inForce(p, email) && p.nikLookup === nikLookup),
    async findByEmail(email, handle) {
      const p = read(handle).permits.find((x) => inForce(x, email));
      return p ? toPermit(p) : null;
    },
    list: async () => read(undefined).permits.filter((p) => p.revokedAt === undefined).map(toPermit),
    async grant(input, handle) {
      const id = randomUUID();
      write(handle, (t) => {
        t.permits = t.permits.filter((p) => p.email !== input.email.trim().toLowerCase());
        t.permits.push({ ...input, id, email: input.email.trim().toLowerCase() });
      });
      return id;
    },
    async revoke(email, _by, at, handle) {
      const p = read(handle).permits.find((x) => inForce(x, email));
      if (!p) return null;
      write(handle, (t) => { t.permits = t.permits.map((x) => (x.id === p.id ? { ...x, revokedAt: at } : x)); });
      return p.id;
    },
  };

  // ---------------------------------------------------------------------------------- documents

  const vault: DocumentVault = {
    async store(input, handle) {
      const bytes = Uint8Array.from(input.bytes);
      const doc: StoredDocument = {
        id: randomUUID(), requestId: input.requestId, kind: input.kind, mediaType: input.mediaType, size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'), createdAt: clock.now(),
      };
      write(handle, (t) => { t.documents.push(doc); t.blobs.set(doc.id, bytes); });
      return doc;
    },
    async read(documentId, requestId) {
      const doc = committed.documents.find((d) => d.id === documentId);
      if (!doc) throw new RaError('VAULT.NOT_FOUND', 'No such document');
      const bytes = committed.blobs.get(documentId);
      if (doc.requestId !== requestId || !bytes) throw new RaError('VAULT.DECRYPT_FAILED', 'The document does not belong to this request');
      return Uint8Array.from(bytes);
    },
    list: async (requestId) => committed.documents.filter((d) => d.requestId === requestId),
  };

  // ------------------------------------------------------------------------- audit and outbox

  const audit: AuditLog = {
    async append(event, handle) {
      assertAuditSafe(event);
      const tx = await lock(handle, 'audit:head');
      // Holding the head lock, the chain continues from the committed rows and our own staged ones.
      const previous = tx.auditTail ?? committed.audit.at(-1);
      const entry = {
        seq: (previous?.seq ?? 0) + 1, at: clock.now().toISOString(), actor: event.actor, action: event.action,
        subject: event.subject, outcome: event.outcome, evidence: encodeEvidence(event.evidence ?? []),
      };
      const prevHash = previous?.hash ?? GENESIS_HASH;
      const record: AuditRecord = { ...entry, evidence: [...(event.evidence ?? [])], prevHash, hash: chainHash(prevHash, entry) };
      write(handle, (t) => { t.audit.push(record); });
      tx.auditTail = record;
      return record;
    },
  };

  const notifier: Notifier = {
    async enqueue(n, handle) {
      const queued = (t: Tables): boolean => t.outbox.some((x) => x.dedupeKey === n.dedupeKey);
      if (queued(read(handle)) || queued(committed)) return false;
      const row: Notification = { ...n, model: structuredClone(n.model) };
      write(handle, (t) => { if (!queued(t)) t.outbox.push(row); });
      return true;
    },
    async enqueueMany(ns, handle) {
      const out: boolean[] = [];
      for (const n of ns) out.push(await notifier.enqueue(n, handle));
      return out;
    },
  };

  // -------------------------------------------------------------------------------------- state

  const state: FakeDeskState = {
    clock,
    get commits() { return commits; },
    get rollbacks() { return rollbacks; },
    get cases() { return [...committed.cases.values()]; },
    case(id) {
      const c = committed.cases.get(id);
      return c ? { ...withDecision(committed, c), applicantNikLookup: c.applicantNikLookup } : undefined;
    },
    get decisions() { return [...committed.decisions]; },
    get audit() { return [...committed.audit]; },
    get notifications() { return [...committed.outbox]; },
    get documents() { return [...committed.documents]; },
    documentBytes: (id) => committed.blobs.get(id),
    get roster() { return [...committed.roster.values()]; },
    get officers() { return [...committed.officers.values()]; },
    get permits() { return [...committed.permits]; },

    seedPerson(p) {
      const person: RosterPerson = {
        personId: p.personId ?? randomUUID(), nip: p.nip, name: p.name, email: p.email.trim().toLowerCase(),
        agency: p.agency ?? 'Dinas Komunikasi dan Informatika', position: p.position ?? 'Pranata Komputer',
        superiorNip: p.superiorNip ?? null, category: p.category ?? (p.nip ? 'asn' : 'official'), active: p.active ?? true,
        nikLookup: fakeNikLookup(p.nik),
      };
      write(undefined, (t) => { t.roster.set(person.personId, person); });
      return person;
    },
    seedOfficer(o) {
      if (!o.person.nip) throw new Error('fake-ports: an officer is an ASN with a NIP (Pasal 9(4))');
      const officer: Officer = {
        telegramId: o.telegramId, personId: o.person.personId, nip: o.person.nip, role: o.role ?? 'officer',
        appointmentRef: `800/${o.telegramId}/2026`, active: o.active ?? true,
      };
      write(undefined, (t) => { t.officers.set(officer.telegramId, officer); });
      return officer;
    },
    seedCase(c) {
      const at = clock.now().toISOString();
      const stored: StoredCase = {
        kind: 'issuance', status: 'pending_review', channel: 'email', applicantNikLookup: null, certificateType: 'individual',
        uses: ['signature', 'email', 'document'], details: {}, checks: passingChecks(), reviewRound: 1, version: 1,
        createdAt: at, updatedAt: at, ...c,
      };
      write(undefined, (t) => { t.cases.set(stored.id, stored); });
      return stored;
    },
    seedDecision(d) {
      write(undefined, (t) => { t.decisions.push(d); });
    },
    grantPermit(email, nik) {
      write(undefined, (t) => {
        t.permits.push({ id: randomUUID(), email: email.trim().toLowerCase(), nikLookup: fakeNikLookup(nik), name: 'Pihak Lain', grantedBy: 'system', reference: 'TEST/2026', at: clock.now().toISOString() });
      });
    },
    tamperCase(id, patch) {
      write(undefined, (t) => {
        const row = t.cases.get(id);
        if (!row) throw new Error(`fake-ports: no case ${id}`);
        t.cases.set(id, { ...row, ...patch });
      });
    },
  };

  // Telegram bindings: plain in-memory (not staged with transactions; the bot tests use real storage).
  const bindingRows: TelegramBinding[] = [];
  const challengeRows: (BindingChallenge & { id: string; usedAt: string | null })[] = [];
  const telegramBindings: TelegramBindings = {
    findByTelegramId: async (id) => bindingRows.find((b) => b.telegramId === id) ?? null,
    findByPersonId: async (id) => bindingRows.find((b) => b.personId === id) ?? null,
    async bind(b) {
      for (let i = bindingRows.length - 1; i >= 0; i--) if (bindingRows[i]!.personId === b.personId || bindingRows[i]!.telegramId === b.telegramId) bindingRows.splice(i, 1);
      bindingRows.push(b);
    },
    challengesSince: async (id, since) => challengeRows.filter((c) => c.telegramId === id && c.createdAt >= since).length,
    async saveChallenge(c) { challengeRows.push({ ...c, id: `ch-${challengeRows.length + 1}`, usedAt: null }); },
    latestChallenge: async (id) => challengeRows.filter((c) => c.telegramId === id).at(-1) ?? null,
    async recordAttempt(id) { const c = challengeRows.find((x) => x.id === id); if (c) Object.assign(c, { attempts: c.attempts + 1 }); },
    async markUsed(id, at) { const c = challengeRows.find((x) => x.id === id); if (c) Object.assign(c, { usedAt: at }); },
  };
  const codes: OneTimeCodes = { generate: () => '123456', hash: (telegramId, code) => `otp:${telegramId}:${code}` };
  const certificateRows: CertificateRecord[] = [];
  const certificates: CertificateRegister = {
    async create(c) { certificateRows.push(c); },
    findByRequest: async (id) => certificateRows.filter((c) => c.requestId === id).at(-1) ?? null,
    findBySerial: async (issuer, serial) => {
      const c = certificateRows.find((x) => x.issuer === issuer && x.serial === serial);
      return c ? { ...c, revokedAt: null } : null;
    },
    async setMilestone(id, field, at) {
      const i = certificateRows.findIndex((c) => c.id === id && c[field] === null);
      if (i < 0) return false;
      certificateRows[i] = { ...certificateRows[i]!, [field]: at };
      return true;
    },
    get: async (id) => certificateRows.find((c) => c.id === id) ?? null,
    listByOwner: async (personId) => certificateRows.filter((c) => c.ownerPersonId === personId).sort((a, b) => b.notAfter.localeCompare(a.notAfter)),
    async markRevoked(id) {
      const i = certificateRows.findIndex((c) => c.id === id && c.state === 'active');
      if (i < 0) return false;
      certificateRows[i] = { ...certificateRows[i]!, state: 'revoked' };
      return true;
    },
  };

  const restrictedIds = new Map<string, ProcessingRestriction>();
  const restrictions: ProcessingRestrictions = {
    isRestricted: async (id) => restrictedIds.has(id),
    find: async (id) => restrictedIds.get(id) ?? null,
    async restrict(r) { if (restrictedIds.has(r.personId)) return false; restrictedIds.set(r.personId, r); return true; },
    lift: async (id) => restrictedIds.delete(id),
  };

  // Unlimited unless a test passes its own limiter: the domain tests are about other rules.
  const limits: RateLimiter = { take: async () => ({ allowed: true, bucket: { tokens: 1, at: clock.now().toISOString() } }) };
  const { settings, now: _now, ...portOverrides } = overrides;
  const ports: DeskPorts = {
    uow, cases, roster, officers, permits, hasher: fakeHasher, vault, audit, notifier, clock, telegramBindings, codes, certificates, restrictions, limits,
    ...portOverrides,
    settings: { ...DEFAULT_SETTINGS, ...settings },
  };
  return { ports, state };
}
