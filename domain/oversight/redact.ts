/**
 * Text a reporter wrote, made fit to leave the desk: NIK- or NIP-like digit runs (16 or more, also in
 * groups) and e-mail addresses are replaced, control characters dropped. For reports to outside
 * authorities (Pasal 24(1), 9(7), 22(2)), which need the problem, not the person's identifiers.
 */
export function redactIdentifiers(text: string, max = 500): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+/g, '[alamat e-mail disamarkan]')
    .replace(/\d(?:[ .-]?\d){15,}/g, '[nomor identitas disamarkan]')
    .replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
