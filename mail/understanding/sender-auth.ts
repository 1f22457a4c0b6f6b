import { isOfficialEmail, parseEmail } from '../../domain/shared/email.ts';

/**
 * Who may ask the desk for something by mail (Pasal 15(2)c): a sender on one of the city's domains whose
 * message our own mail server authenticated. Anyone can type any From; only DMARC, or a DKIM or SPF pass
 * aligned with the From domain, shows the message came from that domain.
 */
export interface SenderAuthInput {
  /** The From header: a bare address or `Name <address>`; empty when the message had none. */
  readonly from: string;
  /** Every Authentication-Results header value, topmost (most recently added) first. */
  readonly authResultsHeaders: readonly string[];
  /** RA_MAIL_AUTHSERV_ID: the id our receiving server writes; null turns the check off (tests, development). */
  readonly authservId: string | null;
  readonly officialDomains: readonly string[];
}

export type SenderVerdict = 'official' | 'foreign_authenticated' | 'unauthenticated';

/** Stable codes for the audit row; none holds an address or a header's text. */
export const SENDER_AUTH_REASONS = [
  'from_missing',
  'from_malformed',
  'auth_not_checked',
  'no_auth_results',
  'dmarc_fail',
  'dmarc_other_domain',
  'dmarc_pass',
  'dkim_aligned',
  'spf_aligned',
  'not_authenticated',
] as const;
export type SenderAuthReason = (typeof SENDER_AUTH_REASONS)[number];

export interface SenderAuth {
  readonly verdict: SenderVerdict;
  readonly reason: SenderAuthReason;
  /** The From address's domain, lower-cased; null when From is missing or malformed. */
  readonly fromDomain: string | null;
}

/** One `method=result` statement of an Authentication-Results header, with its `ptype.property=value`s. */
export interface AuthResult {
  readonly method: string;
  readonly result: string;
  readonly props: ReadonlyMap<string, string>;
}

export interface ParsedAuthResults {
  readonly authservId: string;
  readonly results: readonly AuthResult[];
}

/** Drops RFC 5322 comments (nested, with escapes), keeping quoted strings intact. */
function stripComments(s: string): string {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (quoted) {
      out.push(c);
      if (c === '\\') out.push(s[++i] ?? '');
      else if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '(') {
      depth = 1;
      out.push(' ');
    } else {
      if (c === '"') quoted = true;
      out.push(c);
    }
  }
  return out.join('');
}

/** Splits on `sep` (a single character or whitespace) outside quoted strings; quotes are removed. */
function splitOutsideQuotes(s: string, isSep: (c: string) => boolean): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (quoted) {
      if (c === '\\') current.push(s[++i] ?? '');
      else if (c === '"') quoted = false;
      else current.push(c);
    } else if (c === '"') quoted = true;
    else if (isSep(c)) {
      parts.push(current.join(''));
      current = [];
    } else current.push(c);
  }
  parts.push(current.join(''));
  return parts;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Rejoins `dkim = pass` (RFC 8601 allows white space around `=`) split into three tokens. */
function joinEquals(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last !== undefined && (last.endsWith('=') || t.startsWith('='))) out[out.length - 1] = last + t;
    else out.push(t);
  }
  return out;
}

/**
 * Parses one Authentication-Results value (RFC 8601 §2.2): `authserv-id [version]; resinfo; …`, where a
 * resinfo is `method[/version]=result [reason=…] [ptype.property=value …]`. Comments are dropped. The
 * header name may be included. Null when there is no authserv-id.
 *
 * @example
 * parseAuthenticationResults('mx.pontianak.go.id; dmarc=pass (p=reject) header.from=pontianak.go.id');
 * // { authservId: 'mx.pontianak.go.id', results: [{ method: 'dmarc', result: 'pass', props: Map { 'header.from' => 'pontianak.go.id' } }] }
 */
