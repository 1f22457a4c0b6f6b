/**
 * What a stored file is, as the desk files it. Each kind comes from a requirement of the regulation
 * (Perwal Pontianak 75/2018) so an officer can tell at a glance which item of an application a file
 * answers:
 * - `cover_letter`: surat pengantar from the head of the agency (Pasal 15(2)a);
 * - `recommendation`: the superior's recommendation letter (Pasal 15(2)b);
 * - `ktp_scan`: the e-KTP scan (Pasal 15(2)d);
 * - `police_report`, `owner_statement`: the report and the signed statement for a lost key (Pasal 18(3));
 * - `certificate`, `receipt`: what is delivered and the signed receipt (Pasal 16(6));
 * - `original_message`: the message a request arrived in, archived as sent (Pasal 15(6));
 * - `other`: anything else an officer decides to keep with the request.
 */
export const DOCUMENT_KINDS = [
  'cover_letter',
  'recommendation',
  'ktp_scan',
  'police_report',
  'owner_statement',
  'certificate',
  'receipt',
  'original_message',
  'other',
] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Narrows a stored or parsed string (a database column, a CLI argument) to a known kind. */
export const isDocumentKind = (value: string): value is DocumentKind =>
  (DOCUMENT_KINDS as readonly string[]).includes(value);
