import pino, { type Logger } from 'pino';

/** What never reaches a log line, whatever code logs it (UU 27/2022; tokens are keys to the desk). */
const SCRUB: readonly (readonly [RegExp, string])[] = [
  // A NIK: 16 digits on their own (an officer id or a NIP has another length).
  [/(?<!\d)\d{16}(?!\d)/g, '[NIK]'],
  // A Telegram bot token: `123456789:AA…`.
  [/\b\d{5,15}:[A-Za-z0-9_-]{20,}\b/g, '[TOKEN]'],
  // Credentials inside URLs: imap://user:password@host, postgres://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[KREDENSIAL]@'],
];

/** Scrubs a string; exported for the tests that prove it. */
export const scrub = (s: string): string => SCRUB.reduce((acc, [re, by]) => acc.replace(re, by), s);

const scrubDeep = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return scrub(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
};

/**
 * The service's JSON log (pino), one line per event, for journald or a log shipper. Fields that would
 * hold message bodies, NIKs, tokens or passwords are removed by name (`redact`), and every string left,
 * the message included, is scrubbed of NIK-shaped numbers, bot tokens and URL credentials — so a careless
 * log call still cannot leak them.
 *
 * @example
 * const log = createLogger('info');
 * log.info({ event: 'mail.sync', handled: 3 }, 'Kotak surat diproses');
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({
    level,
    base: { service: 'ra-desk' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['nik', '*.nik', 'token', '*.token', 'password', '*.password', 'body', '*.body', 'text', '*.text', 'html', '*.html', 'raw', '*.raw'],
      censor: '[disunting]',
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => scrubDeep(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      },
    },
  }, destination as pino.DestinationStream);
}
