/** Requests that change a certificate (Pasal 15-18). */
export const REQUEST_KINDS = ['issuance', 'renewal', 'revocation'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Tickets: security incidents (Pasal 24), technical help (Pasal 22), complaints (Pasal 9(7), 10(1)j). */
export const TICKET_KINDS = ['incident', 'help', 'complaint'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** Requests and tickets share one register; the kind tells them apart. */
export type CaseKind = RequestKind | TicketKind;
export const CASE_KINDS: readonly CaseKind[] = [...REQUEST_KINDS, ...TICKET_KINDS];

export const isRequestKind = (k: string): k is RequestKind => (REQUEST_KINDS as readonly string[]).includes(k);
export const isTicketKind = (k: string): k is TicketKind => (TICKET_KINDS as readonly string[]).includes(k);
export const isCaseKind = (k: string): k is CaseKind => isRequestKind(k) || isTicketKind(k);

export const CHANNELS = ['email', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];
