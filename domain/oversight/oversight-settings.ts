import { DEFAULT_OFFICE_HOURS, type OfficeHours } from '../help/office-hours.ts';

/** One addressee of the incident report of Pasal 24(1), tagged with who they are when configured so. */
export interface Addressee {
  /** `walikota`, `gubernur`, `bssn`, `bsre`, or null for a plain address. */
  readonly role: string | null;
  readonly address: string;
}

/** Pasal 9(7), 22, 24 policy taken from configuration (cli/config.ts) by the composition root. */
export interface OversightSettings {
  /** RA_INCIDENT_RECIPIENTS: Walikota, Gubernur, Kepala BSSN, Kepala BSrE (Pasal 24(1)). */
  readonly incidentRecipients: readonly Addressee[];
  /** RA_BSRE_SUPPORT_EMAIL: where a help ticket is escalated (Pasal 22(2)); null when not configured. */
  readonly bsreSupportEmail: string | null;
  /** Help-ticket SLA in office hours. */
  readonly firstResponseHours: number;
  readonly resolutionHours: number;
  readonly officeHours: OfficeHours;
}

export const DEFAULT_OVERSIGHT: OversightSettings = {
  incidentRecipients: [], bsreSupportEmail: null, firstResponseHours: 4, resolutionHours: 24, officeHours: DEFAULT_OFFICE_HOURS,
};

/** Roles the Pasal 9(7) forward of a complaint about an officer goes to: BSSN through BSrE, and the Walikota. */
export const COMPLAINT_FORWARD_ROLES = ['bsre', 'walikota'] as const;
