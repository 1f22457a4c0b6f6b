import { createHash } from 'node:crypto';
import { ok, refuse, type Result } from '../shared/result.ts';
import { personActor, type Actor } from '../audit/audit-event.ts';
import type { DeskPorts } from './desk-ports.ts';

/** The four things Pasal 46(2) UU 27/2022 says a notice must tell, in the RA's own words. */
export interface BreachFacts {
  /** Which personal data was exposed. */
  readonly what: string;
  /** When it was exposed. */
  readonly when: string;
  /** How it was exposed. */
  readonly how: string;
  /** What the RA did to handle and recover it, and what the person can do. */
  readonly remedy: string;
  /** The incident ticket or letter number, if any. */
  readonly reference?: string;
}

export type BreachNoticeCode = 'PDP.BREACH_FIELD_MISSING' | 'PDP.NO_ADDRESS';

/**
 * Queues the written breach notice (UU 27/2022 Pasal 46(1)a: within 3 × 24 hours) to one data subject's
 * roster address, as template `breach-notice`, and audits it without any of its text (the evidence is
 * the SHA-256 of the facts). Idempotent per person and notice: the same facts queue one mail. The CLI
 * calls it per person; incident handling can call it for everyone an incident touched.
 */
export async function notifyBreach(
  p: DeskPorts, input: { personId: string; facts: BreachFacts; by: Actor },
): Promise<Result<{ queued: boolean }, BreachNoticeCode>> {
  const facts = {
    what: input.facts.what.trim(), when: input.facts.when.trim(), how: input.facts.how.trim(), remedy: input.facts.remedy.trim(),
    reference: input.facts.reference?.trim() ?? '',
  };
  const empty = (['what', 'when', 'how', 'remedy'] as const).find((k) => facts[k] === '');
  if (empty) return refuse('PDP.BREACH_FIELD_MISSING', { field: `--${empty}` });
  const person = await p.roster.findByPersonId(input.personId);
  if (!person?.email) return refuse('PDP.NO_ADDRESS');
  const digest = createHash('sha256').update(JSON.stringify(facts)).digest('hex');
  const queued = await p.uow.run(async (tx) => {
    const fresh = await p.notifier.enqueue({
      dedupeKey: `breach:${digest.slice(0, 32)}:${person.personId}`, channel: 'email', recipient: person.email, template: 'breach-notice',
      model: { ...facts, name: person.name },
    }, tx);
    if (fresh) {
      await p.audit.append({ actor: input.by, action: 'person.breach_notified', subject: personActor(person.personId), outcome: 'queued', evidence: [digest] }, tx);
    }
    return fresh;
  });
  return ok({ queued });
}
