import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** One message the receiver accepted. */
export interface ReceivedMail {
  /** The SMTP envelope (MAIL FROM is '' for the null sender `<>`). */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The DATA bytes as sent (dot-unstuffed). */
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

/** How the receiver refuses mail while an outage is simulated: the reply code and text. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

export interface SmtpReceiver {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`. */
  readonly url: string;
  /** Accepted messages, oldest first. `clear()` empties it. */
  readonly messages: readonly ReceivedMail[];
  /** Resolves with the first `n` messages once at least `n` arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  /**
   * Refuses every transaction at MAIL FROM with `451 4.3.0 …` (or the given refusal) until
   * `accept()`; nodemailer reports `responseCode: 451`. `rejecting` tells whether it is on.
   */
  reject(refusal?: Partial<Refusal>): void;
  accept(): void;
  readonly rejecting: boolean;
  /** Forgets the accepted messages. */
  clear(): void;
  /** Closes the port (connections get `421`): clients see ECONNREFUSED until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port (after `stop()`); the messages so far are kept. */
  start(): Promise<void>;
}

export interface SmtpReceiverOptions {
  /** Port to listen on; a free one (port 0) by default. */
  readonly port?: number;
}

const DEFAULT_REFUSAL: Refusal = { code: 451, message: '4.3.0 Temporary failure: test outage, try again later' };

/**
 * A loopback SMTP server that accepts everything (no AUTH required, no STARTTLS) and keeps each message
 * with its envelope, its raw bytes and mailparser's reading of it. For tests of what ra-desk sends.
 *
 * @example
 * const smtp = await startSmtpReceiver();
 * const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
 * smtp.reject();                 // outage: 451 at MAIL FROM
 * smtp.accept();                 // recovery
 * const [mail] = await smtp.waitFor(1);
 * await smtp.stop();
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refusal: Refusal | undefined;
  let server: SMTPServer | undefined;
  let port = options.port ?? 0;

  const notify = (): void => {
    for (const w of [...waiters]) w();
  };

  const create = (): SMTPServer => new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'ra-desk test receiver',
    size: 50 * 1024 * 1024,
    // stop() should not wait the default 30 s for idle pooled connections.
    closeTimeout: 100,
    onMailFrom(_address, _session, callback) {
      if (!refusal) return callback();
      const error: SMTPServerError = new Error(refusal.message);
      error.responseCode = refusal.code;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('error', (e: Error) => callback(e));
      stream.once('end', () => {
        const raw = Buffer.concat(chunks);
        const { mailFrom, rcptTo } = session.envelope;
        simpleParser(raw).then((parsed) => {
          messages.push({ envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) }, raw, parsed });
          notify();
          callback();
        }, (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
      });
    },
  });

  const start = async (): Promise<void> => {
    if (server) return;
    const s = create();
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      s.server.once('error', onError);
      s.listen(port, '127.0.0.1', () => {
        s.server.removeListener('error', onError);
        resolve();
      });
    });
    // Connection-level errors (a client hanging up mid-DATA) are expected in outage tests.
    s.on('error', () => undefined);
    const address = s.server.address();
    if (typeof address === 'object' && address) port = address.port;
    server = s;
  };

  const stop = async (): Promise<void> => {
    const s = server;
    if (!s) return;
    server = undefined;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await start();

  return {
    host: '127.0.0.1',
    get port() { return port; },
    get url() { return `smtp://127.0.0.1:${port}`; },
    messages,
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages.slice(0, n));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP receiver got ${messages.length} of ${n} expected message(s) within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reject(r = {}) {
      refusal = { ...DEFAULT_REFUSAL, ...r };
    },
    accept() {
      refusal = undefined;
    },
    get rejecting() { return refusal !== undefined; },
    clear() {
      messages.length = 0;
    },
    stop,
    start,
  };
}
