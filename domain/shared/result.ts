/**
 * Expected business refusals are values, not exceptions (domain-driven-hexagon): a caller must look at
 * `ok` before it can reach the value. Params carry what a template needs to explain the refusal and
 * must never hold personal data (no NIK, no name, no e-mail address).
 *
 * @example
 * const r = parseNik(input);
 * if (!r.ok) return reply(t.message(r.code, r.params));
 */
export type Params = Readonly<Record<string, string | number>>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Refusal<C extends string = string> {
  readonly ok: false;
  readonly code: C;
  readonly params: Params;
}

export type Result<T, C extends string = string> = Ok<T> | Refusal<C>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const refuse = <C extends string>(code: C, params: Params = {}): Refusal<C> => ({
  ok: false,
  code,
  params,
});
