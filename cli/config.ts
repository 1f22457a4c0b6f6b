import { resolve, join } from 'node:path';
import { z } from 'zod';
import type { LimitRules } from '../domain/limits/token-bucket.ts';
import { DEFAULT_LIMIT_RULES } from '../domain/use-cases/take-allowance.ts';
import type { OversightSettings } from '../domain/oversight/oversight-settings.ts';
import { parseHolidays, parseOfficeHours } from '../domain/help/office-hours.ts';

/**
 * All configuration, parsed once (STYLE.md §7). `createConfig(env)` takes any env-like object so tests
 * build configs without touching `process.env`; `loadConfig()` is the only reader of the real environment.
 * Every variable is documented in `.env.example` and the README.
 */
const csv = (s: string): string[] => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
const domainName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const address = /^[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[a-z]{2,63}$/i;
const ADDRESSEE_ROLES = ['walikota', 'gubernur', 'bssn', 'bsre'];
/** `walikota:a@x.go.id,gubernur:b@y.go.id,…` (roles optional) → addressees; null when an entry is malformed. */
const addressees = (s: string): Array<{ role: string | null; address: string }> | null => {
  const out = s.split(',').map((x) => x.trim()).filter(Boolean).map((entry) => {
    const m = /^(?:([a-z]+):)?(.+)$/i.exec(entry)!;
    const role = m[1]?.toLowerCase() ?? null;
    const mail = m[2]!.trim().toLowerCase();
    return role !== null && !ADDRESSEE_ROLES.includes(role) ? null : address.test(mail) ? { role, address: mail } : null;
  });
  return out.every((x) => x !== null) ? out : null;
};
const positiveInt = (name: string, max: number) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number)
    .refine((n) => n >= 1 && n <= max, `${name} must be between 1 and ${max}`);

