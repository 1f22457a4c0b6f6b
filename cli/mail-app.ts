import type { App } from './app.ts';
import { createMailDesk, type MailDesk } from '../mail/mail-desk.ts';
import { createSmtpTransport } from '../mail/outbox/smtp-transport.ts';
import { drainMailOutbox, type DrainReport } from '../mail/outbox/send-outbox.ts';
import { createTemplates } from '../templates/catalog.ts';

/** The mail channel of an opened app. */
export function mailDeskOf(app: App): MailDesk {
  return createMailDesk({
    ds: app.ds, ports: app.ports, mail: app.config.mail, officialDomains: app.config.officialDomains,
    maxFileBytes: app.config.maxFileBytes, maxMessageBytes: app.config.maxMessageBytes,
    afterCommit: async () => { await app.auditLog.checkpoint(); },
  });
}

/** Sends what the e-mail outbox holds; null when no SMTP server is configured. */
export async function drainOutboxOf(app: App): Promise<DrainReport | null> {
  if (!app.config.mail.smtpUrl) return null;
  const transport = createSmtpTransport(app.config.mail.smtpUrl);
  try {
    return await drainMailOutbox({ ds: app.ds, t: createTemplates(), transport, from: app.config.mail.from, now: () => app.ports.clock.now() });
  } finally {
    transport.close();
  }
}
