/**
 * Removes the quoted part of a reply so the desk reads only what the sender wrote this time. A reply
 * quotes our own mail (which names kinds, fields and the keywords SETUJU / TERIMA); reading that back
 * would make every reply look like an agreement or a fresh application.
 *
 * Dropped:
 * - lines whose first non-blank character is `>` (RFC 3676 quoting, every client's plain-text reply);
 * - everything from an attribution line on: `On … wrote:` (Gmail, Thunderbird, Apple Mail) or
 *   `Pada … menulis:` (the same clients in Indonesian), also when the client wrapped it over two lines;
 * - everything from an Outlook separator on: `-----Original Message-----` / `-----Pesan Asli-----`, or
 *   the header block Outlook puts above the original (`From:` / `Dari:` followed by `Sent:` / `Dikirim:` /
 *   `Date:` / `Tanggal:`, optionally under a line of underscores);
 * - everything from a forwarding marker on (`---------- Forwarded message ---------`, `Begin forwarded
 *   message:`, `-------- Pesan Terusan --------`). Forwarded text is someone else's words: a forwarded
 *   application is not the sender's own, and applying is personal, never delegated (Pasal 16(4)). The
 *   forward's Outlook header block would cut it anyway; the marker makes every client behave alike.
 *
 * Kept: signatures, because a signature often carries the sender's NIP.
 *
 * Line-based string checks only, no regular expression over a whole line, so a 5 MB body costs one pass.
 *
 * @example
 * stripQuoted('SETUJU\n\nPada Sen, 5 Jan 2026 OP menulis:\n> Balas SETUJU'); // 'SETUJU\n'
 */
export function stripQuoted(body: string): string {
  return unquotedLines(body).join('\n');
}

/** The lines `stripQuoted` keeps, in order, without line terminators. */
export function unquotedLines(body: string): string[] {
  const lines = body.split(/\r\n|\r|\n/);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed.startsWith('>')) continue;
    if (isSeparator(trimmed) || isAttribution(trimmed) || startsOutlookHeader(trimmed, (lines[i + 1] ?? '').trim())) break;
    if (/^_{10,}$/.test(trimmed.slice(0, 100)) && startsOutlookHeader((lines[i + 1] ?? '').trim(), (lines[i + 2] ?? '').trim())) break;
    // Gmail wraps a long attribution: "On Mon, 5 Jan 2026 at 10:00, Budi <budi@…>\nwrote:".
    const next = (lines[i + 1] ?? '').trim();
    if (startsAttribution(trimmed) && trimmed.length <= ATTRIBUTION_MAX && endsAttribution(next) && next.length <= ATTRIBUTION_MAX) break;
    kept.push(line);
  }
  return kept;
}

/** Longer lines are prose, not a client's attribution; the bound also keeps the checks cheap. */
const ATTRIBUTION_MAX = 300;

const lower = (s: string): string => s.toLowerCase();

function startsAttribution(trimmed: string): boolean {
  const l = lower(trimmed.slice(0, 8));
  return l.startsWith('on ') || l.startsWith('pada ');
}

function endsAttribution(trimmed: string): boolean {
  const l = lower(trimmed.slice(-12));
  return l.endsWith('wrote:') || l.endsWith('menulis:');
}

function isAttribution(trimmed: string): boolean {
  return trimmed.length <= ATTRIBUTION_MAX && startsAttribution(trimmed) && endsAttribution(trimmed);
}

const OUTLOOK_FROM = ['from:', 'dari:'];
const OUTLOOK_NEXT = ['sent:', 'dikirim:', 'date:', 'tanggal:'];

/** Outlook quotes the original under its own headers: "From: …" then "Sent: …" (or the Indonesian names). */
function startsOutlookHeader(trimmed: string, next: string): boolean {
  const first = lower(trimmed.slice(0, 6));
  const second = lower(next.slice(0, 9));
  return OUTLOOK_FROM.some((p) => first.startsWith(p)) && OUTLOOK_NEXT.some((p) => second.startsWith(p));
}

function isSeparator(trimmed: string): boolean {
  if (trimmed.length > 60) return false;
  if (lower(trimmed) === 'begin forwarded message:') return true;
  if (!trimmed.startsWith('-----')) return false;
  const inner = lower(trimmed.replace(/^-+\s*|\s*-+$/g, ''));
  return SEPARATORS.has(inner);
}

const SEPARATORS = new Set([
  'original message', 'pesan asli', 'pesan awal', 'forwarded message', 'pesan terusan', 'pesan yang diteruskan',
]);

/**
 * Folds text for keyword matching: lower case, then compatibility decomposition with the combining
 * marks dropped, so "Pengaduán", "İnsiden" and full-width letters match their plain forms. Shared by
 * the modules of this folder so they agree on what "the same word" means.
 */
export const foldText = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '');