/** 0 turns a limit off. */
const perHour = (name: string) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number of actions per hour (0 turns the limit off)`).transform(Number)
    .refine((n) => n <= 100_000, `${name} must be at most 100000 (0 turns the limit off)`);

const schema = z.object({
  RA_DATA_DIR: z.string().min(1).default('./data'),
  RA_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/.+/, 'RA_DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)').optional(),
  RA_MASTER_KEY: z.string().refine((s) => Buffer.from(s.trim(), 'base64').length === 32, 'RA_MASTER_KEY must be the base64 of 32 bytes (openssl rand -base64 32)').optional(),
  RA_MASTER_KEY_FILE: z.string().min(1).optional(),
  RA_OFFICIAL_DOMAINS: z.string().default('pontianak.go.id').transform(csv)
    .refine((list) => list.length > 0 && list.every((d) => domainName.test(d)), 'RA_OFFICIAL_DOMAINS must be a comma-separated list of domain names, e.g. pontianak.go.id'),
  RA_MAX_FILE_MB: positiveInt('RA_MAX_FILE_MB', 100).default(10),
  RA_MAX_MESSAGE_MB: positiveInt('RA_MAX_MESSAGE_MB', 200).default(25),
  RA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RA_TIMEZONE: z.string().default('Asia/Pontianak'),
  RA_IMAP_URL: z.string().regex(/^imaps?:\/\/[^/]+/, 'RA_IMAP_URL must look like imap://user:password@host:port/INBOX (imaps:// for TLS)').optional(),
  RA_SMTP_URL: z.string().regex(/^smtps?:\/\/[^/]+/, 'RA_SMTP_URL must look like smtp://user:password@host:port (smtps:// for TLS)').optional(),
  RA_MAIL_FROM: z.string().default('Otoritas Pendaftaran Kota Pontianak <ra@pontianak.go.id>')
    .refine((s) => /<[^<>@\s]+@[^<>@\s]+>$|^[^<>@\s]+@[^<>@\s]+$/.test(s.trim()), 'RA_MAIL_FROM must be an address, optionally with a display name: Nama <ra@pontianak.go.id>'),
  RA_MAIL_AUTHSERV_ID: z.string().regex(/^[A-Za-z0-9.-]+$/, 'RA_MAIL_AUTHSERV_ID must be the authserv-id of your receiving server, e.g. mx.pontianak.go.id').optional(),
  RA_MAIL_PROCESSED_FOLDER: z.string().min(1).default('RA/Processed'),
  RA_MAIL_QUARANTINE_FOLDER: z.string().min(1).default('RA/Quarantine'),
  RA_MAIL_RETAIN_DAYS: positiveInt('RA_MAIL_RETAIN_DAYS', 3650).default(30),
  RA_MAIL_POLL_SECONDS: positiveInt('RA_MAIL_POLL_SECONDS', 86400).default(60),
  RA_OUTBOX_LEASE_SECONDS: positiveInt('RA_OUTBOX_LEASE_SECONDS', 86400).default(300),
  RA_TELEGRAM_TOKEN: z.string().regex(/^\d{5,15}:[A-Za-z0-9_-]{20,}$/, 'RA_TELEGRAM_TOKEN must be the token BotFather gave, like 123456789:AA…').optional(),
  RA_TELEGRAM_WEBHOOK_URL: z.string().regex(/^https:\/\/[^/]+\/.+/, 'RA_TELEGRAM_WEBHOOK_URL must be the public https URL Telegram posts to, with a path, e.g. https://ra.pontianak.go.id/telegram').optional(),
  RA_TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'RA_TELEGRAM_WEBHOOK_SECRET must be 16-256 letters, digits, _ or -').optional(),
  RA_TELEGRAM_WEBHOOK_PORT: positiveInt('RA_TELEGRAM_WEBHOOK_PORT', 65535).default(8081),
  RA_CA: z.enum(['sandbox', 'bsre-manual']).default('bsre-manual'),
  RA_ALLOW_SANDBOX: z.enum(['0', '1']).default('0'),
  RA_HTTP_HOST: z.string().regex(/^[A-Za-z0-9.:-]+$/, 'RA_HTTP_HOST must be an address to listen on, e.g. 127.0.0.1').default('127.0.0.1'),
  RA_HTTP_PORT: z.string().regex(/^\d+$/, 'RA_HTTP_PORT must be a port number (0 turns /healthz and /metrics off)').transform(Number)
    .refine((n) => n >= 0 && n <= 65535, 'RA_HTTP_PORT must be between 0 and 65535 (0 turns /healthz and /metrics off)').default(8080),
  RA_CA_ROOTS: z.string().min(1).optional(),
  RA_BSRE_STALL_DAYS: positiveInt('RA_BSRE_STALL_DAYS', 365).default(3),
  RA_REPORT_RECIPIENTS: z.string().default('').transform(csv)
    .refine((list) => list.every((e) => /^[^\s@<>,]+@[^\s@<>,]+\.[a-z]{2,63}$/.test(e)), 'RA_REPORT_RECIPIENTS must be e-mail addresses separated by commas'),
  RA_RETENTION_YEARS: positiveInt('RA_RETENTION_YEARS', 100).default(2),
  RA_LIMIT_REQUESTS_PER_HOUR: perHour('RA_LIMIT_REQUESTS_PER_HOUR').default(DEFAULT_LIMIT_RULES.request.perHour),
  RA_LIMIT_OTP_PER_HOUR: perHour('RA_LIMIT_OTP_PER_HOUR').default(DEFAULT_LIMIT_RULES.otp.perHour),
  RA_LIMIT_UPLOADS_PER_HOUR: perHour('RA_LIMIT_UPLOADS_PER_HOUR').default(DEFAULT_LIMIT_RULES.upload.perHour),
  RA_INCIDENT_RECIPIENTS: z.string().default('').refine((s) => addressees(s) !== null,
    'RA_INCIDENT_RECIPIENTS must be comma-separated addresses, each optionally tagged walikota:, gubernur:, bssn: or bsre:, e.g. walikota:walikota@pontianak.go.id,bsre:kepala@bsre.id'),
  RA_BSRE_SUPPORT_EMAIL: z.string().refine((s) => address.test(s.trim()), 'RA_BSRE_SUPPORT_EMAIL must be one e-mail address, e.g. layanan@bsre.id').optional(),
  RA_SLA_FIRST_RESPONSE_HOURS: positiveInt('RA_SLA_FIRST_RESPONSE_HOURS', 400).default(4),
  RA_SLA_RESOLUTION_HOURS: positiveInt('RA_SLA_RESOLUTION_HOURS', 2000).default(24),
  RA_OFFICE_HOURS: z.string().default('08:00-16:00').refine((s) => parseOfficeHours(s) !== null, 'RA_OFFICE_HOURS must look like 08:00-16:00 (opening before closing)'),
  RA_OFFICE_DAYS: z.string().default('1,2,3,4,5').refine((s) => s.split(',').every((d) => /^[1-7]$/.test(d.trim())), 'RA_OFFICE_DAYS must be ISO weekdays 1 (Monday) to 7 (Sunday), comma-separated, e.g. 1,2,3,4,5'),
  RA_HOLIDAYS: z.string().default('').refine((s) => parseHolidays(s) !== null, 'RA_HOLIDAYS must be calendar dates YYYY-MM-DD separated by commas, e.g. 2026-12-25,2027-01-01'),
  RA_TELEGRAM_API_ROOT: z.string().regex(/^https?:\/\/[^/]+/, 'RA_TELEGRAM_API_ROOT must be an http(s) URL').default('https://api.telegram.org'),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly masterKey: string | undefined;
  readonly masterKeyFile: string;
  readonly officialDomains: readonly string[];
  readonly maxFileBytes: number;
  readonly maxMessageBytes: number;
  readonly logLevel: string;
  readonly timezone: string;
  /** Right-hand side of the Message-IDs ra-desk generates. */
  readonly messageIdDomain: string;
  readonly mail: MailConfig;
  readonly telegram: {
    readonly token: string | undefined;
    readonly apiRoot: string;
    /** Set: webhook mode behind a reverse proxy; unset: long polling. */
    readonly webhook: { readonly url: string; readonly secret: string; readonly port: number } | null;
  };
  /** `sandbox` signs CSRs locally (demo, tests; never legal certificates); `bsre-manual` is the real BSrE. */
  readonly ca: 'sandbox' | 'bsre-manual';
  readonly allowSandbox: boolean;
  /** `/healthz` and `/metrics` of `serve`; null when RA_HTTP_PORT is 0. */
  readonly http: { readonly host: string; readonly port: number } | null;
  /** PEM file of BSrE's root and intermediate certificates that imported certificates must chain to; unset: imports are refused. */
  readonly caRoots: string | undefined;
  /** `bsre-manual`: days a step may wait before its stall reminder. */
  readonly bsreStallDays: number;
  /** Addressees of the annual report (Pasal 23(4): Walikota, Gubernur, Kepala BSSN, Kepala BSrE); may be empty. */
  readonly reportRecipients: readonly string[];
  /** Years after a certificate's end (or a request's) before e-KTP scans and NIKs are destroyed (UU 27/2022). */
  readonly retentionYears: number;
  /** Abuse limits per sender (e-mail address, Telegram user): new requests, one-time codes, uploads. */
  readonly limits: LimitRules;
  /** Incident addressees (Pasal 24(1)), BSrE support (Pasal 22(2)), help-ticket SLA in office hours. */
  readonly oversight: OversightSettings;
}

export interface MailConfig {
  readonly imapUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly from: string;
  readonly authservId: string | null;
  readonly processedFolder: string;
  readonly quarantineFolder: string;
  readonly retainDays: number;
  readonly pollSeconds: number;
  /** How long a mail a sender claimed is left alone before another may send it (the first one died). */
  readonly leaseSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function createConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable means "not set": .env files often carry `RA_DATABASE_URL=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('RA_') && v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`Invalid ${name}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.RA_TELEGRAM_WEBHOOK_URL && !c.RA_TELEGRAM_WEBHOOK_SECRET) throw new ConfigError('Invalid RA_TELEGRAM_WEBHOOK_SECRET: required when RA_TELEGRAM_WEBHOOK_URL is set (16-256 letters, digits, _ or -)');
  const dataDir = resolve(c.RA_DATA_DIR);
  const timezoneOk = (() => { try { new Intl.DateTimeFormat('en', { timeZone: c.RA_TIMEZONE }); return true; } catch { return false; } })();
  if (!timezoneOk) throw new ConfigError(`Invalid RA_TIMEZONE: must be an IANA time zone such as Asia/Pontianak`);
  return {
    dataDir,
    databaseUrl: c.RA_DATABASE_URL,
    masterKey: c.RA_MASTER_KEY,
    masterKeyFile: resolve(c.RA_MASTER_KEY_FILE ?? join(dataDir, 'keys', 'master.key')),
    officialDomains: c.RA_OFFICIAL_DOMAINS,
    maxFileBytes: c.RA_MAX_FILE_MB * 1024 * 1024,
    maxMessageBytes: c.RA_MAX_MESSAGE_MB * 1024 * 1024,
    logLevel: c.RA_LOG_LEVEL,
    timezone: c.RA_TIMEZONE,
    messageIdDomain: c.RA_OFFICIAL_DOMAINS[0]!,
    mail: {
      imapUrl: c.RA_IMAP_URL, smtpUrl: c.RA_SMTP_URL, from: c.RA_MAIL_FROM.trim(), authservId: c.RA_MAIL_AUTHSERV_ID ?? null,
      processedFolder: c.RA_MAIL_PROCESSED_FOLDER, quarantineFolder: c.RA_MAIL_QUARANTINE_FOLDER,
      retainDays: c.RA_MAIL_RETAIN_DAYS, pollSeconds: c.RA_MAIL_POLL_SECONDS, leaseSeconds: c.RA_OUTBOX_LEASE_SECONDS,
    },
    telegram: {
      token: c.RA_TELEGRAM_TOKEN, apiRoot: c.RA_TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      webhook: c.RA_TELEGRAM_WEBHOOK_URL ? { url: c.RA_TELEGRAM_WEBHOOK_URL, secret: c.RA_TELEGRAM_WEBHOOK_SECRET!, port: c.RA_TELEGRAM_WEBHOOK_PORT } : null,
    },
    ca: c.RA_CA,
    allowSandbox: c.RA_ALLOW_SANDBOX === '1',
    http: c.RA_HTTP_PORT === 0 ? null : { host: c.RA_HTTP_HOST, port: c.RA_HTTP_PORT },
    caRoots: c.RA_CA_ROOTS === undefined ? undefined : resolve(c.RA_CA_ROOTS),
    bsreStallDays: c.RA_BSRE_STALL_DAYS,
    reportRecipients: c.RA_REPORT_RECIPIENTS,
    retentionYears: c.RA_RETENTION_YEARS,
    oversight: {
      incidentRecipients: addressees(c.RA_INCIDENT_RECIPIENTS) ?? [],
      bsreSupportEmail: c.RA_BSRE_SUPPORT_EMAIL?.trim().toLowerCase() ?? null,
      firstResponseHours: c.RA_SLA_FIRST_RESPONSE_HOURS, resolutionHours: c.RA_SLA_RESOLUTION_HOURS,
      officeHours: {
        timeZone: c.RA_TIMEZONE, ...parseOfficeHours(c.RA_OFFICE_HOURS)!,
        days: [...new Set(c.RA_OFFICE_DAYS.split(',').map((d) => Number(d.trim())))].sort(),
        holidays: parseHolidays(c.RA_HOLIDAYS)!,
      },
    },
    limits: {
      request: { perHour: c.RA_LIMIT_REQUESTS_PER_HOUR }, otp: { perHour: c.RA_LIMIT_OTP_PER_HOUR }, upload: { perHour: c.RA_LIMIT_UPLOADS_PER_HOUR },
    },
  };
}

/** Reads `.env` (without overriding real variables) and the environment, once, at start-up. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  return createConfig(process.env);
}
