import type { Templates } from '../../templates/catalog.ts';
import { agreementText } from '../../templates/agreement.ts';
import type { Params } from '../../domain/shared/result.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { isCaseId, type CasePrefix } from '../../domain/requests/case-id.ts';
import { REQUEST_KINDS, TICKET_KINDS, type RequestKind, type TicketKind } from '../../domain/requests/case-kind.ts';
import { ALL_RULE_CODES, type AnyRuleCode } from '../../domain/issuance/verification-rules.ts';
import { daysLeft } from '../../domain/certificates/reminders.ts';
import { REVOCATION_GROUNDS } from '../../domain/revocation/revocation-grounds.ts';
import { INCIDENT_CATEGORIES } from '../../domain/incident/incident-category.ts';
import { CHANNELS } from '../../domain/requests/case-kind.ts';
import { TICKET_STATUSES } from '../../domain/requests/request-status.ts';

/** One e-mail, ready for the transport. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly MailAttachment[];
}

/** A file sent with a mail; only public material (a certificate and its chain), never an identity document. */
export interface MailAttachment {
  readonly filename: string;
  readonly content: string;
  readonly contentType: string;
}

// ------------------------------------------------------------------------------------ view models

/** Every mail greets a person: their name when the model has one, else the template's own salutation. */
interface Addressed {
  readonly name: string;
}

/** A verification item that failed (Pasal 15(2)), with the Indonesian explanation of its refusal code. */
interface MissingItemView {
  readonly number: number;
  readonly rule: AnyRuleCode;
  readonly label: string;
  readonly explanation: string;
}

/** A file the desk would not take, by the name the sender gave it, with the reason. */
interface RefusedFileView {
  readonly number: number;
  readonly filename: string;
  readonly reason: string;
}

interface ApplicationView extends Addressed {
  readonly requestId: string;
  readonly missing: readonly MissingItemView[];
  readonly refusedDocuments: readonly RefusedFileView[];
  readonly hasRefused: boolean;
}

interface ReasonView {
  readonly number: number;
  readonly text: string;
}

interface DecisionView extends Addressed {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly kindLabel: string;
  readonly isIssuance: boolean;
  readonly isRenewal: boolean;
  readonly isRevocation: boolean;
  readonly reasons: readonly ReasonView[];
  readonly hasReasons: boolean;
  readonly note: string;
  readonly hasNote: boolean;
}

interface NotOfficialAddressView {
  /** Empty when the sender's domain is unknown or not a plain domain name (it is never echoed raw). */
  readonly fromDomain: string;
  readonly hasFromDomain: boolean;
  readonly officialDomains: readonly string[];
}

interface AnnualReportView {
  readonly year: string;
}

interface ThreadNotApplicantView {
  readonly requestId: string;
}

interface RateLimitedView {
  readonly minutes: number;
}

interface SubscriberAgreementView extends Addressed {
  readonly requestId: string;
  readonly agreement: string;
}

interface OtpCodeView extends Addressed {
  readonly code: string;
  readonly minutes: number;
}

interface TicketReceivedView extends Addressed {
  readonly ticketId: string;
  readonly kind: TicketKind;
  readonly kindLabel: string;
  readonly isIncident: boolean;
  readonly isHelp: boolean;
  readonly isComplaint: boolean;
}

interface TicketAnsweredView extends Addressed {
  readonly ticketId: string;
  readonly answer: string;
}

interface TicketFollowUpView {
  readonly ticketId: string;
  readonly statusLabel: string;
  /** The message put the ticket back in the officers' queue. */
  readonly reopened: boolean;
  /** Resolved, and its lifecycle has no reopening (a complaint): a new matter needs a new mail. */
  readonly closed: boolean;
}

interface RevocationReceivedView extends Addressed {
  readonly requestId: string;
  readonly serial: string;
  readonly groundLabel: string;
  readonly missing: readonly MissingItemView[];
  readonly hasMissing: boolean;
  readonly refusedDocuments: readonly RefusedFileView[];
  readonly hasRefused: boolean;
  readonly incidentId: string;
  readonly hasIncident: boolean;
  readonly reapply: boolean;
}

interface AgreementAcceptedView {
  readonly requestId: string;
  readonly csrByMail: boolean;
}

