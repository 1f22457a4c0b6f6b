import { validateRosterEntry, type RawRosterRow } from '../roster/roster-entry.ts';
import type { Params } from '../shared/result.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';
import { askRevocationsAfterRosterChange } from './roster-revocations.ts';

export interface RosterLine {
  /** Line number in the source file (the header is line 1), for the error report. */
  readonly line: number;
  readonly row: RawRosterRow;
}

export interface RosterLineError {
  readonly line: number;
  readonly code: string;
  readonly params: Params;
}

export interface RosterImportReport {
  readonly created: number;
  readonly updated: number;
  readonly errors: readonly RosterLineError[];
  /** People a full roster no longer lists, now inactive. */
  readonly dropped: number;
  /** A full import with errors drops nobody: a bad row must not read as someone leaving. */
  readonly dropSkipped: boolean;
  /** Revocations the RA opened for certificates of people who left or moved agency (Pasal 18(1)). */
  readonly revocationRequests: readonly string[];
}

/** Rows per transaction: big enough to be fast, small enough that a crash loses little work. */
const BATCH = 500;

/**
 * Upserts the ASN roster (Pasal 9(2)a: ASN membership is checked against it). Every bad row is reported
 * with its line and reason and the valid rows are kept; a NIP or e-mail seen twice in one file keeps the
 * first and reports the second.
 */
export async function importRoster(
  p: DeskPorts,
  lines: AsyncIterable<RosterLine> | Iterable<RosterLine>,
  options: {
    actor?: Actor; onProgress?: (done: number) => void;
    /**
     * The file is the whole roster: whoever it does not list leaves. Asked once every line was read,
     * so the caller can say whether the file was read cleanly (its own CSV errors count too).
     */
    fullRoster?: () => boolean;
  } = {},
): Promise<RosterImportReport> {
  const errors: RosterLineError[] = [];
  const seen = new Set<string>();
  let created = 0;
  let updated = 0;
  let done = 0;
  let batch: RosterLine[] = [];
  const kept = new Set<string>();
  const moved: string[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const at = p.clock.now().toISOString();
    const work = batch;
    batch = [];
    await p.uow.run(async (tx) => {
      for (const { line, row } of work) {
        const entry = validateRosterEntry(row, p.settings.officialDomains);
        if (!entry.ok) { errors.push({ line, code: entry.code, params: entry.params }); continue; }
        const keys = [entry.value.nip ? `nip:${entry.value.nip}` : null, `email:${entry.value.email}`].filter((k): k is string => k !== null);
        if (keys.some((k) => seen.has(k))) { errors.push({ line, code: 'ROSTER.DUPLICATE_IN_FILE', params: {} }); continue; }
        const saved = await p.roster.upsert(entry.value, at, tx);
        if (!saved.ok) { errors.push({ line, code: saved.code, params: saved.params }); continue; }
        // Only rows that were kept count as seen: a corrected row later in the file may still land.
        keys.forEach((k) => seen.add(k));
        kept.add(saved.value.personId);
        if (saved.value.agencyChanged) moved.push(saved.value.personId);
        if (saved.value.created) created++; else updated++;
      }
    });
    done += work.length;
    options.onProgress?.(done);
  };

  for await (const line of lines) {
    batch.push(line);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  const full = options.fullRoster !== undefined;
  const dropSkipped = full && (errors.length > 0 || !options.fullRoster!());
  const actor = options.actor ?? SYSTEM_ACTOR;
  const left = full && !dropSkipped ? await p.uow.run((tx) => p.roster.deactivateAllExcept(kept, p.clock.now().toISOString(), tx)) : [];
  await p.uow.run((tx) => p.audit.append({
    actor, action: 'roster.import', subject: 'roster',
    outcome: `created:${created}/updated:${updated}/errors:${errors.length}/dropped:${left.length}`,
  }, tx));
  const revocationRequests = await askRevocationsAfterRosterChange(p, [
    ...left.map((personId) => ({ personId, ground: 'moved_retired' as const })),
    ...moved.map((personId) => ({ personId, ground: 'data_changed' as const })),
  ], actor);
  errors.sort((a, b) => a.line - b.line);
  return { created, updated, errors, dropped: left.length, dropSkipped, revocationRequests };
}
