import type { CaseKind } from '../../domain/requests/case-kind.ts';
import { foldText, stripQuoted } from './strip-quoted.ts';

/** What a message asks for, and the word that decided it (folded to lower case, no diacritics). */
export interface KindGuess {
  readonly kind: CaseKind;
  readonly matched: string | null;
  /** True when no keyword matched: the caller opens a help ticket and replies with what the desk can do. */
  readonly fallback: boolean;
}

/**
 * Precedence when several kinds are named, strongest first. A message names what it asks for together
 * with why: "pencabutan karena kehilangan" is a revocation (Pasal 18) whose reason is a loss, "perpanjangan
 * gagal" is a renewal, "kendala penerbitan" an issuance. So the certificate actions come first, revocation
 * before renewal and issuance because a revoked key must not be renewed or reissued first; then the
 * tickets, incident before complaint and help because an incident must reach the Persandian agency at
 * once (Pasal 24).
 *
 * `permohonan` and `pengajuan` are weak: in Indonesian they mean "request" / "submission" of anything
 * ("Permohonan bantuan teknis", "Pengajuan keluhan"), so they mean issuance only when nothing else is
 * named.
 */
const PRECEDENCE = ['revocation', 'renewal', 'issuance', 'incident', 'complaint', 'help', 'weak_issuance'] as const;
type Tier = (typeof PRECEDENCE)[number];

/** Whole words, folded. Indonesian affixed forms are listed because word matching does not stem. */
const WORDS: Readonly<Record<Tier, readonly string[]>> = {
  revocation: ['pencabutan', 'cabut', 'mencabut', 'dicabut', 'cabutkan', 'revoke', 'revoked', 'revocation', 'revoking'],
  renewal: [
    'pembaruan', 'pembaharuan', 'perpanjangan', 'perpanjang', 'memperpanjang', 'diperpanjang',
    'perbarui', 'memperbarui', 'diperbarui', 'perbaharui', 'renewal', 'renew', 'renewing',
  ],
  issuance: ['penerbitan', 'terbitkan', 'diterbitkan', 'menerbitkan', 'issuance'],
  incident: [
    'insiden', 'incident', 'kehilangan', 'hilang', 'bocor', 'kebocoran', 'diretas', 'dibobol', 'dicuri',
    'lost', 'leak', 'leaked', 'compromised', 'stolen',
  ],
  complaint: ['pengaduan', 'keluhan', 'aduan', 'mengadu', 'complaint', 'complain'],
  help: ['bantuan', 'kendala', 'error', 'eror', 'gagal', 'help', 'masalah', 'bermasalah', 'problem', 'trouble'],
  weak_issuance: ['permohonan', 'pengajuan', 'mengajukan', 'apply', 'application'],
};

const TIER_OF: ReadonlyMap<string, Tier> = new Map(
  PRECEDENCE.flatMap((tier) => WORDS[tier].map((word) => [word, tier] as const)),
);
const RANK: ReadonlyMap<Tier, number> = new Map(PRECEDENCE.map((tier, i) => [tier, i]));

/**
 * Courtesy formulas that use a help word without asking for help: "Atas perhatian dan bantuan Bapak/Ibu,
 * kami ucapkan terima kasih" closes nearly every Indonesian letter, applications included. A help word
 * right after one of these words does not count.
 */
const COURTESY_BEFORE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['bantuan', new Set(['atas', 'dan'])],
  ['help', new Set(['your', 'the'])],
]);

/** Letters and digits; everything else (spaces, punctuation, `_`, `[OP-2026-000001]`'s brackets) separates words. */
const WORD = /[\p{L}\p{N}]+/gu;

interface Hit {
  readonly tier: Tier;
  readonly word: string;
}

/** The strongest keyword in `text`; on a tie, the first. One pass; stops early at the strongest tier. */
function strongestHit(text: string): Hit | null {
  let best: Hit | null = null;
  let bestRank = Infinity;
  let previous = '';
  for (const m of foldText(text).matchAll(WORD)) {
    const before = previous;
    previous = m[0];
    const tier = TIER_OF.get(m[0]);
    if (tier === undefined || COURTESY_BEFORE.get(m[0])?.has(before)) continue;
    const rank = RANK.get(tier) ?? Infinity;
    if (rank < bestRank) {
      best = { tier, word: m[0] };
      bestRank = rank;
      if (rank === 0) break;
    }
  }
  return best;
}

/**
 * Guesses the kind of a mailed request from its subject, then its body (Indonesian and English).
 *
 * The subject wins outright when it names any kind, because people write what they want in the subject
 * and explain circumstances in the body: "Laporan kehilangan token" whose body asks "mohon sertifikat saya
 * dicabut" is an incident report (Pasal 24), and the officer handling it revokes. Reply and forward prefixes (`Re:`, `Fwd:`, `Bls:`) name no
 * kind, so they need no special case. In the body only what the sender wrote counts: quoted reply text
 * is removed first (see strip-quoted.ts), since it quotes our own mails. Within one of the two,
 * {@link PRECEDENCE} decides.
 *
 * @example
 * classifyKind('Re: [OP-2026-000001] Permohonan penerbitan', '');   // { kind: 'issuance', matched: 'penerbitan', fallback: false }
 * classifyKind('Pencabutan sertifikat karena kehilangan', '');    // { kind: 'revocation', matched: 'pencabutan', fallback: false }
 * classifyKind('Undangan rapat', 'Yth. Bapak/Ibu …');             // { kind: 'help', matched: null, fallback: true }
 */
export function classifyKind(subject: string, body: string): KindGuess {
  const hit = strongestHit(subject) ?? strongestHit(stripQuoted(body));
  if (hit === null) return { kind: 'help', matched: null, fallback: true };
  return { kind: hit.tier === 'weak_issuance' ? 'issuance' : hit.tier, matched: hit.word, fallback: false };
}
