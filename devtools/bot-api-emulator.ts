/**
 * A small Telegram Bot API server for tests and `npm run demo`.
 *
 * It speaks the real HTTP protocol that grammY (or any client) talks to `RA_TELEGRAM_API_ROOT`:
 * `/bot<token>/<method>` with JSON, multipart/form-data, x-www-form-urlencoded or a GET query, and
 * `/file/bot<token>/<file_path>` for downloads. It keeps chats, messages and files in memory, records
 * every call, answers `getUpdates` with real long polling, and lets a test play the users.
 *
 * Deliberately free of test-framework imports (no vitest) and of runtime dependencies, so that
 * non-test code such as the demo can import it. Only `node:` builtins; the `grammy/types` import is
 * type-only and erased.
 *
 * @example
 * ```ts
 * const telegram = await startBotApiEmulator();
 * const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
 * bot.on('message:text', (ctx) => ctx.reply('Halo!'));
 * void bot.start();
 * telegram.user(1001, { first_name: 'Siti' }).sendText('halo');
 * const reply = await telegram.waitForCall('sendMessage');
 * await bot.stop();
 * await telegram.close();
 * ```
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Chat, File as TelegramFile, Message, MessageEntity, Update, User } from 'grammy/types';

// ─── Constants ──────────────────────────────────────────────────────────────────────────────────

/** Token the emulator accepts when none is given; its prefix is the bot's user id, as in Telegram. */
export const DEFAULT_BOT_TOKEN = '7000000001:AAHemulatorTokenForRaDeskTests00000';
/** Username of the emulated bot (the bot user that `getMe` returns and that sends bot messages). */
export const BOT_USERNAME = 'ra_desk_bot';
/** User id Telegram puts in `from` of messages an anonymous group administrator sends. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;
/** User id of Telegram's service account, `from` of channel posts forwarded into a discussion group. */
export const TELEGRAM_SERVICE_ID = 777000;

const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024; // Telegram's getFile limit for bots
const MAX_BODY_BYTES = 64 * 1024 * 1024; // a little above Telegram's 50 MB upload limit
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const CONFLICT_TERMINATED = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const CONFLICT_WEBHOOK = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/** Update kinds a bot receives when `allowed_updates` is empty or was never given (Telegram's default). */
const DEFAULT_ALLOWED = new Set([
  'message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection', 'business_message',
  'edited_business_message', 'deleted_business_messages', 'inline_query', 'chosen_inline_result', 'callback_query',
  'shipping_query', 'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member',
  'chat_join_request', 'chat_boost', 'removed_chat_boost',
]);
const ALL_UPDATE_KINDS = new Set([...DEFAULT_ALLOWED, 'chat_member', 'message_reaction', 'message_reaction_count']);

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

// Non-JSON bodies carry every value as a string; these keys are turned back into what JSON would carry.
const INTEGER_PARAMS = new Set([
  'chat_id', 'message_id', 'offset', 'limit', 'timeout', 'user_id', 'reply_to_message_id', 'message_thread_id',
  'cache_time', 'from_chat_id', 'max_connections',
]);
const BOOLEAN_PARAMS = new Set([
  'disable_notification', 'protect_content', 'show_alert', 'drop_pending_updates', 'disable_content_type_detection',
  'allow_sending_without_reply', 'disable_web_page_preview', 'allow_paid_broadcast',
]);
const JSON_PARAMS = new Set([
  'reply_markup', 'reply_parameters', 'allowed_updates', 'entities', 'caption_entities', 'link_preview_options',
  'commands', 'scope', 'message_ids',
]);

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', xml: 'application/xml',
  html: 'text/html', zip: 'application/zip', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  gif: 'image/gif', webp: 'image/webp', doc: 'application/msword', p7s: 'application/pkcs7-signature',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pem: 'application/x-pem-file',
  cer: 'application/pkix-cert', crt: 'application/x-x509-ca-cert', p12: 'application/x-pkcs12', csr: 'application/pkcs10',
};

// ─── Public types ───────────────────────────────────────────────────────────────────────────────

/** Options of {@link startBotApiEmulator}. */
export interface BotApiEmulatorOptions {
  /** The only token the emulator accepts (others get 401). Defaults to {@link DEFAULT_BOT_TOKEN}. */
  readonly token?: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
}

/** What the recording shows in place of an uploaded file. */
export interface UploadSummary {
  readonly filename: string;
  readonly size: number;
  /** The part's own Content-Type as the client sent it (grammY always says application/octet-stream). */
  readonly mimeType: string;
}

