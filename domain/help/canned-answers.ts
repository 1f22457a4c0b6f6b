/**
 * Answers to the problems users bring most often (Pasal 22), picked by an officer from a button list
 * instead of typed. The texts are `CANNED.<key>.TEXT` in templates/id/messages/oversight.json; the order
 * here is the order of the buttons (and their callback index), so add new ones at the end.
 */
export const CANNED_ANSWERS = ['passphrase_forgotten', 'user_not_registered', 'certificate_expired', 'signing_failed'] as const;
export type CannedAnswer = (typeof CANNED_ANSWERS)[number];
