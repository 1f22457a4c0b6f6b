/**
 * UU 27/2022 (Pelindungan Data Pribadi) Pasal 46: when personal data fails to be protected, the controller
 * notifies the data subjects and the authority in writing within 3 × 24 hours. The clock starts when the
 * desk learns of the incident (the ticket's creation). Officers are reminded at 48 h and 66 h, and told
 * once when the deadline has passed, until an officer records that the notice went out.
 */
export const PDP_NOTICE_HOURS = 72;
export const PDP_REMINDER_HOURS: readonly number[] = [48, 66];
export const HOUR_MS = 3_600_000;

export const pdpDeadline = (createdAt: Date): Date => new Date(createdAt.getTime() + PDP_NOTICE_HOURS * HOUR_MS);

/**
 * The reminder due at `now` for an incident opened at `createdAt`: the latest threshold already reached
 * (an earlier one missed while the desk was down is not sent late), `overdue` after the deadline, or null.
 */
export function pdpReminderDue(createdAt: Date, now: Date): number | 'overdue' | null {
  const hours = (now.getTime() - createdAt.getTime()) / HOUR_MS;
  if (hours >= PDP_NOTICE_HOURS) return 'overdue';
  const due = PDP_REMINDER_HOURS.filter((h) => hours >= h);
  return due.length > 0 ? due[due.length - 1]! : null;
}