/** A Bot API error body, exactly as Telegram sends it; also what {@link BotApiEmulator.failNext} takes. */
export interface ApiFailure {
  readonly ok?: false;
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/** The body the emulator answered a call with. */
export type ApiResponse = { readonly ok: true; readonly result: unknown } | (ApiFailure & { readonly ok: false });

/** One recorded Bot API call. `response` is set once the emulator has answered it. */
export interface CallRecord {
  readonly method: string;
  /** Parameters as the bot meant them: JSON-decoded, numbers as numbers, files as {@link UploadSummary}. */
  readonly params: Readonly<Record<string, unknown>>;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  response?: ApiResponse;
  /** Set when the client went away before the answer (e.g. `bot.stop()` aborting a long poll). */
  aborted?: boolean;
}

/** A {@link CallRecord} that has been answered. */
export interface SettledCall extends CallRecord {
  response: ApiResponse;
}

/** A document a played user sends. */
export interface DocumentInput {
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
  readonly caption?: string;
}

/** Someone who posts into one chat: a user in their private chat or in a group, or a group's pseudo-senders. */
export interface Sender {
  /** The `from` of everything this sender posts. */
  readonly from: User;
  /** The chat this sender posts into. */
  readonly chat: Chat;
  /** Sends a text message; `/commands` in it get `bot_command` entities as Telegram adds them. */
  sendText(text: string, options?: { readonly replyTo?: number }): Update;
  /** Sends `/command payload`, e.g. `sendCommand('/start', 'apply')` for a deep link. */
  sendCommand(command: string, payload?: string): Update;
  /** Uploads a document; its bytes become downloadable through getFile. */
  sendDocument(document: DocumentInput): Update;
  /** Sends a photo (three sizes, as Telegram does; the emulator does not resize, all hold these bytes). */
  sendPhoto(bytes: Uint8Array, options?: { readonly caption?: string }): Update;
  /**
   * Presses an inline button of a bot message in this chat. Throws (a test mistake, not a Bot API error)
   * when the message is gone or has no button with that `callback_data` — a real user could not press it.
   */
  pressButton(messageId: number, callbackData: string): Update;
}

/** A played Telegram user; as a {@link Sender} it posts into its private chat with the bot. */
export interface UserHandle extends Sender {
  readonly id: number;
  /** The same user posting in a group. */
  in(group: GroupHandle): Sender;
  /** The user blocks the bot: sending to them fails with 403 as on Telegram. */
  blockBot(): void;
  unblockBot(): void;
  /** Messages currently in the private chat (both sides, after edits and deletions). */
  history(): Message[];
  /** The reply keyboard the bot last set in this chat (`undefined` after `remove_keyboard`). */
  replyKeyboard(): unknown;
}

/** A played group or supergroup. */
export interface GroupHandle {
  readonly chat: Chat;
  /** An anonymous administrator: `from` is GroupAnonymousBot (1087968824), `sender_chat` the group. */
  readonly anonymousAdmin: Sender;
  /**
   * Telegram's service account 777000 forwarding a post of the linked channel into this group
   * (`is_automatic_forward`, `sender_chat` the channel).
   */
  readonly telegramService: Sender;
  history(): Message[];
}

/** A running emulator; see {@link startBotApiEmulator}. */
export interface BotApiEmulator {
  /** `http://127.0.0.1:PORT`, for `new Bot(token, { client: { apiRoot } })`. */
  readonly apiRoot: string;
  readonly token: string;
  /** The bot user (`is_bot: true`, username {@link BOT_USERNAME}). */
  readonly botUser: User;
  /** Every API call in arrival order, answered or not. */
  readonly calls: readonly CallRecord[];
  /** Every update the played users produced or a test injected, in order (also those allowed_updates filtered out). */
  readonly updates: readonly Update[];
  /** Messages the bot sent or edited (results of sendMessage, sendDocument, edit* calls), in order. */
  sentMessages(chatId?: number): Message[];
  /** Current messages of a chat, both sides, after edits and deletions. */
  history(chatId: number): Message[];
  /** Updates queued and not yet confirmed by an offset. */
  pendingUpdates(): Update[];
  /** Commands stored by setMyCommands for the default scope and language (or the ones given). */
  commands(scope?: unknown, languageCode?: string): BotCommand[];
  /** What setWebhook stored (the emulator never pushes to it). */
  webhook(): { readonly url: string; readonly params: Readonly<Record<string, unknown>> } | undefined;
  /**
   * Resolves with the earliest answered call of `method` that matches `predicate` and that no earlier
   * `waitForCall` returned; waits for one up to `timeoutMs` (default 5000), then rejects.
   */
  waitForCall(method: string, predicate?: (call: SettledCall) => boolean, timeoutMs?: number): Promise<SettledCall>;
  /** Resolves with the getUpdates call once one is held open waiting for updates (long polling). */
  waitForPoll(timeoutMs?: number): Promise<CallRecord>;
  /** Calls `listener` with each call once answered; returns the unsubscribe function. */
  onCall(listener: (call: SettledCall) => void): () => void;
  /** Plays a private user (creates or updates them). */
  user(id: number, profile: { readonly first_name: string; readonly last_name?: string; readonly username?: string; readonly language_code?: string }): UserHandle;
  /** Plays a group (`id` negative; supergroups look like -100…). */
  group(id: number, options: { readonly title: string; readonly type?: 'group' | 'supergroup' }): GroupHandle;
  /** Queues any object as an update, untouched: duplicates, malformed ones, kinds without a helper. */
  injectUpdate(update: unknown): void;
  /** The next call of `method` fails with this error, e.g. 429 with `parameters.retry_after`. Queued per method. */
  failNext(method: string, failure: ApiFailure): void;
  /** The next call of `method` is answered only after `ms` milliseconds. */
  slowNext(method: string, ms: number): void;
  close(): Promise<void>;
}

// ─── Errors ─────────────────────────────────────────────────────────────────────────────────────

/** A Bot API refusal; the request handler turns it into `{ ok: false, error_code, description }`. */
class ApiFault extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(description);
  }
}

const badRequest = (description: string): ApiFault => new ApiFault(400, `Bad Request: ${description}`);
const entityError = (description: string): ApiFault => badRequest(`can't parse entities: ${description}`);

// ─── Formatting: parse_mode → text + entities, as Telegram does it ────────────────────────────────

type Entity = { type: string; offset: number; length: number; url?: string; language?: string; custom_emoji_id?: string; user?: { id: number } };
interface Formatted {
  text: string;
  entities: Entity[];
}

const byteOffset = (source: string, index: number): number => Buffer.byteLength(source.slice(0, index));

function linkEntity(offset: number, length: number, url: string): Entity {
  const mention = /^tg:\/\/user\?id=(\d+)$/.exec(url);
  if (mention) return { type: 'text_mention', offset, length, user: { id: Number(mention[1]) } };
  const emoji = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
  if (emoji?.[1] !== undefined) return { type: 'custom_emoji', offset, length, custom_emoji_id: emoji[1] };
  return { type: 'text_link', offset, length, url };
}

const HTML_TAGS: Readonly<Record<string, string>> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline', s: 'strikethrough',
  strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler', span: 'spoiler', a: 'text_link',
  code: 'code', pre: 'pre', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji',
};
const HTML_NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = match[1];
    if (name !== undefined) attributes.set(name.toLowerCase(), decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

function decodeHtmlEntities(source: string): string {
  return source.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return HTML_NAMED[body.toLowerCase()] ?? whole; // other named entities stay literal on Telegram
  });
}

