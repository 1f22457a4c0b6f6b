import { foldText, unquotedLines } from './strip-quoted.ts';

/**
 * Commands an applicant answers our mails with: SETUJU accepts the subscriber agreement (Pasal 16(5),
 * 19(1)), TERIMA confirms receipt of the certificate (Pasal 16(6)). Both are acts with legal weight, so
 * the rule is narrow: a command must be a whole phrase, and only the sender's first line of content
 * is read.
 */
export type ReplyCommand = 'agree' | 'receipt';

/** Whole phrases, folded, punctuation removed. "Tidak setuju" and "belum saya terima" match nothing. */
const PHRASES: ReadonlyMap<string, ReplyCommand> = new Map<string, ReplyCommand>([
  ...['setuju', 'saya setuju', 'kami setuju', 'saya menyetujui', 'menyetujui', 'i agree', 'agree', 'agreed']
    .map((p) => [p, 'agree'] as const),
  ...['terima', 'saya terima', 'sudah saya terima', 'telah saya terima', 'saya sudah terima', 'saya telah terima',
    'sudah terima', 'sudah diterima', 'telah diterima', 'diterima', 'sudah saya terima sertifikatnya', 'received',
    'i have received it'].map((p) => [p, 'receipt'] as const),
]);

/** Affirmations that may precede a command in its clause ("Ya, setuju" is two clauses; "ok setuju" one). */
const LEADING_FILLER = new Set(['ya', 'iya', 'ok', 'oke', 'okay', 'baik', 'yes', 'siap']);
/** Forms of address and courtesy that may follow it ("Setuju pak", "Sudah saya terima dengan baik"). */
const TRAILING_FILLER = new Set(['pak', 'bapak', 'bu', 'ibu', 'kak', 'mas', 'mbak', 'ya', 'nggih']);

/**
 * Greetings people put above their answer. Such a line is skipped, so "Yth. Petugas OP,\nSETUJU" still
 * counts; any other line of content decides.
 */
const GREETING_STARTS = [
  'yth', 'kepada', 'dengan hormat', 'selamat pagi', 'selamat siang', 'selamat sore', 'selamat malam', 'halo', 'hallo',
  'hai', 'assalamualaikum', 'assalamu alaikum', 'salam', 'dear', 'hi', 'hello', 'good morning', 'good afternoon',
];

/** Longer first lines are prose, never a bare command; the bound keeps the work per reply small. */
const LINE_MAX = 200;
const GREETING_LINES_MAX = 3;

const words = (s: string): string[] => foldText(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

function isGreeting(line: string): boolean {
  const w = words(line.slice(0, LINE_MAX)).join(' ');
  return GREETING_STARTS.some((g) => w === g || w.startsWith(`${g} `));
}

function clauseCommand(clause: string): ReplyCommand | null {
  const w = words(clause);
  while (w.length > 1 && LEADING_FILLER.has(w[0] ?? '')) w.shift();
  while (w.length > 1 && TRAILING_FILLER.has(w[w.length - 1] ?? '')) w.pop();
  if (w.length > 2 && w[w.length - 2] === 'dengan' && w[w.length - 1] === 'baik') w.splice(-2);
  return PHRASES.get(w.join(' ')) ?? null;
}

/**
 * Reads SETUJU / TERIMA from a reply: the first line the sender wrote (quoted text and up to three
 * greeting lines skipped), split into clauses at `. , ! ; :`; a clause must be exactly a known phrase,
 * case and diacritics aside. "SETUJU. Terima kasih." is an agreement; "Terima kasih" alone is nothing;
 * a line naming both commands is ambiguous and yields null, as does a quoted SETUJU.
 *
 * @example
 * detectReplyCommand('Saya setuju.\n\nPada Sen, 5 Jan 2026 OP menulis:\n> Balas SETUJU'); // 'agree'
 * detectReplyCommand('Terima kasih, Pak.');                                                 // null
 */
export function detectReplyCommand(body: string): ReplyCommand | null {
  let greetings = 0;
  for (const line of unquotedLines(body)) {
    if (line.trim() === '') continue;
    if (greetings < GREETING_LINES_MAX && isGreeting(line)) {
      greetings++;
      continue;
    }
    if (line.length > LINE_MAX) return null;
    const found = new Set(line.split(/[.,!;:?]+/).map(clauseCommand).filter((c): c is ReplyCommand => c !== null));
    return found.size === 1 ? ([...found][0] ?? null) : null;
  }
  return null;
}
