// Placeholder until the templated renderer lands (being written in parallel); replaced wholesale.
import type { Templates } from '../../templates/catalog.ts';

export const MAIL_TEMPLATES: readonly string[] = [];

export function renderMail(_t: Templates, template: string, model: Readonly<Record<string, unknown>>): { subject: string; text: string; html: string } {
  const id = String(model['requestId'] ?? model['ticketId'] ?? '');
  const missing = Array.isArray(model['missing']) ? (model['missing'] as { code: string; params: Record<string, string> }[]).map((m) => _t.message(m.code, m.params)) : [];
  const text = [template, ...missing].join('\n');
  return { subject: id ? `[${id}] ${template}` : template, text, html: `<p>${text}</p>` };
}