export function parseAuthenticationResults(header: string): ParsedAuthResults | null {
  const value = stripComments(header.replace(/^\s*authentication-results\s*:/i, '').replace(/\r?\n[ \t]+/g, ' '));
  const [first, ...resinfos] = splitOutsideQuotes(value, (c) => c === ';');
  const authservId = splitOutsideQuotes((first ?? '').trim(), isSpace)[0]?.toLowerCase() ?? '';
  if (authservId === '') return null;
  const results: AuthResult[] = [];
  for (const resinfo of resinfos) {
    const [statement, ...rest] = joinEquals(splitOutsideQuotes(resinfo.trim(), isSpace).filter((t) => t !== ''));
    const eq = statement?.indexOf('=') ?? -1;
    if (statement === undefined || eq <= 0) continue; // "none", or garbage
    const props = new Map<string, string>();
    for (const token of rest) {
      const at = token.indexOf('=');
      if (at > 0) props.set(token.slice(0, at).toLowerCase(), token.slice(at + 1));
    }
    results.push({
      method: (statement.slice(0, eq).split('/')[0] ?? '').toLowerCase(),
      result: statement.slice(eq + 1).toLowerCase(),
      props,
    });
  }
  return { authservId, results };
}

/**
 * Second-level public suffixes under which unrelated organisations register (Indonesia's first, then
 * common foreign ones). Without a full public suffix list, alignment is decided label by label and
 * refuses to treat one of these as an organisation.
 */
const PUBLIC_SECOND_LEVEL = new Set([
  'ac.id', 'biz.id', 'co.id', 'desa.id', 'go.id', 'mil.id', 'my.id', 'net.id', 'or.id', 'ponpes.id', 'sch.id', 'web.id',
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'gov.au', 'com.sg', 'gov.sg', 'com.my', 'gov.my',
  'co.jp', 'co.in', 'gov.in', 'com.br', 'co.nz', 'com.cn',
]);

/**
 * Relaxed alignment (RFC 7489 §3.1), conservatively: the domains are equal, or one is a subdomain of the
 * other and the shorter one is an organisation, not a public suffix. Sibling subdomains
 * (`a.pontianak.go.id` and `b.pontianak.go.id`) are not aligned, since telling them apart from siblings
 * under a public suffix would need the full public suffix list; DMARC's own verdict covers them.
 */
export function domainsAligned(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  if (x === '' || y === '') return false;
  if (x === y) return true;
  const [longer, shorter] = x.length > y.length ? [x, y] : [y, x];
  return longer.endsWith(`.${shorter}`) && shorter.includes('.') && !PUBLIC_SECOND_LEVEL.has(shorter);
}

/** The domain of `user@domain`, `@domain` or `domain`. */
const domainOf = (v: string): string => v.slice(v.lastIndexOf('@') + 1).trim().toLowerCase();

function withoutQuotedStrings(s: string): string {
  const out: string[] = [];
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '"') {
      quoted = !quoted;
      out.push(' ');
    } else if (quoted) {
      if (c === '\\') i++;
    } else out.push(c);
  }
  return out.join('');
}

/** The single address of a From value; null when there is none or more than one. */
function fromAddress(from: string): string | null {
  // Quoted display names are blanked first: `"budi@pontianak.go.id" <x@evil.example>` is from evil.example.
  const bare = withoutQuotedStrings(stripComments(from)).trim();
  const open = bare.indexOf('<');
  if (open < 0) return parseEmailOrNull(bare);
  const close = bare.indexOf('>', open);
  if (close < 0 || bare.indexOf('<', open + 1) >= 0) return null;
  return parseEmailOrNull(bare.slice(open + 1, close));
}

function parseEmailOrNull(s: string): string | null {
  const r = parseEmail(s);
  return r.ok ? r.value : null;
}

type AuthOutcome = { readonly pass: true; readonly reason: SenderAuthReason } | { readonly pass: false; readonly reason: SenderAuthReason };

