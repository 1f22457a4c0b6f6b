import type { DataSource } from 'typeorm';
import { In, LessThanOrEqual } from 'typeorm';
import { InlineKeyboard, InputFile, type Api } from 'grammy';
import type { Templates } from '../../templates/catalog.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';
import { inWriteTransaction } from '../../storage/data-source.ts';
import type { Params } from '../../domain/shared/result.ts';
import { oversightKeyboard } from './oversight-keyboards.ts';
import type { DeskPorts } from '../../domain/use-cases/desk-ports.ts';
import { recordCertificateDelivery } from '../../domain/use-cases/issue-certificate.ts';
import { certificateForDelivery } from '../../domain/use-cases/import-issued-certificate.ts';

/** Flattens an outbox model into message params: lists become numbered lines. */
function paramsOf(t: Templates, model: Record<string, unknown>): Params {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(model)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (Array.isArray(v)) {
      out[k] = v.map((x, i) => `${i + 1}. ${typeof x === 'string' ? x : (x as { code?: string; params?: Params }).code ? t.message((x as { code: string }).code, (x as { params?: Params }).params ?? {}) : ''}`).join('\n');
    }
  }
  return out;
}

/** Messages that lead to a next step carry its button (the agreement after an approval, renewal after a reminder). */
function keyboardFor(t: Templates, template: string, model: Record<string, unknown>): { reply_markup?: InlineKeyboard } {
  if (template === 'decision-approve' && (model['kind'] === 'issuance' || model['kind'] === 'renewal')) {
    return { reply_markup: new InlineKeyboard().text(t.message('BOT.BTN_READ_AGREEMENT'), `agr:${String(model['requestId'])}`) };
  }
  // Pasal 17(2): the reminder carries the one-tap renewal of the certificate it is about (bot/features/renew.ts).
  if (template === 'reminder-expiry' && typeof model['certificateId'] === 'string') {
    return { reply_markup: new InlineKeyboard().text(t.message('BOT.MENU_RENEW'), `renew:${model['certificateId']}`) };
  }
  // bsre-manual: officers open the request card, where the BSrE steps are ticked (bot/features/officer-bsre.ts).
  if ((template === 'bsre-forward' || template === 'bsre-stalled-officer') && typeof model['requestId'] === 'string') {
    return { reply_markup: new InlineKeyboard().text(t.message('BOT.BTN_OPEN_REQUEST'), `open:${model['requestId']}`) };
  }
  return oversightKeyboard(t, template, model);
}

function parseModel(json: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * The certificate itself (Pasal 16(6)): a document with the receipt button, then the delivery milestone.
 * Its file comes from the vault (`certificateDocumentId`, an imported BSrE certificate may carry a NIK).
 */
async function sendCertificate(api: Api, t: Templates, ports: DeskPorts, row: { recipient: string; caseId: string | null }, model: Record<string, unknown>): Promise<void> {
  const requestId = String(model['requestId'] ?? '');
  const pem = await certificateForDelivery(ports, row.caseId ?? '', model) ?? (typeof model['certificatePem'] === 'string' ? model['certificatePem'] : null);
  if (!pem) throw Object.assign(new Error('certificate file missing'), { error_code: 404 });
  await api.sendDocument(row.recipient, new InputFile(Buffer.from(pem, 'utf8'), `sertifikat-${requestId}.pem`), {
    caption: t.message('BOT.CERT_ISSUED', { id: requestId, serial: String(model['serial'] ?? ''), notAfter: String(model['notAfter'] ?? '').slice(0, 10) }),
    reply_markup: new InlineKeyboard().text(t.message('BOT.BTN_RECEIVED'), `rcpt:${requestId}`),
  });
}

/**
 * Sends the Telegram rows of the outbox (decisions for bot applicants, officer alerts) as `TG.<template>`
 * messages. Like the mail sender: claimed before sending, retried with backoff, final on a 4xx.
 * With `ports`, a `certificate-issued` row is sent as the certificate file and its delivery recorded
 * (without them such rows wait).
 */
export async function drainTelegramOutbox(ds: DataSource, api: Api, t: Templates, now: () => Date, ports?: DeskPorts): Promise<{ sent: number; failed: number }> {
  const report = { sent: 0, failed: 0 };
  const update = (id: string, set: Record<string, unknown>) => inWriteTransaction(ds, (qr) => qr.manager.getRepository(OutboxSchema).update({ id }, set));
  const due = await ds.getRepository(OutboxSchema).find({
    where: { channel: 'telegram', status: In(['pending']), nextAttemptAt: LessThanOrEqual(now().toISOString()) }, order: { createdAt: 'ASC' }, take: 100,
  });
  for (const row of due) {
    const model = parseModel(row.model);
    if (!model) { await update(row.id, { status: 'failed', lastError: 'bad-model' }); report.failed++; continue; }
    const certificate = row.template === 'certificate-issued';
    if (certificate && !ports) continue;
    // A kind may word a message its own way (an approved revocation has no agreement to read).
    const kindCode = `TG.${row.template}.${String(model['kind'] ?? '')}`;
    const code = t.has(kindCode) ? kindCode : `TG.${row.template}`;
    if (!certificate && !t.has(code)) { await update(row.id, { status: 'failed', lastError: 'no-template' }); report.failed++; continue; }
    try {
      if (certificate) await sendCertificate(api, t, ports!, row, model);
      else await api.sendMessage(row.recipient, t.message(code, paramsOf(t, model)), keyboardFor(t, row.template, model));
      await update(row.id, { status: 'sent', sentAt: now().toISOString(), attempts: row.attempts + 1 });
      report.sent++;
      if (certificate && row.caseId) await recordCertificateDelivery(ports!, row.caseId).catch(() => false);
    } catch (e) {
      const status = (e as { error_code?: number }).error_code;
      const final = (status !== undefined && status >= 400 && status < 500 && status !== 429) || row.attempts + 1 >= 12;
      await update(row.id, {
        status: final ? 'failed' : 'pending', attempts: row.attempts + 1, lastError: String(status ?? 'network'),
        nextAttemptAt: new Date(now().getTime() + Math.min(3_600_000, 30_000 * 2 ** row.attempts)).toISOString(),
      });
      if (final) report.failed++;
    }
  }
  return report;
}
