/**
 * `RA_CA=bsre-manual`: what happens at BSrE between "forwarded" and "issued" (Pasal 16(1)-(2)). An
 * officer ticks each step off in order; the request stays `submitted_to_ca` meanwhile. The steps are
 * kept in the request's `details` (non-personal: step → time), so no table is needed:
 * - `bsreForwardedAt`: when the request went to `submitted_to_ca` (the agreement was accepted);
 * - `bsreStep.<step>`: when an officer ticked the step;
 * - `bsreReminded.<step>`: when the stall reminder for the step went out (at most once per step).
 *
 * `actor` says whose move a step waits for: the applicant's own steps (BSrE's identity form, their
 * passphrase — which only they know, Pasal 20) are reminded to the applicant; the others to officers.
 */
export const BSRE_STEPS = ['sent_to_bsre', 'identity_form_done', 'passphrase_set', 'bsre_verified', 'issued'] as const;
export type BsreStep = (typeof BSRE_STEPS)[number];

export const BSRE_STEP_ACTOR: Readonly<Record<BsreStep, 'officer' | 'applicant' | 'bsre'>> = {
  sent_to_bsre: 'officer',
  identity_form_done: 'applicant',
  passphrase_set: 'applicant',
  bsre_verified: 'bsre',
  issued: 'bsre',
};

export const isBsreStep = (s: string): s is BsreStep => (BSRE_STEPS as readonly string[]).includes(s);

export const FORWARDED_KEY = 'bsreForwardedAt';
export const stepKey = (step: BsreStep): string => `bsreStep.${step}`;
export const remindedKey = (step: BsreStep): string => `bsreReminded.${step}`;

type Details = Readonly<Record<string, string>>;

/** The steps ticked so far, in order. */
export const stepsDone = (details: Details): BsreStep[] => BSRE_STEPS.filter((s) => details[stepKey(s)] !== undefined);

/** The first step not ticked yet; null when all are. */
export const nextStep = (details: Details): BsreStep | null => BSRE_STEPS.find((s) => details[stepKey(s)] === undefined) ?? null;

/** Since when the next step has been waiting: the last tick, else the forwarding, else `fallback`. */
export function waitingSince(details: Details, fallback: string): string {
  const ticks = stepsDone(details).map((s) => details[stepKey(s)]!);
  return ticks.at(-1) ?? details[FORWARDED_KEY] ?? fallback;
}

export type StepTickCode = 'BSRE.STEP_ALREADY_DONE' | 'BSRE.STEP_OUT_OF_ORDER' | 'BSRE.ALL_STEPS_DONE';

/** Whether `step` may be ticked now: only the next one, each once. */
export function checkTick(details: Details, step: BsreStep): { ok: true } | { ok: false; code: StepTickCode; expected: BsreStep | null } {
  const expected = nextStep(details);
  if (details[stepKey(step)] !== undefined) return { ok: false, code: 'BSRE.STEP_ALREADY_DONE', expected };
  if (expected === null) return { ok: false, code: 'BSRE.ALL_STEPS_DONE', expected };
  if (expected !== step) return { ok: false, code: 'BSRE.STEP_OUT_OF_ORDER', expected };
  return { ok: true };
}

/** Days a step may wait before its stall reminder (`RA_BSRE_STALL_DAYS`). */
export const DEFAULT_STALL_DAYS = 3;
