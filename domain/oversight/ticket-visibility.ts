import { canManage, type Officer } from '../people/officer.ts';
import type { CaseRecord } from '../requests/case-record.ts';

/** The officer (Telegram id) a complaint is about (Pasal 9(7)), or null. */
export const complaintSubject = (c: CaseRecord): string | null => (c.kind === 'complaint' ? c.details['aboutOfficer'] ?? null : null);

/**
 * Who may read a case. A complaint about an officer (Pasal 9(7)) is the Pengelola's to handle: it is
 * hidden from that officer and from their fellow officers (colleagues should not judge, or learn first
 * of, a complaint against one of their own), and shown to every manager except the one it is about.
 * Everything else is open to every officer on duty.
 */
export function mayRead(officer: Officer, c: CaseRecord): boolean {
  const about = complaintSubject(c);
  if (about === null) return true;
  return canManage(officer) && officer.telegramId !== about;
}
