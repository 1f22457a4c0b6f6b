import { InlineKeyboard } from 'grammy';
import type { Templates } from '../../templates/catalog.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';

/**
 * Buttons on officers' oversight alerts (bot/features/oversight.ts handles them): "Laporkan" and
 * "Melibatkan data pribadi" on an incident alert (Pasal 24(1), UU 27/2022 Pasal 46), "Pemberitahuan PDP
 * terkirim" on a PDP reminder, and "Buka" on every alert, which opens the ticket card.
 */
export function oversightKeyboard(t: Templates, template: string, model: Record<string, unknown>): { reply_markup?: InlineKeyboard } {
  const id = typeof model['ticketId'] === 'string' && isCaseId(model['ticketId']) ? model['ticketId'] : null;
  if (!id) return {};
  const open = (k: InlineKeyboard) => k.text(t.message('OVERSIGHT.BTN_OPEN'), `open:${id}`);
  if (template === 'incident-alert' || template === 'incident-realert') {
    return { reply_markup: open(new InlineKeyboard().text(t.message('OVERSIGHT.BTN_REPORT'), `irep:${id}`).row().text(t.message('OVERSIGHT.BTN_PDP'), `ipdp:${id}`).row()) };
  }
  if (template === 'pdp-reminder' || template === 'pdp-overdue') {
    return { reply_markup: open(new InlineKeyboard().text(t.message('OVERSIGHT.BTN_PDP_DONE'), `ipdn:${id}`).row()) };
  }
  if (template === 'sla-breach' || template === 'complaint-about-officer' || template === 'authority-reply') return { reply_markup: open(new InlineKeyboard()) };
  return {};
}