interface CertificateIssuedView extends Addressed {
  readonly requestId: string;
  readonly serial: string;
  readonly fingerprint: string;
  readonly notAfter: string;
}

interface CsrRefusedView extends Addressed {
  readonly requestId: string;
  readonly explanation: string;
}

/** bsre-manual: a step of the applicant's own at BSrE has waited too long. */
interface BsreStalledView extends Addressed {
  readonly requestId: string;
  readonly days: number;
  readonly identityForm: boolean;
  readonly passphrase: boolean;
}

interface ReceiptConfirmedView {
  readonly requestId: string;
  readonly at: string;
}

interface RequestRefusedView extends Addressed {
  readonly kindLabel: string;
  readonly isRenewal: boolean;
  readonly explanation: string;
}

interface RevocationCompletedView extends Addressed {
  readonly requestId: string;
  readonly serial: string;
  readonly revokedAt: string;
}

interface DeskCapabilitiesView extends Addressed {
  readonly ticketId: string;
}

/** An expiry reminder (Pasal 17(2)): which certificate, when it ends, how many days are left. */
interface BreachNoticeView extends Addressed {
  readonly what: string;
  readonly when: string;
  readonly how: string;
  readonly remedy: string;
  readonly reference: string;
}

interface ReminderExpiryView extends Addressed {
  readonly serial: string;
  readonly expiry: string;
  readonly daysLeft: number;
}

/** The incident report of Pasal 24(1) to one addressee: no identifiers of the person (see report-incident.ts). */
interface IncidentReportView {
  readonly ticketId: string;
  readonly addresseeLabel: string;
  readonly categoryLabel: string;
  readonly openedAt: string;
  readonly reportedAt: string;
  readonly channelLabel: string;
  readonly agency: string;
  readonly hasAgency: boolean;
  readonly description: string;
  readonly revocationId: string;
  readonly serial: string;
  readonly hasRevocation: boolean;
  readonly personalData: boolean;
  readonly pdpDeadline: string;
}

/** The answer to a needs inventory sent by mail (Pasal 10(2)-(3)). */
interface NeedsReceivedView {
  readonly recorded: boolean;
  readonly agency: string;
  readonly year: string;
  readonly individual: string;
  readonly position: string;
  readonly system: string;
  readonly total: string;
  readonly explanation: string;
}

/** A help request to BSrE (Pasal 22(2)). */
interface HelpEscalationView {
  readonly ticketId: string;
  readonly openedAt: string;
  readonly channelLabel: string;
  readonly description: string;
}

/** A complaint about an officer, forwarded as Pasal 9(7) says. */
interface ComplaintForwardView {
  readonly ticketId: string;
  readonly addresseeLabel: string;
  readonly requestId: string;
  readonly openedAt: string;
  readonly officerName: string;
  readonly appointmentRef: string;
  readonly description: string;
}

// ---------------------------------------------------------------------------------- model reading

const MAX_NAME = 100;
const MAX_FILENAME = 120;
const MAX_OFFICER_TEXT = 10_000;

/**
 * Reads an outbox model field by field. A complaint names the template and the field path and says
 * what was expected; it never quotes a value, because models hold names, addresses and officers' notes.
 */
class ModelReader {
  constructor(
    private readonly template: string,
    private readonly path: string,
    private readonly fields: Readonly<Record<string, unknown>>,
  ) {}

  static of(template: string, model: unknown): ModelReader {
    if (!isRecord(model)) throw badModel(template, 'model', 'an object');
    return new ModelReader(template, '', model);
  }

  fail(field: string, expected: string, cause?: unknown): never {
    throw badModel(this.template, this.at(field), expected, cause);
  }

  text(field: string, options: { nonEmpty?: boolean } = {}): string {
    const v = this.fields[field];
    if (typeof v !== 'string') this.fail(field, 'a string');
    if (options.nonEmpty && v.trim() === '') this.fail(field, 'a non-empty string');
    return v;
  }

