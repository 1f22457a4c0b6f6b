import { ImapFlow } from 'imapflow';

export interface ImapTarget {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  readonly mailbox: string;
}

/** `imap://user:password@host:port/INBOX` (user and password URL-encoded; `imaps://` for TLS). */
export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname, port: u.port ? Number(u.port) : secure ? 993 : 143, secure,
    user: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/**
 * A fresh client per connection: imapflow clients are not reusable after a disconnect. IDLE starts
 * soon after the mailbox goes quiet (imapflow waits 15 s by default), and logs stay off: they would
 * carry addresses and subjects.
 */
export function createImapClient(t: ImapTarget): ImapFlow {
  return new ImapFlow({
    host: t.host, port: t.port, secure: t.secure, auth: { user: t.user, pass: t.password },
    logger: false, autoIdleDelay: 200, maxIdleTime: 5 * 60_000, connectionTimeout: 15_000, greetingTimeout: 15_000,
    // Loopback test servers use plain IMAP; production uses imaps:// with certificate checks left on.
    ...(t.secure ? {} : { doSTARTTLS: false }),
  });
}