/** Telegram's HTML style: a fixed set of tags, `&lt; &gt; &amp; &quot;` and numeric entities; every other `<` is an error. */
function parseHtml(source: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  const open: Array<{ tag: string; type: string; start: number; attributes: Map<string, string> }> = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (char === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(source.slice(index, index + 16));
      if (match) {
        text += decodeHtmlEntities(match[0]);
        index += match[0].length;
        continue;
      }
    }
    if (char !== '<') {
      text += char;
      index += 1;
      continue;
    }
    const end = source.indexOf('>', index);
    if (end < 0) throw entityError(`Unclosed start tag at byte offset ${byteOffset(source, index)}`);
    const inner = source.slice(index + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (top === undefined) throw entityError(`Unexpected end tag at byte offset ${byteOffset(source, index)}`);
      if (name !== '' && name !== top.tag) {
        throw entityError(`Unmatched end tag at byte offset ${byteOffset(source, index)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      const length = text.length - top.start;
      const parent = open[open.length - 1];
      if (top.type === 'code' && parent?.type === 'pre') {
        const language = /^language-(.+)$/.exec(top.attributes.get('class') ?? '')?.[1];
        if (language !== undefined) parent.attributes.set('language', language);
      } else if (length > 0) {
        const href = top.attributes.get('href');
        if (top.type === 'text_link') {
          if (href !== undefined) entities.push(linkEntity(top.start, length, href));
        } else if (top.type === 'custom_emoji') {
          entities.push({ type: 'custom_emoji', offset: top.start, length, custom_emoji_id: top.attributes.get('emoji-id') ?? '' });
        } else if (top.type === 'pre') {
          const language = top.attributes.get('language');
          entities.push(language === undefined ? { type: 'pre', offset: top.start, length } : { type: 'pre', offset: top.start, length, language });
        } else if (top.type === 'blockquote') {
          entities.push({ type: top.attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset: top.start, length });
        } else {
          entities.push({ type: top.type, offset: top.start, length });
        }
      }
    } else {
      const match = /^([a-zA-Z][a-zA-Z0-9-]*)([\s\S]*?)\/?$/.exec(inner);
      const tag = match?.[1]?.toLowerCase() ?? '';
      const type = HTML_TAGS[tag];
      const attributes = parseAttributes(match?.[2] ?? '');
      if (type === undefined || (tag === 'span' && attributes.get('class') !== 'tg-spoiler')) {
        throw entityError(`Unsupported start tag "${tag}" at byte offset ${byteOffset(source, index)}`);
      }
      open.push({ tag, type, start: text.length, attributes });
    }
    index = end + 1;
  }
  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) throw entityError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text, entities };
}

const MARKDOWN_V2_RESERVED = new Set('_*[]()~`>#+-=|{}.!');
const MARKDOWN_V2_NAMES: Readonly<Record<string, string>> = {
  bold: 'Bold', italic: 'Italic', underline: 'Underline', strikethrough: 'Strikethrough', spoiler: 'Spoiler',
  text_link: 'TextUrl', custom_emoji: 'CustomEmoji',
};

/** Reads code up to `closing`; inside code only `` \` `` and `\\` are escapes. Returns the code and the index after `closing`. */
function readCode(source: string, from: number, closing: string): { code: string; next: number } | undefined {
  let code = '';
  for (let index = from; index < source.length; index += 1) {
    if (source[index] === '\\' && (source[index + 1] === '`' || source[index + 1] === '\\')) {
      code += source[index + 1];
      index += 1;
    } else if (source.startsWith(closing, index)) {
      return { code, next: index + closing.length };
    } else {
      code += source[index];
    }
  }
  return undefined;
}

/** Telegram's MarkdownV2: every reserved character outside an entity must be escaped, or the message is refused. */
function parseMarkdownV2(source: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  const open: Array<{ type: string; start: number; at: number }> = [];
  let quoteStart: number | undefined;
  let index = 0;
  const reserved = (char: string): ApiFault => entityError(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
  const unclosed = (type: string, at: number): ApiFault =>
    entityError(`Can't find end of ${MARKDOWN_V2_NAMES[type] ?? type} entity at byte offset ${byteOffset(source, at)}`);
  while (index < source.length) {
    const char = source[index] ?? '';
    const lineStart = index === 0 || source[index - 1] === '\n';
    if (char === '\\') {
      const next = source[index + 1];
      if (next !== undefined && next.charCodeAt(0) >= 1 && next.charCodeAt(0) <= 126) {
        text += next;
        index += 2;
      } else {
        text += char;
        index += 1;
      }
      continue;
    }
    if (lineStart && (char === '>' || source.startsWith('**>', index))) {
      quoteStart ??= text.length;
      index += char === '>' ? 1 : 3;
      continue;
    }
    if (char === '\n' && quoteStart !== undefined && source[index + 1] !== '>' && !source.startsWith('**>', index + 1)) {
      if (text.length > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (char === '`') {
      const pre = source.startsWith('```', index);
      const read = readCode(source, index + (pre ? 3 : 1), pre ? '```' : '`');
      if (read === undefined) throw entityError(`Can't find end of ${pre ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, index)}`);
      let { code } = read;
      let language: string | undefined;
      const firstLine = /^([^\s`]+)\n/.exec(code);
      if (pre && firstLine?.[1] !== undefined) {
        language = firstLine[1];
        code = code.slice(firstLine[0].length);
      } else if (pre && code.startsWith('\n')) {
        code = code.slice(1);
      }
      if (code.length > 0) {
        const entity: Entity = { type: pre ? 'pre' : 'code', offset: text.length, length: code.length };
        entities.push(language === undefined ? entity : { ...entity, language });
      }
      text += code;
      index = read.next;
      continue;
    }
    let toggle: { type: string; width: number } | undefined;
    if (char === '_') toggle = source[index + 1] === '_' ? { type: 'underline', width: 2 } : { type: 'italic', width: 1 };
    else if (char === '*') toggle = { type: 'bold', width: 1 };
    else if (char === '~') toggle = { type: 'strikethrough', width: 1 };
    else if (char === '|' && source[index + 1] === '|') toggle = { type: 'spoiler', width: 2 };
    if (toggle !== undefined) {
      const top = open[open.length - 1];
      if (top?.type === toggle.type) {
        open.pop();
        if (text.length > top.start) entities.push({ type: top.type, offset: top.start, length: text.length - top.start });
      } else {
        const outer = open.find((entry) => entry.type === toggle.type);
        if (outer !== undefined) throw unclosed(top?.type ?? toggle.type, top?.at ?? outer.at);
        open.push({ type: toggle.type, start: text.length, at: index });
      }
      index += toggle.width;
      continue;
    }
    if (char === '[' || (char === '!' && source[index + 1] === '[')) {
      open.push({ type: char === '[' ? 'text_link' : 'custom_emoji', start: text.length, at: index });
      index += char === '[' ? 1 : 2;
      continue;
    }
    if (char === ']') {
      const top = open[open.length - 1];
      if (top === undefined || (top.type !== 'text_link' && top.type !== 'custom_emoji')) throw reserved(char);
      if (source[index + 1] !== '(') throw unclosed(top.type, top.at);
      let url = '';
      let cursor = index + 2;
      while (cursor < source.length && source[cursor] !== ')') {
        if (source[cursor] === '\\' && cursor + 1 < source.length) cursor += 1;
        url += source[cursor];
        cursor += 1;
      }
      if (cursor >= source.length) throw entityError(`Can't find end of a URL at byte offset ${byteOffset(source, index + 1)}`);
      open.pop();
      if (text.length > top.start) entities.push(linkEntity(top.start, text.length - top.start, url));
      index = cursor + 1;
      continue;
    }
    if (MARKDOWN_V2_RESERVED.has(char)) throw reserved(char);
    text += char;
    index += 1;
  }
  const first = open[0];
  if (first !== undefined) throw unclosed(first.type, first.at);
  if (quoteStart !== undefined && text.length > quoteStart) {
    entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
  }
  return { text, entities };
}

/** Telegram's legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`; no nesting. */
function parseMarkdownLegacy(source: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  let index = 0;
  const unclosed = (at: number): ApiFault => entityError(`Can't find end of the entity starting at byte offset ${byteOffset(source, at)}`);
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === '\\' && '_*`['.includes(source[index + 1] ?? 'x')) {
      text += source[index + 1];
      index += 2;
    } else if (char === '*' || char === '_' || char === '`') {
      const token = char === '`' && source.startsWith('```', index) ? '```' : char;
      const end = source.indexOf(token, index + token.length);
      if (end < 0) throw unclosed(index);
      const inner = source.slice(index + token.length, end);
      const type = token === '*' ? 'bold' : token === '_' ? 'italic' : token === '`' ? 'code' : 'pre';
      if (inner.length > 0) entities.push({ type, offset: text.length, length: inner.length });
      text += inner;
      index = end + token.length;
    } else if (char === '[') {
      const match = /^\[([^\]]*)\]\(([^)]*)\)/.exec(source.slice(index));
      if (!match) throw unclosed(index);
      const label = match[1] ?? '';
      if (label.length > 0) entities.push(linkEntity(text.length, label.length, match[2] ?? ''));
      text += label;
      index += match[0].length;
    } else {
      text += char;
      index += 1;
    }
  }
  return { text, entities };
}

/** Telegram strips leading and trailing whitespace from texts and captions and shifts the entities to match. */
function trimFormatted({ text, entities }: Formatted): Formatted {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const kept: Entity[] = [];
  for (const entity of entities) {
    const start = Math.max(entity.offset - lead, 0);
    const end = Math.min(entity.offset + entity.length - lead, trimmed.length);
    if (end > start) kept.push({ ...entity, offset: start, length: end - start });
  }
  kept.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: trimmed, entities: kept };
}

/** Telegram's own entity detection in text that users type (only `/commands`, which grammY's `bot.command` needs). */
function detectCommands(text: string): Entity[] {
  const entities: Entity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?)(?=$|\s)/g)) {
    const command = match[2] ?? '';
    entities.push({ type: 'bot_command', offset: (match.index ?? 0) + (match[1]?.length ?? 0), length: command.length });
  }
  return entities;
}

function format(raw: unknown, parseMode: unknown, explicit: unknown, limit: number, kind: 'text' | 'caption'): Formatted {
  const source = typeof raw === 'string' ? raw : raw === undefined ? '' : String(raw);
  let formatted: Formatted;
  const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : '';
  if (mode === '') formatted = { text: source, entities: Array.isArray(explicit) ? (explicit as Entity[]) : [] };
  else if (mode === 'html') formatted = parseHtml(source);
  else if (mode === 'markdownv2') formatted = parseMarkdownV2(source);
  else if (mode === 'markdown') formatted = parseMarkdownLegacy(source);
  else throw badRequest(`unsupported parse_mode`);
  const result = trimFormatted(formatted);
  if (kind === 'text' && result.text.length === 0) throw badRequest('message text is empty');
  if (result.text.length > limit) throw badRequest(kind === 'text' ? 'message is too long' : 'message caption is too long');
  return result;
}

// ─── Request bodies ───────────────────────────────────────────────────────────────────────────────

interface Upload {
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

interface ParsedBody {
  readonly fields: Record<string, unknown>;
  readonly files: Map<string, Upload>;
}

function headerParameter(header: string, name: string): string | undefined {
  const extended = new RegExp(`(?:^|;)\\s*${name}\\*\\s*=\\s*([^']*)'[^']*'([^;\\r\\n]*)`, 'i').exec(header);
  if (extended?.[2] !== undefined) return decodeURIComponent(extended[2]);
  const quoted = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1');
  // grammY writes `filename=` unquoted and may put spaces in it, so an unquoted value runs to the next `;`.
  const bare = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;\\r\\n]*)`, 'i').exec(header);
  return bare?.[1]?.trim();
}

/**
 * A multipart/form-data parser that accepts what grammY sends: header lines without a space after the
 * colon and an unquoted `filename=` that may contain spaces and raw UTF-8 (undici's `formData()` refuses
 * such a body, and busboy silently drops the file part when the name has a space).
 */
function parseMultipart(body: Buffer, contentType: string): ParsedBody {
  const boundary = headerParameter(contentType, 'boundary');
  if (boundary === undefined || boundary === '') throw badRequest('multipart boundary is missing');
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, unknown> = {};
  const files = new Map<string, Upload>();
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) throw badRequest('multipart body has no parts');
  for (;;) {
    cursor += delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === '--') break;
    cursor = body.indexOf('\r\n', cursor) + 2;
    const headerEnd = body.indexOf('\r\n\r\n', cursor);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), cursor);
    if (cursor < 2 || headerEnd < 0 || next < 0 || headerEnd > next) throw badRequest('malformed multipart body');
    const headers = new Map<string, string>();
    for (const line of body.subarray(cursor, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = headerParameter(disposition, 'name');
    const content = body.subarray(headerEnd + 4, next);
    const filename = headerParameter(disposition, 'filename');
    if (name !== undefined && filename !== undefined) {
      files.set(name, { filename, mimeType: headers.get('content-type') ?? 'application/octet-stream', bytes: Buffer.from(content) });
    } else if (name !== undefined) {
      fields[name] = content.toString('utf8');
    }
    cursor = next + 2;
  }
  return { fields, files };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiFault(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function parseRequest(request: IncomingMessage, url: URL): Promise<ParsedBody> {
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = request.method === 'GET' || request.method === 'HEAD' ? Buffer.alloc(0) : await readBody(request);
  const contentType = request.headers['content-type'] ?? '';
  if (body.length === 0) return { fields, files: new Map() };
  if (/^application\/json/i.test(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest("can't parse JSON object");
    return { fields: { ...fields, ...(parsed as Record<string, unknown>) }, files: new Map() };
  }
  if (/^multipart\/form-data/i.test(contentType)) {
    const multipart = parseMultipart(body, contentType);
    return { fields: { ...fields, ...multipart.fields }, files: multipart.files };
  }
  return { fields: { ...fields, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) }, files: new Map() };
}

/** Gives string-encoded values (form, query, multipart) the types a JSON body would have had. */
function normalizeParams(fields: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') params[key] = value;
    else if (INTEGER_PARAMS.has(key) && /^-?\d+$/.test(value)) params[key] = Number(value);
    else if (BOOLEAN_PARAMS.has(key) && (value === 'true' || value === 'false')) params[key] = value === 'true';
    else if (JSON_PARAMS.has(key)) {
      try {
        params[key] = JSON.parse(value);
      } catch {
        throw badRequest(key === 'reply_markup' ? "can't parse reply keyboard markup JSON object" : `can't parse ${key} JSON object`);
      }
    } else params[key] = value;
  }
  return params;
}

