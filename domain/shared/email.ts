import { ok, refuse, type Result } from './result.ts';

/**
 * E-mail addresses, checked simply and strictly enough for a dinas address (Pasal 15(2)c: the applicant
 * must have an official e-mail). Not RFC 5322: no quoted local parts, comments or IP literals, which no
 * government mailbox uses and which make look-alike tricks easier.
 */
export const EMAIL_CODES = ['EMAIL.MALFORMED', 'EMAIL.NOT_OFFICIAL'] as const;
export type EmailCode = (typeof EMAIL_CODES)[number];

/** RFC 5321 path limit, minus the angle brackets. */
export const EMAIL_MAX_LENGTH = 254;

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Trims and lower-cases: mailbox names of the city's mail server are case-insensitive. */
export const normaliseEmail = (s: string): string => s.trim().toLowerCase();

/**
 * One `@`, a non-empty dot-atom local part, a domain of at least two DNS labels, no whitespace, at
 * most 254 characters. Returns the normalised address.
 *
 * @example
 * parseEmail(' Budi@Pontianak.go.id '); // ok('budi@pontianak.go.id')
 */
export function parseEmail(s: string): Result<string, 'EMAIL.MALFORMED'> {
  const email = normaliseEmail(s);
  const parts = email.split('@');
  const [local, domain] = parts;
  if (email.length > EMAIL_MAX_LENGTH || parts.length !== 2 || local === undefined || domain === undefined) {
    return refuse('EMAIL.MALFORMED');
  }
  const labels = domain.split('.');
  if (!LOCAL_PART.test(local) || labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return refuse('EMAIL.MALFORMED');
  }
  return ok(email);
}

/**
 * True when the address's domain is one of `officialDomains` or a subdomain of one, label by label:
 * `diskominfo.pontianak.go.id` is under `pontianak.go.id`; `evilpontianak.go.id` and
 * `pontianak.go.id.evil.com` are not.
 */
export function isOfficialEmail(email: string, officialDomains: readonly string[]): boolean {
  const normalised = normaliseEmail(email);
  const at = normalised.lastIndexOf('@');
  if (at < 0) return false;
  const domain = normalised.slice(at + 1);
  return officialDomains
    .map((d) => normaliseEmail(d).replace(/^[@.]+|\.+$/g, ''))
    .some((d) => d !== '' && (domain === d || domain.endsWith(`.${d}`)));
}

/**
 * A well-formed address on one of the city's domains (Pasal 15(2)c). The refusal names the accepted
 * domains (configuration, not personal data) so the person knows which address to use.
 */
export function parseOfficialEmail(s: string, officialDomains: readonly string[]): Result<string, EmailCode> {
  const parsed = parseEmail(s);
  if (!parsed.ok) return parsed;
  if (!isOfficialEmail(parsed.value, officialDomains)) {
    return refuse('EMAIL.NOT_OFFICIAL', { domains: officialDomains.join(', ') });
  }
  return parsed;
}