  wholeNumber(field: string, min = 0): number {
    const v = this.fields[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(field, `a whole number of at least ${min}`);
    return v;
  }

  /** Absent and null read as ''. */
  optionalText(field: string): string {
    const v = this.fields[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(field, 'a string when present');
    return v;
  }

  caseId(field: string, prefix: CasePrefix): string {
    const v = this.fields[field];
    if (typeof v !== 'string' || !isCaseId(v) || !v.startsWith(`${prefix}-`)) this.fail(field, `a case id such as ${prefix}-2026-000123`);
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const v = this.fields[field];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(field, `one of ${allowed.join(', ')}`);
    return v as T;
  }

  params(field: string): Params {
    const v = this.fields[field] ?? {};
    if (!isRecord(v) || !Object.values(v).every((p) => typeof p === 'string' || typeof p === 'number')) {
      this.fail(field, 'an object of string or number values');
    }
    return v as Params;
  }

  list<T>(field: string, each: (item: ModelReader, index: number) => T, options: { min?: number; max?: number } = {}): T[] {
    const v = this.fields[field];
    if (!Array.isArray(v)) this.fail(field, 'an array');
    if (options.min !== undefined && v.length < options.min) this.fail(field, `at least ${options.min} item(s)`);
    if (options.max !== undefined && v.length > options.max) this.fail(field, options.max === 0 ? 'an empty array' : `at most ${options.max} item(s)`);
    return v.map((item: unknown, i) => {
      const path = `${this.at(field)}[${i}]`;
      if (!isRecord(item)) throw badModel(this.template, path, 'an object');
      return each(new ModelReader(this.template, path, item), i);
    });
  }

  strings(field: string, options: { min?: number } = {}): string[] {
    const v = this.fields[field];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(field, 'an array of strings');
    if (options.min !== undefined && v.length < options.min) this.fail(field, `at least ${options.min} item(s)`);
    return v as string[];
  }

  private at(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

const badModel = (template: string, field: string, expected: string, cause?: unknown): RaError =>
  new RaError('MAIL.BAD_MODEL', `template ${template} needs field ${field} (${expected})`, cause === undefined ? undefined : { cause });

// ------------------------------------------------------------------------------------- cleaning

/** Control and formatting characters (line breaks, bidi overrides) in a one-line value could forge mail text. */
const oneLine = (s: string, max: number): string => {
  const clean = s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

/** An officer's free text keeps its line breaks; other control and formatting characters go. */
const multiLine = (s: string): string =>
  s.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]|\p{Cf}/gu, '').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim().slice(0, MAX_OFFICER_TEXT);

/** A name that is an address (the register falls back to the e-mail) is no name to greet with. */
const personName = (s: string): string => {
  const name = oneLine(s, MAX_NAME);
  return name.includes('@') ? '' : name;
};

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

// ------------------------------------------------------------------------------------- enriching

/** Reasons are officers' short texts or message codes (`DecideCommand.reasons`); a code that renders alone is explained. */
function reasonText(t: Templates, reason: string): string {
  const trimmed = reason.trim();
  if (/^[A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)+$/.test(trimmed) && t.has(trimmed)) {
    try {
      return t.message(trimmed);
    } catch {
      // A code whose message needs parameters the decision does not carry: show what the officer chose.
    }
  }
  return multiLine(reason);
}

function missingItems(t: Templates, m: ModelReader, options: { min?: number; max?: number }): MissingItemView[] {
  return m.list('missing', (item, i) => {
    const rule = item.oneOf('rule', ALL_RULE_CODES);
    return { number: i + 1, rule, label: t.message(`MAIL.RULE.${rule}`), explanation: explainItem(t, item) };
  }, options);
}

function refusedFiles(t: Templates, m: ModelReader): RefusedFileView[] {
  return m.list('refusedDocuments', (item, i) => {
    const filename = oneLine(item.text('filename'), MAX_FILENAME);
    return { number: i + 1, filename: filename || t.message('MAIL.UNNAMED_FILE'), reason: explainItem(t, item) };
  });
}

/** The Indonesian explanation of an item's refusal code; a code or params the catalog cannot render is a broken model. */
function explainItem(t: Templates, item: ModelReader): string {
  const code = item.text('code', { nonEmpty: true });
  const params = item.params('params');
  if (!t.has(code)) item.fail('code', 'a message code known to templates/id/messages');
  try {
    return t.message(code, params);
  } catch (e) {
    return item.fail('params', 'the parameters its message code uses', e);
  }
}

function application(t: Templates, m: ModelReader, missing: { min?: number; max?: number }): Built<ApplicationView> {
  const requestId = m.caseId('requestId', 'OP');
  const refusedDocuments = refusedFiles(t, m);
  return {
    subject: { requestId },
    view: { requestId, name: personName(m.optionalText('name')), missing: missingItems(t, m, missing), refusedDocuments, hasRefused: refusedDocuments.length > 0 },
  };
}

function decision(t: Templates, m: ModelReader, outcome: 'approve' | 'return' | 'reject'): Built<DecisionView> {
  const requestId = m.caseId('requestId', 'OP');
  const kind = m.oneOf('kind', REQUEST_KINDS);
  m.oneOf('outcome', [outcome]);
  // Returning or rejecting always gives reasons (Pasal 15(5)); a mail without them would break the rule.
  const reasons = m.strings('reasons', outcome === 'approve' ? {} : { min: 1 })
    .map((r) => reasonText(t, r)).filter((r) => r !== '')
    .map((text, i) => ({ number: i + 1, text }));
  if (outcome !== 'approve' && reasons.length === 0) m.fail('reasons', 'at least one non-empty reason');
  const note = multiLine(m.optionalText('note'));
  const kindLabel = t.message(`MAIL.KIND.${kind}`);
  return {
    subject: { requestId, kindLabel },
    view: {
      requestId, name: personName(m.optionalText('name')), kind, kindLabel,
      isIssuance: kind === 'issuance', isRenewal: kind === 'renewal', isRevocation: kind === 'revocation',
      reasons, hasReasons: reasons.length > 0, note, hasNote: note !== '',
    },
  };
}

/** An ISO time as the desk's readers write it: "25 November 2026 pukul 14.05 WIB". */
function deskMoment(m: ModelReader, field: string, timeZone: string): string {
  const at = new Date(m.text(field));
  if (!Number.isFinite(at.getTime())) m.fail(field, 'an ISO 8601 time');
  return new Intl.DateTimeFormat('id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
}

/** The desk's zone from the model (an IANA name), Asia/Pontianak when absent. */
function zoneOf(m: ModelReader): string {
  const zone = m.optionalText('timeZone') || 'Asia/Pontianak';
  try {
    new Intl.DateTimeFormat('id-ID', { timeZone: zone });
  } catch (e) {
    m.fail('timeZone', 'an IANA time zone such as Asia/Pontianak', e);
  }
  return zone;
}

/** "Yth. Wali Kota Pontianak" for a tagged addressee, a neutral salutation otherwise. */
function addressee(t: Templates, m: ModelReader): string {
  const role = m.optionalText('addressee');
  return role !== '' && t.has(`INCIDENT.ADDRESSEE.${role}`) ? t.message(`INCIDENT.ADDRESSEE.${role}`) : '';
}

// -------------------------------------------------------------------------------------- builders

interface Built<V extends object> {
  /** Parameters of `MAIL.SUBJECT.<template>`: the `[OP-…]` / `[TK-…]` tag threading relies on. */
  readonly subject: Params;
  readonly view: V;
  readonly attachments?: readonly MailAttachment[];
}

type Builder = (t: Templates, m: ModelReader) => Built<object>;

/**
 * One view-model builder per outbox template (the `template` a use case queues). Each checks the model
 * the use case wrote and adds what the templates show: explanations of refusal codes, Indonesian labels.
 */
const BUILDERS = {
  /** Complete and waiting for an officer (Pasal 15(4)). `missing` is empty by definition. */
  'application-received': (t, m) => application(t, m, { max: 0 }),
  /** Items still missing, each explained, and refused files by name (Pasal 15(5)). */
  'application-incomplete': (t, m) => application(t, m, { min: 1 }),
  'decision-approve': (t, m) => decision(t, m, 'approve'),
  'decision-reject': (t, m) => decision(t, m, 'reject'),
  'decision-return': (t, m) => decision(t, m, 'return'),
  /** Pasal 15(2)c. */
  'not-official-address': (_t, m): Built<NotOfficialAddressView> => {
    const given = oneLine(m.text('fromDomain'), 253).toLowerCase();
    const fromDomain = DOMAIN.test(given) ? given : '';
    const officialDomains = m.strings('officialDomains', { min: 1 }).map((d) => oneLine(d, 253).toLowerCase());
    if (!officialDomains.every((d) => DOMAIN.test(d))) m.fail('officialDomains', 'domain names such as pontianak.go.id');
    return { subject: {}, view: { fromDomain, hasFromDomain: fromDomain !== '', officialDomains } };
  },
  /** Abuse limit: at most one per sender and refill interval, so a flood is not answered with a flood. */
  'rate-limited': (_t, m): Built<RateLimitedView> => ({ subject: {}, view: { minutes: m.wholeNumber('minutes', 1) } }),
  /** Pasal 16(4). Goes to someone who is not the applicant, so it shows nothing of the request but its number. */
  'thread-not-applicant': (_t, m): Built<ThreadNotApplicantView> => {
    const requestId = m.caseId('requestId', 'OP');
    return { subject: { requestId }, view: { requestId } };
  },
  'ticket-received': (t, m): Built<TicketReceivedView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    const kind = m.oneOf('kind', TICKET_KINDS);
    const kindLabel = t.message(`MAIL.KIND.${kind}`);
    return {
      subject: { ticketId, kindLabel },
      view: {
        ticketId, name: personName(m.optionalText('name')), kind, kindLabel,
        isIncident: kind === 'incident', isHelp: kind === 'help', isComplaint: kind === 'complaint',
      },
    };
  },
  /** The reporter wrote again on a ticket's thread (follow-up-ticket.ts): at most once per status and round. */
  'ticket-follow-up': (t, m): Built<TicketFollowUpView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    const status = m.oneOf('status', TICKET_STATUSES);
    const reopened = m.oneOf('reopened', ['yes', 'no'] as const) === 'yes';
    return { subject: { ticketId }, view: { ticketId, statusLabel: t.message(`BOT.STATUS_${status}`), reopened, closed: !reopened && status === 'resolved' } };
  },
  'ticket-answered': (_t, m): Built<TicketAnsweredView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    const answer = multiLine(m.text('answer', { nonEmpty: true }));
    if (answer === '') m.fail('answer', 'a non-empty string');
    return { subject: { ticketId }, view: { ticketId, name: personName(m.optionalText('name')), answer } };
  },
  /** Pasal 16(5), 19(1): the agreement text itself (templates/id/agreement.txt.hbs), answered with SETUJU. */
  'subscriber-agreement': (t, m): Built<SubscriberAgreementView> => {
    const requestId = m.caseId('requestId', 'OP');
    return { subject: { requestId }, view: { requestId, agreement: agreementText(t, requestId), name: personName(m.optionalText('name')) } };
  },
  /** After SETUJU: what happens next — BSrE's own steps, or (sandbox CA) a reply with the CSR. */
  'agreement-accepted': (_t, m): Built<AgreementAcceptedView> => {
    const requestId = m.caseId('requestId', 'OP');
    const csrByMail = m.optionalText('csrByMail') === 'yes';
    return { subject: { requestId }, view: { requestId, csrByMail } };
  },
  /** Pasal 16(6): the certificate itself, attached, with TERIMA asked for. Only public material travels. */
  'certificate-issued': (_t, m): Built<CertificateIssuedView> => {
    const requestId = m.caseId('requestId', 'OP');
    const serial = oneLine(m.text('serial', { nonEmpty: true }), 80);
    const fingerprint = oneLine(m.text('fingerprint', { nonEmpty: true }), 64);
    const notAfter = new Date(m.text('notAfter'));
    if (!Number.isFinite(notAfter.getTime())) m.fail('notAfter', 'an ISO 8601 time');
    const pem = m.text('certificatePem', { nonEmpty: true });
    if (!/^-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\s*$/.test(pem)) m.fail('certificatePem', 'PEM certificates only');
    return {
      subject: { requestId, serial },
      view: { requestId, serial, fingerprint, notAfter: notAfter.toISOString().slice(0, 10), name: personName(m.optionalText('name')) },
      attachments: [{ filename: `sertifikat-${requestId}.pem`, content: pem, contentType: 'application/x-pem-file' }],
    };
  },
  'csr-refused': (t, m): Built<CsrRefusedView> => {
    const requestId = m.caseId('requestId', 'OP');
    return { subject: { requestId }, view: { requestId, explanation: explainItem(t, m), name: personName(m.optionalText('name')) } };
  },
  'receipt-confirmed': (_t, m): Built<ReceiptConfirmedView> => {
    const requestId = m.caseId('requestId', 'OP');
    const at = new Date(m.text('at'));
    if (!Number.isFinite(at.getTime())) m.fail('at', 'an ISO 8601 time');
    return { subject: { requestId }, view: { requestId, at: `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC` } };
  },
  /** The one-time code that binds a Telegram account to this dinas address (the bot issue). */
  'otp-code': (_t, m): Built<OtpCodeView> => {
    const code = m.text('code', { nonEmpty: true });
    if (!/^\d{6}$/.test(code)) m.fail('code', 'six digits');
    return { subject: {}, view: { code, name: personName(m.optionalText('name')), minutes: 10 } };
  },
  'desk-capabilities': (_t, m): Built<DeskCapabilitiesView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    return { subject: { ticketId }, view: { ticketId, name: personName(m.optionalText('name')) } };
  },
  /** Pasal 18: a revocation recorded, what it still needs (18(3)) and the incident it also is (24(3)). */
  'revocation-received': (t, m): Built<RevocationReceivedView> => {
    const requestId = m.caseId('requestId', 'OP');
    const serial = oneLine(m.text('serial', { nonEmpty: true }), 80);
    const ground = m.oneOf('ground', REVOCATION_GROUNDS);
    const incident = m.optionalText('incidentId');
    if (incident !== '' && !(isCaseId(incident) && incident.startsWith('TK-'))) m.fail('incidentId', 'empty or a case id such as TK-2026-000123');
    const missing = missingItems(t, m, {});
    const refusedDocuments = refusedFiles(t, m);
    return {
      subject: { requestId, serial },
      view: {
        requestId, serial, groundLabel: t.message(`GROUND.${ground}`), name: personName(m.optionalText('name')),
        missing, hasMissing: missing.length > 0, refusedDocuments, hasRefused: refusedDocuments.length > 0,
        incidentId: incident, hasIncident: incident !== '', reapply: m.oneOf('reapply', ['yes', 'no']) === 'yes',
      },
    };
  },
  /** A renewal or revocation by mail the desk cannot act on, with the reason (Pasal 15(5) in spirit: always say why). */
  'request-refused': (t, m): Built<RequestRefusedView> => {
    const kind = m.oneOf('kind', ['renewal', 'revocation'] as const);
    const kindLabel = t.message(`MAIL.KIND.${kind}`);
    return { subject: { kindLabel }, view: { kindLabel, isRenewal: kind === 'renewal', explanation: explainItem(t, m), name: personName(m.optionalText('name')) } };
  },
  'revocation-completed': (_t, m): Built<RevocationCompletedView> => {
    const requestId = m.caseId('requestId', 'OP');
    const serial = oneLine(m.text('serial', { nonEmpty: true }), 80);
    const at = new Date(m.text('revokedAt'));
    if (!Number.isFinite(at.getTime())) m.fail('revokedAt', 'an ISO 8601 time');
    m.oneOf('ground', REVOCATION_GROUNDS);
    const revokedAt = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return { subject: { requestId, serial }, view: { requestId, serial, revokedAt, name: personName(m.optionalText('name')) } };
  },
  /** bsre-manual: BSrE waits for the applicant's own step (its identity form, their passphrase). */
  'bsre-stalled': (_t, m): Built<BsreStalledView> => {
    const requestId = m.caseId('requestId', 'OP');
    const step = m.oneOf('step', ['identity_form_done', 'passphrase_set'] as const);
    return {
      subject: { requestId },
      view: { requestId, days: m.wholeNumber('days', 1), identityForm: step === 'identity_form_done', passphrase: step === 'passphrase_set', name: personName(m.optionalText('name')) },
    };
  },
  /** Pasal 17(2). Days left are counted from when the sweep queued it (`asOf`), not from when it is read. */
  'reminder-expiry': (_t, m): Built<ReminderExpiryView> => {
    const serial = oneLine(m.text('serial', { nonEmpty: true }), 80);
    const notAfter = new Date(m.text('notAfter'));
    const asOf = new Date(m.text('asOf'));
    if (!Number.isFinite(notAfter.getTime())) m.fail('notAfter', 'an ISO 8601 time');
    if (!Number.isFinite(asOf.getTime()) || asOf >= notAfter) m.fail('asOf', 'an ISO 8601 time before notAfter');
    const expiry = oneLine(m.text('expiry', { nonEmpty: true }), 40);
    return { subject: { serial, expiry }, view: { serial, expiry, daysLeft: daysLeft(notAfter, asOf), name: personName(m.optionalText('name')) } };
  },
  /** Pasal 24(1): the incident report to Walikota, Gubernur, Kepala BSSN and Kepala BSrE. */
  'incident-report': (t, m): Built<IncidentReportView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    const zone = zoneOf(m);
    const category = m.oneOf('category', INCIDENT_CATEGORIES);
    const revocationId = m.optionalText('revocationId');
    if (revocationId !== '' && !(isCaseId(revocationId) && revocationId.startsWith('OP-'))) m.fail('revocationId', 'empty or a case id such as OP-2026-000123');
    const personalData = m.oneOf('personalData', ['yes', 'no']) === 'yes';
    const categoryLabel = t.message(`INCIDENT.CATEGORY.${category}`);
    return {
      subject: { ticketId },
      view: {
        ticketId, addresseeLabel: addressee(t, m), categoryLabel,
        openedAt: deskMoment(m, 'openedAt', zone), reportedAt: deskMoment(m, 'reportedAt', zone),
        channelLabel: t.message(`INCIDENT.CHANNEL.${m.oneOf('channel', CHANNELS)}`),
        agency: oneLine(m.optionalText('agency'), 150), hasAgency: m.optionalText('agency').trim() !== '',
        description: multiLine(m.text('description')) || '-',
        revocationId, serial: oneLine(m.optionalText('serial'), 80), hasRevocation: revocationId !== '',
        personalData, pdpDeadline: personalData && m.optionalText('pdpDeadline') !== '' ? deskMoment(m, 'pdpDeadline', zone) : '',
      },
    };
  },
  /** Pasal 10(2)-(3): a needs inventory recorded for the sender's agency, or why it was not. */
  'needs-received': (t, m): Built<NeedsReceivedView> => {
    const recorded = m.oneOf('outcome', ['recorded', 'refused']) === 'recorded';
    const count = (field: string): string => {
      const v = m.text(field);
      if (!/^\d{1,6}$/.test(v)) m.fail(field, 'a whole number written in digits');
      return v;
    };
    const view: NeedsReceivedView = recorded
      ? {
        recorded, agency: oneLine(m.text('agency', { nonEmpty: true }), 150), year: count('year'), individual: count('individual'),
        position: count('position'), system: count('system'), total: count('total'), explanation: '',
      }
      : { recorded, agency: '', year: '', individual: '', position: '', system: '', total: '', explanation: explainItem(t, m) };
    return { subject: { status: t.message(recorded ? 'NEEDS.MAIL_RECORDED' : 'NEEDS.MAIL_REFUSED') }, view };
  },
  /** Pasal 22(2): the Pengelola's desk asks BSrE for technical help. */
  'help-escalation': (t, m): Built<HelpEscalationView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    return {
      subject: { ticketId },
      view: {
        ticketId, openedAt: deskMoment(m, 'openedAt', zoneOf(m)), channelLabel: t.message(`INCIDENT.CHANNEL.${m.oneOf('channel', CHANNELS)}`),
        description: multiLine(m.text('description')) || '-',
      },
    };
  },
  /** Pasal 9(7): a complaint about an officer, to BSSN through BSrE and to the Walikota. */
  'complaint-forward': (t, m): Built<ComplaintForwardView> => {
    const ticketId = m.caseId('ticketId', 'TK');
    const requestId = m.optionalText('requestId');
    if (requestId !== '' && !(isCaseId(requestId) && requestId.startsWith('OP-'))) m.fail('requestId', 'empty or a case id such as OP-2026-000123');
    return {
      subject: { ticketId },
      view: {
        ticketId, addresseeLabel: addressee(t, m), requestId: requestId || '-', openedAt: deskMoment(m, 'openedAt', zoneOf(m)),
        officerName: personName(m.optionalText('officerName')) || '-', appointmentRef: oneLine(m.optionalText('appointmentRef'), 100) || '-',
        description: multiLine(m.text('description')) || '-',
      },
    };
  },
  /**
   * Pasal 23(3)-(4): the annual monitoring and evaluation report to the Walikota, Gubernur, Kepala BSSN
   * and Kepala BSrE, its HTML and CSV attached. Aggregates only: the report holds no personal data.
   */
  'annual-report': (_t, m): Built<AnnualReportView> => {
    const year = m.text('year');
    if (!/^\d{4}$/.test(year)) m.fail('year', 'a four-digit year');
    const html = m.text('html', { nonEmpty: true });
    if (!html.startsWith('<!DOCTYPE html>')) m.fail('html', 'a whole HTML document');
    const csv = m.text('csv', { nonEmpty: true });
    return {
      subject: { year },
      view: { year },
      attachments: [
        { filename: `laporan-tahunan-${year}.html`, content: html, contentType: 'text/html; charset=utf-8' },
        { filename: `laporan-tahunan-${year}.csv`, content: csv, contentType: 'text/csv; charset=utf-8' },
      ],
    };
  },
  /**
   * UU 27/2022 Pasal 46: written notice to the data subject of a failure to protect their data — what
   * data, when and how it was exposed, and what is done and what they can do. The texts are the RA's own.
   */
  'breach-notice': (_t, m): Built<BreachNoticeView> => {
    const part = (field: string): string => {
      const v = multiLine(m.text(field, { nonEmpty: true }));
      if (v === '') m.fail(field, 'a non-empty string');
      return v;
    };
    return {
      subject: {},
      view: {
        what: part('what'), when: part('when'), how: part('how'), remedy: part('remedy'),
        reference: oneLine(m.optionalText('reference'), 80), name: personName(m.optionalText('name')),
      },
    };
  },
} as const satisfies Record<string, Builder>;