/** What our server's results say about `fromDomain`. */
function judge(results: readonly AuthResult[], fromDomain: string): AuthOutcome {
  const dmarc = results.filter((r) => r.method === 'dmarc');
  // An explicit DMARC failure outranks DKIM or SPF passes: it is how a second From header or an
  // unaligned signature shows, and it is the domain owner's own policy.
  if (dmarc.some((r) => r.result === 'fail')) return { pass: false, reason: 'dmarc_fail' };
  const dmarcPass = dmarc.filter((r) => r.result === 'pass');
  if (dmarcPass.length > 0) {
    const about = dmarcPass.map((r) => r.props.get('header.from'));
    // DMARC passed for another From than the one we read: two From headers, read differently.
    if (about.every((d) => d !== undefined && domainOf(d) !== fromDomain)) return { pass: false, reason: 'dmarc_other_domain' };
    return { pass: true, reason: 'dmarc_pass' };
  }
  const dkimAligned = results.some((r) => {
    if (r.method !== 'dkim' || r.result !== 'pass') return false;
    const d = r.props.get('header.d') ?? r.props.get('header.i');
    return d !== undefined && domainsAligned(domainOf(d), fromDomain);
  });
  if (dkimAligned) return { pass: true, reason: 'dkim_aligned' };
  const spfAligned = results.some((r) => {
    if (r.method !== 'spf' || r.result !== 'pass') return false;
    const mailfrom = r.props.get('smtp.mailfrom');
    return mailfrom !== undefined && domainsAligned(domainOf(mailfrom), fromDomain);
  });
  if (spfAligned) return { pass: true, reason: 'spf_aligned' };
  return { pass: false, reason: 'not_authenticated' };
}

/**
 * Decides whether a mailed request may be acted on.
 *
 * Only the topmost Authentication-Results header whose authserv-id equals `authservId` is read. Our
 * server adds its header on top of what arrived (and removes earlier ones claiming its id, RFC 8601
 * §5); every other header was written by someone else, the sender included, so it proves nothing.
 * Authentication passes on `dmarc=pass` (for this From domain), else on `dkim=pass` whose `header.d` is
 * aligned with the From domain, else on `spf=pass` whose `smtp.mailfrom` domain is aligned. An explicit
 * `dmarc=fail` fails whatever else passed.
 *
 * With `authservId` null nothing is checked and every well-formed From counts as authenticated: that
 * is for tests and development mailboxes without an authenticating server, never for production.
 *
 * Then `official` when the From domain is an official domain or under one; `foreign_authenticated` for
 * an authenticated sender elsewhere (safe to answer with a pointer to the official address: the answer
 * reaches the real sender); `unauthenticated` otherwise, which must not be answered (no backscatter).
 *
 * @example
 * evaluateSenderAuth({ from: 'budi@pontianak.go.id', authservId: 'mx.pontianak.go.id', officialDomains: ['pontianak.go.id'],
 *   authResultsHeaders: ['mx.pontianak.go.id; dmarc=pass header.from=pontianak.go.id'] });
 * // { verdict: 'official', reason: 'dmarc_pass', fromDomain: 'pontianak.go.id' }
 */
export function evaluateSenderAuth(input: SenderAuthInput): SenderAuth {
  if (input.from.trim() === '') return { verdict: 'unauthenticated', reason: 'from_missing', fromDomain: null };
  const address = fromAddress(input.from);
  if (address === null) return { verdict: 'unauthenticated', reason: 'from_malformed', fromDomain: null };
  const fromDomain = domainOf(address);

  let outcome: AuthOutcome = { pass: true, reason: 'auth_not_checked' };
  if (input.authservId !== null) {
    const ours = input.authservId.trim().toLowerCase();
    const header = input.authResultsHeaders
      .map(parseAuthenticationResults)
      .find((h): h is ParsedAuthResults => h !== null && h.authservId === ours);
    outcome = header ? judge(header.results, fromDomain) : { pass: false, reason: 'no_auth_results' };
  }
  if (!outcome.pass) return { verdict: 'unauthenticated', reason: outcome.reason, fromDomain };
  const verdict = isOfficialEmail(address, input.officialDomains) ? 'official' : 'foreign_authenticated';
  return { verdict, reason: outcome.reason, fromDomain };
}
