import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Params } from '../domain/shared/result.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Every sentence a person reads comes from here (STYLE.md §10). Short messages are keyed by the stable
 * refusal or event code (`NIK.BAD_LENGTH`) in `templates/<locale>/messages/*.json`; longer documents
 * (mail bodies, reports) are `.hbs` files under `templates/<locale>/`.
 *
 * @example
 * const t = createTemplates();
 * t.message('NIK.BAD_LENGTH', { length: 15 }); // "NIK harus 16 digit angka; …"
 */
export interface Templates {
  readonly locale: string;
  message(code: string, params?: Params): string;
  has(code: string): boolean;
  /** Renders `templates/<locale>/<name>.hbs` with a typed view model. */
  render(name: string, model: object): string;
}

type Compiled = Handlebars.TemplateDelegate;

export function createTemplates(locale = 'id'): Templates {
  const root = join(here, locale);
  if (!existsSync(root)) throw new Error(`No templates for locale "${locale}" (expected folder ${root})`);
  const hb = Handlebars.create();
  const messages = new Map<string, Compiled>();
  const messageDir = join(root, 'messages');
  for (const file of readdirSync(messageDir).filter((f) => f.endsWith('.json')).sort()) {
    const entries = JSON.parse(readFileSync(join(messageDir, file), 'utf8')) as Record<string, string>;
    for (const [code, text] of Object.entries(entries)) {
      if (messages.has(code)) throw new Error(`Message ${code} is defined twice (second time in ${file})`);
      // Messages are plain text (Telegram, CLI, text mail): no HTML escaping. Most have no placeholder:
      // those are returned as they are, without a Handlebars run per message (the bot says one per update).
      messages.set(code, text.includes('{{') ? hb.compile(text, { noEscape: true, strict: true }) : () => text);
    }
  }
  const documents = new Map<string, Compiled>();
  const loadDocument = (name: string): Compiled => {
    const cached = documents.get(name);
    if (cached) return cached;
    const file = join(root, `${name}.hbs`);
    if (basename(name) !== name.split('/').pop() || !existsSync(file)) throw new Error(`No template ${name} for locale ${locale}`);
    const compiled = hb.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: name.endsWith('.txt') });
    documents.set(name, compiled);
    return compiled;
  };
  return {
    locale,
    has: (code) => messages.has(code),
    message(code, params = {}) {
      const compiled = messages.get(code);
      if (!compiled) throw new Error(`No message for code ${code} in locale ${locale}`);
      return compiled(params);
    },
    render: (name, model) => loadDocument(name)(model),
  };
}