export type MailTemplate = keyof typeof BUILDERS;


/** Every template the mail outbox can send; each has `templates/id/mail/<name>.txt.hbs` and `.html.hbs`. */
export const MAIL_TEMPLATES = Object.keys(BUILDERS) as readonly MailTemplate[];

export const isMailTemplate = (name: string): name is MailTemplate => Object.hasOwn(BUILDERS, name);

// ------------------------------------------------------------------------------------- rendering

/** Blank lines left by block helpers collapse to one; trailing spaces go. */
const tidyText = (s: string): string =>
  `${s.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()}\n`;

/**
 * Renders an outbox row as an e-mail: the subject from `MAIL.SUBJECT.<template>` (with the `[OP-…]` or
 * `[TK-…]` tag replies are threaded by), and the body from `templates/id/mail/<template>.txt.hbs` and
 * `.html.hbs`. The model is checked first; a broken one throws `MAIL.BAD_MODEL` naming the field, so the
 * outbox marks the row failed instead of sending a half-empty mail.
 *
 * @example
 * const mail = renderMail(t, 'application-incomplete', {
 *   requestId: 'OP-2026-000123',
 *   missing: [{ rule: 'recommendation', code: 'VERIFY.RECOMMENDATION_MISSING', params: {} }],
 *   refusedDocuments: [],
 * });
 * mail.subject; // "[OP-2026-000123] Permohonan belum lengkap — sertifikat elektronik"
 */
export function renderMail(t: Templates, template: string, model: Readonly<Record<string, unknown>>): RenderedMail {
  if (!isMailTemplate(template)) {
    const shown = /^[a-z0-9-]{1,60}$/.test(template) ? template : '(unreadable name)';
    throw new RaError('MAIL.UNKNOWN_TEMPLATE', `no mail template ${shown}; known: ${MAIL_TEMPLATES.join(', ')}`);
  }
  const built = BUILDERS[template](t, ModelReader.of(template, model));
  const subject = oneLine(t.message(`MAIL.SUBJECT.${template}`, built.subject), 250);
  const view = { ...built.view, subject };
  return {
    subject,
    text: tidyText(t.render(`mail/${template}.txt`, view)),
    html: t.render(`mail/${template}.html`, view),
    attachments: built.attachments ?? [],
  };
}
