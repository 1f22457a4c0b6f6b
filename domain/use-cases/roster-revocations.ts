import { createHash } from 'node:crypto';
import type { Actor } from '../audit/audit-event.ts';
import { canDecide } from '../people/officer.ts';
import type { RevocationGround } from '../revocation/revocation-grounds.ts';
import { requestRevocation } from './request-revocation.ts';
import type { DeskPorts } from './desk-ports.ts';

/** A roster change that may end a certificate's footing: the person left (dropped) or moved agency. */
export interface RosterChange {
  readonly personId: string;
  readonly ground: Extract<RevocationGround, 'moved_retired' | 'data_changed'>;
}

/**
 * The RA starts a revocation itself (Pasal 18(1)) for each active certificate of a person the roster
 * dropped or moved to another agency. Each waits for an officer, who revokes (approves) or confirms the
 * certificate may stay (rejects, with the reason); officers on duty are told once per import. The owner
 * hears only the outcome. A certificate already being revoked is left as it is.
 */
export async function askRevocationsAfterRosterChange(p: DeskPorts, changes: readonly RosterChange[], actor: Actor): Promise<string[]> {
  const opened: string[] = [];
  for (const change of changes) {
    for (const cert of (await p.certificates.listByOwner(change.personId)).filter((c) => c.state === 'active')) {
      const r = await requestRevocation(p, {
        channel: 'email', personId: change.personId, certificateId: cert.id, ground: change.ground, documents: [], acknowledge: false, askedBy: actor,
      });
      if (r.ok) opened.push(r.value.requestId);
    }
  }
  if (opened.length === 0) return opened;
  const officers = (await p.officers.list()).filter(canDecide);
  // One message per officer per set of requests, however long the list.
  const key = createHash('sha256').update(opened.join(',')).digest('hex').slice(0, 32);
  await p.uow.run((tx) => p.notifier.enqueueMany(officers.map((o) => ({
    dedupeKey: `roster-revocations:${o.telegramId}:${key}`, channel: 'telegram' as const, recipient: o.telegramId,
    template: 'officer-roster-revocations', model: { count: opened.length, requestIds: opened.join(', ') },
  })), tx));
  return opened;
}