// ─── Parameter readers ──────────────────────────────────────────────────────────────────────────

function optionalInteger(params: Record<string, unknown>, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw badRequest(`invalid ${key} specified`);
  return number;
}

function requiredInteger(params: Record<string, unknown>, key: string, missing: string): number {
  const value = optionalInteger(params, key);
  if (value === undefined) throw badRequest(missing);
  return value;
}

function optionalString(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  return value === undefined || value === null ? undefined : String(value);
}

function summarize(upload: Upload): UploadSummary {
  return { filename: upload.filename, size: upload.bytes.length, mimeType: upload.mimeType };
}

/** Checks what Telegram checks in an inline keyboard; a mistake here is a 400 on the real server too. */
function checkReplyMarkup(markup: unknown): void {
  if (markup === undefined || markup === null) return;
  if (typeof markup !== 'object') throw badRequest("can't parse reply keyboard markup JSON object");
  const inline = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (inline === undefined) return;
  if (!Array.isArray(inline) || !inline.every(Array.isArray)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  for (const button of (inline as unknown[][]).flat()) {
    const { text, callback_data: data, url } = (button ?? {}) as { text?: unknown; callback_data?: unknown; url?: unknown };
    if (typeof text !== 'string') throw badRequest("can't find field \"text\"");
    if (data !== undefined && (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)) {
      throw badRequest('BUTTON_DATA_INVALID');
    }
    const actions = Object.keys(button as object).filter((key) => key !== 'text' && key !== 'style' && key !== 'icon_custom_emoji_id');
    if (actions.length === 0) throw badRequest('text buttons are unallowed in the inline keyboard');
    if (url !== undefined && (typeof url !== 'string' || !/^(https?|tg):\/\//i.test(url))) throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
  }
}

// ─── State ───────────────────────────────────────────────────────────────────────────────────────

type StoredMessage = Record<string, unknown> & { message_id: number; chat: Chat; date: number; from?: User };

interface ChatState {
  readonly chat: Chat;
  nextMessageId: number;
  readonly messages: Map<number, StoredMessage>;
  blocked: boolean;
  replyKeyboard: unknown;
  readonly chatInstance: string;
}

interface StoredFile {
  readonly fileId: string;
  readonly uniqueId: string;
  readonly path: string;
  readonly bytes: Buffer;
  readonly mimeType: string;
}

interface QueuedUpdate {
  /** What offsets compare against: the update_id, or a fresh number for an injected update without one. */
  readonly sequence: number;
  readonly update: unknown;
}

interface PendingPoll {
  readonly record: CallRecord;
  readonly respond: (response: ApiResponse) => void;
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
}

interface Waiter {
  readonly check: () => boolean;
}

const now = (): number => Math.floor(Date.now() / 1000);
const randomId = (bytes: number): string => randomBytes(bytes).toString('base64url');
const clone = <T>(value: T): T => structuredClone(value);

function updateKind(update: unknown): string | undefined {
  if (typeof update !== 'object' || update === null) return undefined;
  return Object.keys(update).find((key) => ALL_UPDATE_KINDS.has(key));
}

function extensionOf(filename: string): string {
  return /\.([a-zA-Z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase() ?? '';
}

class Emulator implements BotApiEmulator {
  readonly calls: CallRecord[] = [];
  readonly updates: Update[] = [];
  readonly botUser: User;
  apiRoot = '';

  private server: Server | undefined;
  private readonly chats = new Map<number, ChatState>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly callbackQueries = new Map<string, { answered: boolean }>();
  private readonly queue: QueuedUpdate[] = [];
  private readonly failures = new Map<string, ApiFailure[]>();
  private readonly delays = new Map<string, number[]>();
  private readonly storedCommands = new Map<string, BotCommand[]>();
  private readonly claimed = new WeakSet<CallRecord>();
  private readonly listeners = new Set<(call: SettledCall) => void>();
  private readonly waiters = new Set<Waiter>();
  private allowedUpdates = DEFAULT_ALLOWED;
  private storedWebhook: { url: string; params: Record<string, unknown> } | undefined;
  private poll: PendingPoll | undefined;
  private flushScheduled = false;
  private nextUpdateId = 730_000_001;
  private nextFileNumber = 1;
  private nextCallbackId = 4_611_686_018_427_000_001n;
  private readonly handlers: Readonly<Record<string, (params: Record<string, unknown>, files: Map<string, Upload>) => unknown>>;
  private readonly methodNames: ReadonlyMap<string, string>;

  constructor(readonly token: string) {
    const botId = Number(/^(\d+):/.exec(token)?.[1] ?? 7000000001);
    this.botUser = { id: botId, is_bot: true, first_name: 'RA Desk Kota Pontianak', username: BOT_USERNAME };
    this.handlers = {
      getMe: () => ({
        ...this.botUser, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
        can_connect_to_business: false, has_main_web_app: false,
      }),
      sendMessage: (params) => this.sendMessage(params),
      editMessageText: (params) => this.editMessageText(params),
      editMessageReplyMarkup: (params) => this.editMessageReplyMarkup(params),
      answerCallbackQuery: (params) => this.answerCallbackQuery(params),
      sendDocument: (params, files) => this.sendDocument(params, files),
      getFile: (params) => this.getFile(params),
      deleteMessage: (params) => this.deleteMessage(params),
      sendChatAction: (params) => this.sendChatAction(params),
      setWebhook: (params) => this.setWebhook(params),
      deleteWebhook: (params) => this.deleteWebhook(params),
      getWebhookInfo: () => this.getWebhookInfo(),
      setMyCommands: (params) => this.setMyCommands(params),
      getMyCommands: (params) => this.storedCommands.get(this.commandsKey(params.scope, params.language_code)) ?? [],
      deleteMyCommands: (params) => this.storedCommands.delete(this.commandsKey(params.scope, params.language_code)) || true,
    };
    // Telegram matches method names case-insensitively.
    this.methodNames = new Map([...Object.keys(this.handlers), 'getUpdates'].map((name) => [name.toLowerCase(), name]));
  }

  async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        console.error('bot-api-emulator: request failed', error);
        if (!response.headersSent) this.writeJson(response, { ok: false, error_code: 500, description: 'Internal Server Error' });
      });
    });
    // grammY keeps connections alive in an agent pool; never closing idle ones from this side avoids
    // the race where a request is written into a socket the server is just closing.
    server.keepAliveTimeout = 0;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    if (this.poll !== undefined) clearTimeout(this.poll.timer);
    this.poll = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // ── HTTP ──

  private writeJson(response: ServerResponse, body: ApiResponse): void {
    if (response.destroyed || response.writableEnded) return;
    const status = body.ok ? 200 : body.error_code;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return this.serveFile(response, download[1] ?? '', decodeURIComponent(download[2] ?? ''));
    const call = /^\/bot([^/]+)\/([A-Za-z_]+)$/.exec(url.pathname);
    if (!call) return this.writeJson(response, { ok: false, error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token) return this.writeJson(response, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = this.methodNames.get((call[2] ?? '').toLowerCase()) ?? call[2] ?? '';
    let body: ParsedBody;
    let params: Record<string, unknown>;
    try {
      body = await parseRequest(request, url);
      params = normalizeParams(body.fields);
    } catch (error) {
      if (!(error instanceof ApiFault)) throw error;
      const record: CallRecord = { method, params: {}, at: Date.now() };
      this.calls.push(record);
      return this.settle(record, response, { ok: false, error_code: error.errorCode, description: error.description });
    }
    const record: CallRecord = { method, params: this.recordedParams(params, body.files), at: Date.now() };
    this.calls.push(record);
    response.on('close', () => {
      if (record.response === undefined) record.aborted = true;
      if (this.poll?.record === record) {
        clearTimeout(this.poll.timer);
        this.poll = undefined;
      }
    });
    const delay = this.delays.get(method)?.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined) return this.settle(record, response, { ...failure, ok: false });
    if (method === 'getUpdates') return this.getUpdates(record, params, response);
    const handler = this.handlers[method];
    if (handler === undefined) {
      return this.settle(record, response, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
    try {
      this.settle(record, response, { ok: true, result: handler(params, body.files) });
    } catch (error) {
      if (!(error instanceof ApiFault)) throw error;
      this.settle(record, response, { ok: false, error_code: error.errorCode, description: error.description });
    }
  }

  private serveFile(response: ServerResponse, token: string, path: string): void {
    if (token !== this.token) return this.writeJson(response, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = this.filesByPath.get(path);
    if (file === undefined) return this.writeJson(response, { ok: false, error_code: 404, description: 'Not Found' });
    response.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
    response.end(file.bytes);
  }

  private recordedParams(params: Record<string, unknown>, files: Map<string, Upload>): Record<string, unknown> {
    const recorded = { ...params };
    const attached = new Set<string>();
    for (const [key, value] of Object.entries(params)) {
      const upload = typeof value === 'string' && value.startsWith('attach://') ? files.get(value.slice('attach://'.length)) : undefined;
      if (upload !== undefined) {
        recorded[key] = summarize(upload);
        attached.add(value as string);
      }
    }
    for (const [name, upload] of files) if (!attached.has(`attach://${name}`)) recorded[name] = summarize(upload);
    return recorded;
  }

  private settle(record: CallRecord, response: ServerResponse, body: ApiResponse): void {
    record.response = body;
    this.writeJson(response, body);
    for (const listener of this.listeners) listener(record as SettledCall);
    this.notify();
  }

  // ── Waiting ──

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const found = find();
          if (found === undefined) return false;
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(found);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((call) => call.method).join(', ') || 'none';
        reject(new Error(`Bot API emulator: timed out after ${timeoutMs} ms waiting for ${what}. Calls so far: ${seen}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  waitForCall(method: string, predicate: (call: SettledCall) => boolean = () => true, timeoutMs = 5000): Promise<SettledCall> {
    return this.waitUntil(
      () => {
        const found = this.calls.find(
          (call): call is SettledCall => call.method === method && call.response !== undefined && !this.claimed.has(call) && predicate(call as SettledCall),
        );
        if (found !== undefined) this.claimed.add(found);
        return found;
      },
      timeoutMs,
      `a ${method} call`,
    );
  }

  waitForPoll(timeoutMs = 5000): Promise<CallRecord> {
    return this.waitUntil(() => this.poll?.record, timeoutMs, 'a long-polling getUpdates');
  }

  onCall(listener: (call: SettledCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── Updates and long polling ──

  private getUpdates(record: CallRecord, params: Record<string, unknown>, response: ServerResponse): void {
    const respond = (body: ApiResponse): void => this.settle(record, response, body);
    if (this.storedWebhook !== undefined) return respond({ ok: false, error_code: 409, description: CONFLICT_WEBHOOK });
    let offset: number | undefined;
    let limit: number;
    let timeout: number;
    try {
      offset = optionalInteger(params, 'offset');
      limit = Math.min(Math.max(optionalInteger(params, 'limit') ?? 100, 1), 100);
      timeout = Math.max(optionalInteger(params, 'timeout') ?? 0, 0);
    } catch (error) {
      if (!(error instanceof ApiFault)) throw error;
      return respond({ ok: false, error_code: error.errorCode, description: error.description });
    }
    const allowed = params.allowed_updates;
    if (Array.isArray(allowed)) {
      this.allowedUpdates = allowed.length === 0 ? DEFAULT_ALLOWED : new Set(allowed.map(String));
    }
    if (offset !== undefined && offset > 0) {
      // Not just the head: injected updates may carry ids out of order.
      const kept = this.queue.filter((entry) => entry.sequence >= offset);
      this.queue.splice(0, this.queue.length, ...kept);
    } else if (offset !== undefined && offset < 0) {
      this.queue.splice(0, Math.max(this.queue.length + offset, 0));
    }
    // Telegram keeps only the newest getUpdates: the one already waiting is answered with 409.
    const previous = this.poll;
    if (previous !== undefined) {
      clearTimeout(previous.timer);
      this.poll = undefined;
      previous.respond({ ok: false, error_code: 409, description: CONFLICT_TERMINATED });
    }
    if (this.queue.length > 0 || timeout === 0) return respond({ ok: true, result: this.batch(limit) });
    const timer = setTimeout(() => {
      if (this.poll?.record !== record) return;
      this.poll = undefined;
      respond({ ok: true, result: [] });
    }, timeout * 1000);
    this.poll = { record, respond, limit, timer };
    this.notify();
  }

  private batch(limit: number): unknown[] {
    return this.queue.slice(0, limit).map((entry) => clone(entry.update));
  }

  private enqueue(update: unknown, sequence: number): void {
    this.updates.push(update as Update);
    const kind = updateKind(update);
    // Like Telegram, allowed_updates decides which updates are created at all.
    if (kind !== undefined && !this.allowedUpdates.has(kind)) return;
    this.queue.push({ sequence, update: clone(update) });
    if (this.poll === undefined || this.flushScheduled) return;
    // Deliver on the next turn so that updates queued together arrive in one batch.
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const poll = this.poll;
      if (poll === undefined || this.queue.length === 0) return;
      clearTimeout(poll.timer);
      this.poll = undefined;
      poll.respond({ ok: true, result: this.batch(poll.limit) });
    });
  }

  private queueUpdate(body: Record<string, unknown>): Update {
    const update = { update_id: this.nextUpdateId, ...body };
    this.nextUpdateId += 1;
    this.enqueue(update, update.update_id);
    return clone(update) as unknown as Update;
  }

  injectUpdate(update: unknown): void {
    const id = (update as { update_id?: unknown } | null)?.update_id;
    if (typeof id === 'number' && Number.isInteger(id)) {
      this.nextUpdateId = Math.max(this.nextUpdateId, id + 1);
      this.enqueue(update, id);
    } else {
      this.enqueue(update, this.nextUpdateId);
      this.nextUpdateId += 1;
    }
  }

  pendingUpdates(): Update[] {
    return this.queue.map((entry) => clone(entry.update) as Update);
  }

  // ── Chats and messages ──

  private chatState(chat: Chat): ChatState {
    let state = this.chats.get(chat.id);
    if (state === undefined) {
      state = { chat, nextMessageId: 1, messages: new Map(), blocked: false, replyKeyboard: undefined, chatInstance: String(BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`))) };
      this.chats.set(chat.id, state);
    }
    return state;
  }

  private targetChat(params: Record<string, unknown>): ChatState {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty');
    const state = typeof chatId === 'number' ? this.chats.get(chatId) : undefined;
    if (state === undefined) throw badRequest('chat not found');
    if (state.blocked) throw new ApiFault(403, 'Forbidden: bot was blocked by the user');
    return state;
  }

  private store(state: ChatState, body: Record<string, unknown>, from: User | undefined): StoredMessage {
    const message: StoredMessage = { message_id: state.nextMessageId, ...(from ? { from } : {}), chat: state.chat, date: now(), ...body };
    state.nextMessageId += 1;
    state.messages.set(message.message_id, message);
    return message;
  }

  private findMessage(params: Record<string, unknown>, notFound: string): { state: ChatState; message: StoredMessage } {
    if (params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
    const state = this.targetChat(params);
    const messageId = requiredInteger(params, 'message_id', 'message identifier is not specified');
    const message = state.messages.get(messageId);
    if (message === undefined) throw badRequest(notFound);
    return { state, message };
  }

  /** The parts every bot message shares: reply target, inline keyboard; a reply keyboard goes to the chat. */
  private outgoingExtras(state: ChatState, params: Record<string, unknown>): Record<string, unknown> {
    const markup = params.reply_markup;
    checkReplyMarkup(markup);
    const extras: Record<string, unknown> = {};
    const replyParameters = (params.reply_parameters ?? {}) as { message_id?: unknown; allow_sending_without_reply?: unknown };
    const replyTo = optionalInteger({ id: replyParameters.message_id ?? params.reply_to_message_id }, 'id');
    if (replyTo !== undefined) {
      const target = state.messages.get(replyTo);
      const lenient = replyParameters.allow_sending_without_reply === true || params.allow_sending_without_reply === true;
      if (target !== undefined) extras.reply_to_message = this.withoutReply(target);
      else if (!lenient) throw badRequest('message to be replied not found');
    }
    if (typeof markup === 'object' && markup !== null) {
      if ('inline_keyboard' in markup) extras.reply_markup = clone(markup);
      else if ('remove_keyboard' in markup) state.replyKeyboard = undefined;
      else if ('keyboard' in markup) state.replyKeyboard = clone(markup);
    }
    return extras;
  }

  private withoutReply(message: StoredMessage): StoredMessage {
    const copy = clone(message);
    delete copy.reply_to_message;
    return copy;
  }

  private sendMessage(params: Record<string, unknown>): unknown {
    const state = this.targetChat(params);
    const { text, entities } = format(params.text, params.parse_mode, params.entities, MAX_TEXT_LENGTH, 'text');
    const extras = this.outgoingExtras(state, params);
    const message = this.store(state, { text, ...(entities.length > 0 ? { entities } : {}), ...extras }, this.botUser);
    if (params.link_preview_options !== undefined) message.link_preview_options = params.link_preview_options;
    return clone(message);
  }

  private editableBotMessage(params: Record<string, unknown>): { state: ChatState; message: StoredMessage } {
    const found = this.findMessage(params, 'message to edit not found');
    if (found.message.from?.id !== this.botUser.id) throw badRequest("message can't be edited");
    return found;
  }

  /** Applies an edit (`undefined` in `changes` removes a field) and refuses one that changes nothing, as Telegram does. */
  private applyEdit(message: StoredMessage, changes: Record<string, unknown>, markup: unknown): unknown {
    checkReplyMarkup(markup);
    const next: StoredMessage = { ...message, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    // Without reply_markup Telegram removes the inline keyboard.
    if (typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup) next.reply_markup = clone(markup);
    else delete next.reply_markup;
    const same = (key: string): boolean => JSON.stringify(next[key]) === JSON.stringify(message[key]);
    if (['text', 'entities', 'caption', 'caption_entities', 'reply_markup'].every(same)) {
      throw badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    next.edit_date = now();
    this.chats.get(message.chat.id)?.messages.set(message.message_id, next);
    return clone(next);
  }

  private editMessageText(params: Record<string, unknown>): unknown {
    const { message } = this.editableBotMessage(params);
    if (typeof message.text !== 'string') throw badRequest('there is no text in the message to edit');
    const { text, entities } = format(params.text, params.parse_mode, params.entities, MAX_TEXT_LENGTH, 'text');
    return this.applyEdit(message, { text, entities: entities.length > 0 ? entities : undefined }, params.reply_markup);
  }

  private editMessageReplyMarkup(params: Record<string, unknown>): unknown {
    const { message } = this.editableBotMessage(params);
    return this.applyEdit(message, {}, params.reply_markup);
  }

  private deleteMessage(params: Record<string, unknown>): true {
    const { state, message } = this.findMessage(params, 'message to delete not found');
    state.messages.delete(message.message_id);
    return true;
  }

  private answerCallbackQuery(params: Record<string, unknown>): true {
    const query = this.callbackQueries.get(optionalString(params, 'callback_query_id') ?? '');
    if (query === undefined || query.answered) throw badRequest(QUERY_INVALID);
    const text = optionalString(params, 'text');
    if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    query.answered = true;
    return true;
  }

  private sendChatAction(params: Record<string, unknown>): true {
    this.targetChat(params);
    if (!CHAT_ACTIONS.has(optionalString(params, 'action') ?? '')) throw badRequest('wrong parameter action in request');
    return true;
  }

  // ── Files ──

  private storeFile(bytes: Buffer, folder: 'documents' | 'photos', filename: string, mimeType: string): StoredFile {
    const number = this.nextFileNumber;
    this.nextFileNumber += 1;
    const extension = folder === 'photos' ? 'jpg' : extensionOf(filename);
    const file: StoredFile = {
      fileId: `${folder === 'photos' ? 'AgACAgUAAxkBAAI' : 'BQACAgUAAxkBAAI'}${randomId(36)}`,
      uniqueId: `AgAD${randomId(9)}`,
      path: `${folder}/file_${number}${extension === '' ? '' : `.${extension}`}`,
      bytes,
      mimeType,
    };
    this.files.set(file.fileId, file);
    this.filesByPath.set(file.path, file);
    return file;
  }

  private documentOf(file: StoredFile, filename: string): Record<string, unknown> {
    return { file_name: filename, mime_type: file.mimeType, file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length };
  }

  private sendDocument(params: Record<string, unknown>, files: Map<string, Upload>): unknown {
    const state = this.targetChat(params);
    const value = params.document;
    let document: Record<string, unknown>;
    const upload = typeof value === 'string' && value.startsWith('attach://') ? files.get(value.slice('attach://'.length)) : files.get('document');
    if (upload !== undefined) {
      if (upload.bytes.length === 0) throw badRequest('file must be non-empty');
      // Telegram decides the MIME type from the name; grammY sends every part as application/octet-stream.
      const mimeType = MIME_BY_EXTENSION[extensionOf(upload.filename)] ?? (upload.mimeType === 'application/octet-stream' ? 'application/octet-stream' : upload.mimeType);
      document = this.documentOf(this.storeFile(upload.bytes, 'documents', upload.filename, mimeType), upload.filename);
    } else if (typeof value === 'string' && this.files.has(value)) {
      const file = this.files.get(value) as StoredFile;
      const previous = [...this.chats.values()].flatMap((chat) => [...chat.messages.values()]).find((message) => (message.document as { file_id?: string } | undefined)?.file_id === value);
      document = this.documentOf(file, (previous?.document as { file_name?: string } | undefined)?.file_name ?? file.path.split('/').pop() ?? 'file');
    } else if (typeof value === 'string' && /^https?:\/\//i.test(value)) {
      throw badRequest('failed to get HTTP URL content'); // the emulator has no network
    } else if (value === undefined) {
      throw badRequest('there is no document in the request');
    } else {
      throw badRequest('wrong file identifier/HTTP URL specified');
    }
    const caption = params.caption === undefined ? undefined : format(params.caption, params.parse_mode, params.caption_entities, MAX_CAPTION_LENGTH, 'caption');
    const extras = this.outgoingExtras(state, params);
    const body: Record<string, unknown> = { document, ...extras };
    if (caption !== undefined && caption.text.length > 0) {
      body.caption = caption.text;
      if (caption.entities.length > 0) body.caption_entities = caption.entities;
    }
    return clone(this.store(state, body, this.botUser));
  }

  private getFile(params: Record<string, unknown>): TelegramFile {
    const file = this.files.get(optionalString(params, 'file_id') ?? '');
    if (file === undefined) throw badRequest('invalid file_id');
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.path };
  }

  // ── Settings ──

  private setWebhook(params: Record<string, unknown>): true {
    const url = optionalString(params, 'url') ?? '';
    if (url === '') return this.deleteWebhook(params);
    if (!/^https:\/\//i.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    this.storedWebhook = { url, params: { ...params } };
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  private deleteWebhook(params: Record<string, unknown>): true {
    this.storedWebhook = undefined;
    if (params.drop_pending_updates === true) this.queue.length = 0;
    return true;
  }

  private getWebhookInfo(): Record<string, unknown> {
    const info: Record<string, unknown> = { url: this.storedWebhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length };
    if (this.storedWebhook?.params.max_connections !== undefined) info.max_connections = this.storedWebhook.params.max_connections;
    if (this.storedWebhook?.params.allowed_updates !== undefined) info.allowed_updates = this.storedWebhook.params.allowed_updates;
    return info;
  }

  private commandsKey(scope: unknown, languageCode: unknown): string {
    return JSON.stringify([scope ?? { type: 'default' }, languageCode ?? '']);
  }

  private setMyCommands(params: Record<string, unknown>): true {
    const commands = params.commands;
    if (!Array.isArray(commands)) throw badRequest('field "commands" must be an Array');
    for (const entry of commands as Array<{ command?: unknown; description?: unknown }>) {
      if (typeof entry.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(entry.command)) throw badRequest('BOT_COMMAND_INVALID');
      if (typeof entry.description !== 'string' || entry.description.length < 1 || entry.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    this.storedCommands.set(this.commandsKey(params.scope, params.language_code), clone(commands) as BotCommand[]);
    return true;
  }

  commands(scope?: unknown, languageCode?: string): BotCommand[] {
    return clone(this.storedCommands.get(this.commandsKey(scope, languageCode)) ?? []);
  }

  webhook(): { url: string; params: Record<string, unknown> } | undefined {
    return this.storedWebhook === undefined ? undefined : clone(this.storedWebhook);
  }

  // ── Views ──

  sentMessages(chatId?: number): Message[] {
    const sending = new Set(['sendMessage', 'sendDocument', 'editMessageText', 'editMessageReplyMarkup']);
    return this.calls
      .filter((call) => sending.has(call.method) && call.response?.ok === true)
      .map((call) => (call.response as { result: unknown }).result)
      .filter((result): result is Message => typeof result === 'object' && result !== null && (chatId === undefined || (result as Message).chat.id === chatId))
      .map((message) => clone(message));
  }

  history(chatId: number): Message[] {
    return [...(this.chats.get(chatId)?.messages.values() ?? [])].map((message) => clone(message) as unknown as Message);
  }

  // ── Playing users ──

  private sender(from: User, chat: Chat, extras: () => Record<string, unknown> = () => ({})): Sender {
    const post = (body: Record<string, unknown>): Update => {
      const state = this.chatState(chat);
      const message = this.store(state, { ...extras(), ...body }, from);
      return this.queueUpdate({ message: clone(message) });
    };
    return {
      from,
      chat,
      sendText: (text, options) => {
        const entities = detectCommands(text);
        const body: Record<string, unknown> = { text, ...(entities.length > 0 ? { entities } : {}) };
        if (options?.replyTo !== undefined) {
          const target = this.chatState(chat).messages.get(options.replyTo);
          if (target === undefined) throw new Error(`Bot API emulator: no message ${options.replyTo} in chat ${chat.id} to reply to`);
          body.reply_to_message = this.withoutReply(target);
        }
        return post(body);
      },
      sendCommand: (command, payload) => {
        if (!command.startsWith('/')) throw new Error(`Bot API emulator: a command starts with "/", got "${command}"`);
        const text = payload === undefined || payload === '' ? command : `${command} ${payload}`;
        return post({ text, entities: [{ type: 'bot_command', offset: 0, length: command.length }] });
      },
      sendDocument: ({ filename, mimeType, bytes, caption }) => {
        const file = this.storeFile(Buffer.from(bytes), 'documents', filename, mimeType);
        return post({ document: this.documentOf(file, filename), ...(caption === undefined ? {} : { caption }) });
      },
      sendPhoto: (bytes, options) => {
        const sizes = [[90, 68], [320, 240], [800, 600]].map(([width, height]) => {
          const file = this.storeFile(Buffer.from(bytes), 'photos', 'photo.jpg', 'image/jpeg');
          return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: bytes.length, width, height };
        });
        return post({ photo: sizes, ...(options?.caption === undefined ? {} : { caption: options.caption }) });
      },
      pressButton: (messageId, callbackData) => {
        const message = this.chats.get(chat.id)?.messages.get(messageId);
        if (message === undefined) throw new Error(`Bot API emulator: no message ${messageId} in chat ${chat.id} to press a button on`);
        const rows = (message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)?.inline_keyboard ?? [];
        const buttons = rows.flat();
        if (!buttons.some((button) => button.callback_data === callbackData)) {
          const offered = buttons.map((button) => `"${button.text}" → ${button.callback_data ?? '(no callback_data)'}`).join(', ') || 'none';
          throw new Error(`Bot API emulator: message ${messageId} in chat ${chat.id} has no button with callback_data "${callbackData}"; its buttons: ${offered}`);
        }
        const id = String(this.nextCallbackId);
        this.nextCallbackId += 1n;
        this.callbackQueries.set(id, { answered: false });
        return this.queueUpdate({
          callback_query: { id, from, message: clone(message), chat_instance: this.chatState(chat).chatInstance, data: callbackData },
        });
      },
    };
  }

  user(id: number, profile: { first_name: string; last_name?: string; username?: string; language_code?: string }): UserHandle {
    if (!Number.isInteger(id) || id <= 0) throw new Error(`Bot API emulator: a user id is a positive integer, got ${id}`);
    const from = { id, is_bot: false, ...profile } as User;
    const chat = { id, type: 'private', first_name: profile.first_name, ...(profile.last_name === undefined ? {} : { last_name: profile.last_name }), ...(profile.username === undefined ? {} : { username: profile.username }) } as Chat;
    const existing = this.chats.get(id);
    if (existing !== undefined) Object.assign(existing.chat, chat);
    const state = this.chatState(existing?.chat ?? chat);
    return {
      ...this.sender(from, state.chat),
      id,
      in: (group) => this.sender(from, group.chat),
      blockBot: () => {
        state.blocked = true;
      },
      unblockBot: () => {
        state.blocked = false;
      },
      history: () => this.history(id),
      replyKeyboard: () => clone(state.replyKeyboard),
    };
  }

  group(id: number, options: { title: string; type?: 'group' | 'supergroup' }): GroupHandle {
    if (!Number.isInteger(id) || id >= 0) throw new Error(`Bot API emulator: a group id is a negative integer, got ${id}`);
    const chat = { id, type: options.type ?? 'supergroup', title: options.title } as Chat;
    const state = this.chatState(chat);
    const anonymous: User = { id: GROUP_ANONYMOUS_BOT_ID, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
    const service: User = { id: TELEGRAM_SERVICE_ID, is_bot: false, first_name: 'Telegram' };
    const channel = { id: Number(`-100${String(Math.abs(id)).slice(-10).padStart(10, '9')}`) - 1, type: 'channel', title: `${options.title} (kanal)` } as Chat;
    let channelPostId = 1;
    return {
      chat: state.chat,
      anonymousAdmin: this.sender(anonymous, state.chat, () => ({ sender_chat: state.chat })),
      telegramService: this.sender(service, state.chat, () => {
        const origin = { type: 'channel', chat: channel, message_id: channelPostId, date: now() };
        channelPostId += 1;
        return { sender_chat: channel, is_automatic_forward: true, forward_origin: origin };
      }),
      history: () => this.history(id),
    };
  }

  // ── Fault injection ──

  failNext(method: string, failure: ApiFailure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(failure);
    this.failures.set(method, queue);
  }

  slowNext(method: string, ms: number): void {
    const queue = this.delays.get(method) ?? [];
    queue.push(ms);
    this.delays.set(method, queue);
  }
}

/**
 * Starts a Bot API emulator on 127.0.0.1.
 *
 * @example
 * ```ts
 * const telegram = await startBotApiEmulator();
 * const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
 * const siti = telegram.user(1001, { first_name: 'Siti', language_code: 'id' });
 * siti.sendCommand('/start');
 * telegram.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
 * ```
 */
export async function startBotApiEmulator(options: BotApiEmulatorOptions = {}): Promise<BotApiEmulator> {
  const emulator = new Emulator(options.token ?? DEFAULT_BOT_TOKEN);
  await emulator.listen(options.port ?? 0);
  return emulator;
}

/** Telegram's parse_mode rules on their own, e.g. for a template test that asks "would Telegram accept this HTML?". */
export const parseModes = {
  /** Parses a text as Telegram would for `parse_mode` (HTML, MarkdownV2, Markdown), or throws its 400. */
  format(text: string, parseMode: 'HTML' | 'MarkdownV2' | 'Markdown'): { text: string; entities: MessageEntity[] } {
    const formatted = format(text, parseMode, undefined, Number.POSITIVE_INFINITY, 'text');
    return { text: formatted.text, entities: formatted.entities as MessageEntity[] };
  },
};
