import { ok, refuse, type Result } from '../shared/result.ts';
import { personActor, type Actor } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';

export type RestrictionCode = 'PDP.ALREADY_RESTRICTED' | 'PDP.NOT_RESTRICTED';

/**
 * A data subject asks the desk to stop (or resume) processing their data (UU 27/2022 Pasal 11; the
 * controller's duty, Pasal 41). Recorded and audited in one transaction; the audit row names the person
 * by internal id only.
 */
export async function setProcessingRestriction(
  p: DeskPorts, input: { personId: string; by: Actor; lift: boolean },
): Promise<Result<{ restrictedAt: string | null }, RestrictionCode>> {
  const at = p.clock.now().toISOString();
  return p.uow.run(async (tx) => {
    const changed = input.lift
      ? await p.restrictions.lift(input.personId, tx)
      : await p.restrictions.restrict({ personId: input.personId, restrictedAt: at, restrictedBy: input.by }, tx);
    if (!changed) return refuse(input.lift ? 'PDP.NOT_RESTRICTED' : 'PDP.ALREADY_RESTRICTED');
    await p.audit.append({
      actor: input.by, action: input.lift ? 'person.restriction_lifted' : 'person.restricted',
      subject: personActor(input.personId), outcome: 'ok',
    }, tx);
    return ok({ restrictedAt: input.lift ? null : at });
  });
}
