import type { DataSource } from 'typeorm';
import { LessThanOrEqual, In } from 'typeorm';
import type { Transporter } from 'nodemailer';
import type { Templates } from '../../templates/catalog.ts';
import { MailMessageSchema, OutboxSchema } from '../../storage/entities/schemas.ts';
import type { OutboxRow } from '../../storage/entities/rows.ts';
import { renderMail } from './render-mail.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';

export interface OutboxSenderDeps {
  readonly ds: DataSource;
  readonly t: Templates;
  readonly transport: Transporter;
  /** `Nama <ra@pontianak.go.id>` */
  readonly from: string;
  readonly now: () => Date;
  /** How long a claimed row is left alone before another sender may retry it (a sender died mid-send). */
  readonly leaseMs?: number;
  readonly batch?: number;
  /** Called once a row was accepted by the mail server (the certificate mail records delivery, Pasal 16(6)). */
  readonly onSent?: (row: OutboxRow) => Promise<void>;
  /** Completes a model before it is rendered (an imported certificate's file comes from the vault, never the outbox). */
  readonly prepareModel?: (row: OutboxRow, model: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
}

const MAX_ATTEMPTS = 12;
const backoffMs = (attempts: number): number => Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));

/** An SMTP 5xx is final (bad address, policy); anything else — refused connection, 4xx — is worth another try. */
const isPermanent = (e: unknown): boolean => {
  const code = (e as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/**
 * Drains the e-mail outbox. Each row already has its Message-ID, so a resend after a crash between
 * "sent" and "marked" carries the same id (receivers and threads see one message). An SMTP outage only
 * delays mail: rows go back to pending with exponential backoff.
 */
export async function drainMailOutbox(d: OutboxSenderDeps): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, retried: 0, failed: 0 };
  const repo = d.ds.getRepository(OutboxSchema);
  // Writes go through write transactions: on SQLite the connection is shared with other work of the process.
  const update = (where: Parameters<typeof repo.update>[0], set: Parameters<typeof repo.update>[1]) =>
    inWriteTransaction(d.ds, (qr) => qr.manager.getRepository(OutboxSchema).update(where, set));
  const now = d.now();
  const due = await repo.find({
    where: { channel: 'email', status: In(['pending', 'sending']), nextAttemptAt: LessThanOrEqual(now.toISOString()) },
    order: { createdAt: 'ASC', id: 'ASC' }, take: d.batch ?? 100,
  });
  for (const row of due) {
    const claimed = await update(
      { id: row.id, status: row.status, nextAttemptAt: row.nextAttemptAt },
      { status: 'sending', nextAttemptAt: new Date(d.now().getTime() + (d.leaseMs ?? 5 * 60_000)).toISOString() },
    );
    if ((claimed.affected ?? 0) !== 1) continue; // another sender has it
    let mail;
    try {
      const model = JSON.parse(row.model) as Record<string, unknown>;
      mail = renderMail(d.t, row.template, d.prepareModel ? await d.prepareModel(row, model) : model);
    } catch (e) {
      await update({ id: row.id }, { status: 'failed', lastError: `render:${(e as { code?: string }).code ?? 'error'}` });
      report.failed++;
      continue;
    }
    const thread = await threadHeaders(d.ds, row);
    try {
      await d.transport.sendMail({
        from: d.from, to: row.recipient, subject: mail.subject, text: mail.text, html: mail.html,
        messageId: row.messageId, ...thread,
        attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
        // RFC 3834: we answer automatically; ask others' auto-responders not to answer us.
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      });
      await update({ id: row.id }, { status: 'sent', sentAt: d.now().toISOString(), attempts: row.attempts + 1, lastError: null });
      report.sent++;
    } catch (e) {
      const attempts = row.attempts + 1;
      const final = isPermanent(e) || attempts >= MAX_ATTEMPTS;
      await update({ id: row.id }, {
        status: final ? 'failed' : 'pending', attempts,
        nextAttemptAt: new Date(d.now().getTime() + backoffMs(attempts)).toISOString(),
        lastError: String((e as { responseCode?: number; code?: string }).responseCode ?? (e as { code?: string }).code ?? 'error').slice(0, 40),
      });
      if (final) report.failed++; else report.retried++;
      continue;
    }
    // Outside the try: the mail is out, whatever the hook does; a failing hook must not make it resend.
    await d.onSent?.(row).catch(() => undefined);
  }
  return report;
}

/** In-Reply-To/References: the row's own thread, else the applicant's latest message on the case. */
async function threadHeaders(ds: DataSource, row: OutboxRow): Promise<{ inReplyTo?: string; references?: string }> {
  if (row.inReplyTo) return { inReplyTo: row.inReplyTo, references: row.referencesHeader ?? row.inReplyTo };
  if (!row.caseId) return {};
  const last = await ds.getRepository(MailMessageSchema).findOne({ where: { caseId: row.caseId }, order: { receivedAt: 'DESC' } });
  return last?.messageId ? { inReplyTo: last.messageId, references: last.messageId } : {};
}
