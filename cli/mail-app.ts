import type { App } from './app.ts';
import { createMailDesk, type MailDesk } from '../mail/mail-desk.ts';
import { createSmtpTransport } from '../mail/outbox/smtp-transport.ts';
import { drainMailOutbox, type DrainReport } from '../mail/outbox/send-outbox.ts';
import { createTemplates, type Templates } from '../templates/catalog.ts';
import { recordCertificateDelivery } from '../domain/use-cases/issue-certificate.ts';
import { certificateForDelivery } from '../domain/use-cases/import-issued-certificate.ts';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import type { OutboxRow } from '../storage/entities/rows.ts';

/** The mail channel of an opened app. */
export async function mailDeskOf(app: App): Promise<MailDesk> {
  return createMailDesk({
    ds: app.ds, ports: app.ports, mail: app.config.mail, officialDomains: app.config.officialDomains,
    maxFileBytes: app.config.maxFileBytes, maxMessageBytes: app.config.maxMessageBytes,
    afterCommit: async () => { await app.auditLog.checkpoint(); }, ca: await app.ca(),
  });
}

/** Sends what the e-mail outbox holds; null when no SMTP server is configured. */
/** `t` is passed by long-running callers, so templates are compiled once, not on every drain. */
export async function drainOutboxOf(app: App, t: Templates = createTemplates()): Promise<DrainReport | null> {
  if (!app.config.mail.smtpUrl) return null;
  const transport = createSmtpTransport(app.config.mail.smtpUrl);
  try {
    const total: DrainReport = { sent: 0, retried: 0, failed: 0 };
    // A pass takes up to 100 rows; keep going while passes make progress, so `mail sync --once` sends
    // everything due (a retried row waits for its backoff and stops the loop).
    for (let pass = 0; pass < 1000; pass++) {
      const r = await drainMailOutbox({
        ds: app.ds, t, transport, from: app.config.mail.from, now: () => app.ports.clock.now(), leaseMs: app.config.mail.leaseSeconds * 1000,
        onSent: (row) => recordMailDelivery(app.ports, row),
        prepareModel: (row, model) => withCertificateFile(app.ports, row, model),
      });
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.sent + r.failed === 0 || r.retried > 0) break;
    }
    return total;
  } finally {
    transport.close();
  }
}

/** The certificate mail reached the mail server: the delivery milestone of Pasal 16(6). */
export async function recordMailDelivery(ports: DeskPorts, row: Pick<OutboxRow, 'template' | 'caseId'>): Promise<void> {
  if (row.template === 'certificate-issued' && row.caseId) await recordCertificateDelivery(ports, row.caseId);
}

/** A certificate imported from BSrE travels in the vault, not the outbox: its PEM is read just before sending. */
export async function withCertificateFile(ports: DeskPorts, row: Pick<OutboxRow, 'template' | 'caseId'>, model: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (row.template !== 'certificate-issued' || !row.caseId) return model;
  const pem = await certificateForDelivery(ports, row.caseId, model);
  return pem === null ? model : { ...model, certificatePem: pem };
}
