import type { Templates } from '../../templates/catalog.ts';
import type { BotApiEmulator, SettledCall } from '../../devtools/bot-api-emulator.ts';
import type { ReceivedMail } from '../../devtools/smtp-receiver.ts';
import type { Update } from 'grammy/types';

/** Who is who in the demo: Telegram ids and addresses to the names the transcript shows. */
export interface Cast {
  byChat: ReadonlyMap<number, string>;
  byEmail: ReadonlyMap<string, string>;
}

const BODY_LINES = 5;
const LINE_MAX = 160;
/** Salutations and sign-offs every mail has; the transcript shows what the mail says. */
const BOILERPLATE = /^(yth\.|dengan hormat|hormat kami|otoritas pendaftaran sertifikat elektronik$|dinas komunikasi dan informatika kota pontianak$)/i;

/** A NIK is shown masked even in the demo: the transcript is what people copy into reports and chats. */
const maskNiks = (s: string): string => s.replace(/(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)/g, '$1********$2');

const clip = (s: string): string => {
  const one = maskNiks(s).replace(/\s+/g, ' ').trim();
  return one.length > LINE_MAX ? `${one.slice(0, LINE_MAX - 1)}…` : one;
};

/** The first lines of a text that say something, indented under the heading line. */
const excerpt = (text: string, lines = BODY_LINES): string[] => text.split('\n').map((l) => l.trim())
  .filter((l) => l !== '' && !BOILERPLATE.test(l)).slice(0, lines).map((l) => `      ${clip(l)}`);

/** The label of the inline button a callback pressed, read from the message it was pressed on. */
function buttonLabel(u: Update): string | null {
  const q = u.callback_query;
  const rows = (q?.message as { reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] } } | undefined)?.reply_markup?.inline_keyboard ?? [];
  return rows.flat().find((b) => b.callback_data === q?.data)?.text ?? null;
}

/**
 * The demo's transcript, built from what the Bot API emulator and the SMTP receiver recorded: every
 * update a played user sent, every call the bot made, every mail that reached the receiver, and the
 * mails the applicants sent in. Printed as it happens, one channel tag per line.
 */
export class Transcript {
  private mailSeen = 0;
  private readonly out: (line: string) => void;

  constructor(private readonly t: Templates, private readonly cast: Cast, out: (line: string) => void, tg: BotApiEmulator) {
    this.out = out;
    tg.onCall((call) => this.botCall(call));
  }

  private who(chatId: unknown): string {
    return this.cast.byChat.get(Number(chatId)) ?? `Telegram ${String(chatId)}`;
  }

  private whoMail(address: string): string {
    return this.cast.byEmail.get(address.toLowerCase()) ?? address;
  }

  step(title: string): void {
    this.out('');
    this.out(this.t.message('DEMO.STEP', { title }));
  }

  note(text: string): void {
    this.out(this.t.message('DEMO.NOTE', { text }));
  }

  /** What a played Telegram user did, from the update the emulator queued for the bot. */
  user(update: Update): void {
    const from = update.message?.from ?? update.callback_query?.from;
    const name = from ? this.who(from.id) : '?';
    const m = update.message;
    if (m?.text !== undefined) this.out(this.t.message('DEMO.TG_USER_TEXT', { who: name, text: clip(m.text) }));
    else if (m?.document) this.out(this.t.message('DEMO.TG_USER_FILE', { who: name, file: m.document.file_name ?? 'berkas' }));
    else if (update.callback_query) this.out(this.t.message('DEMO.TG_USER_BUTTON', { who: name, button: buttonLabel(update) ?? update.callback_query.data ?? '?' }));
  }

  private botCall(call: SettledCall): void {
    if (!(call.response as { ok?: boolean }).ok) return;
    const p = call.params;
    if (call.method === 'sendMessage' || call.method === 'editMessageText') {
      const [first, ...rest] = String(p['text'] ?? '').split('\n').filter((l) => l.trim() !== '');
      this.out(this.t.message('DEMO.TG_BOT_TEXT', { who: this.who(p['chat_id']), text: clip(first ?? '') }));
      for (const l of rest.slice(0, BODY_LINES - 1)) this.out(`      ${clip(l)}`);
    } else if (call.method === 'sendDocument') {
      const doc = p['document'] as { filename?: string } | string | undefined;
      const file = typeof doc === 'object' && doc?.filename ? doc.filename : 'berkas';
      this.out(this.t.message('DEMO.TG_BOT_FILE', { who: this.who(p['chat_id']), file, caption: clip(String(p['caption'] ?? '')) }));
    } else if (call.method === 'deleteMessage') {
      this.out(this.t.message('DEMO.TG_BOT_DELETE', { who: this.who(p['chat_id']) }));
    }
  }

  /** A mail an applicant sends to the RA mailbox. */
  mailIn(from: string, subject: string, attachments: readonly string[], text: string): void {
    this.out(this.t.message('DEMO.MAIL_IN', { who: this.whoMail(from), subject, files: attachments.length ? attachments.join(', ') : '-' }));
    for (const l of excerpt(text, 3)) this.out(l);
  }

  /** Every mail the SMTP receiver accepted since the last call. */
  mailOut(received: readonly ReceivedMail[]): void {
    for (const m of received.slice(this.mailSeen)) {
      const files = m.parsed.attachments.map((a) => a.filename ?? 'lampiran');
      this.out(this.t.message('DEMO.MAIL_OUT', {
        who: m.envelope.to.map((a) => this.whoMail(a)).join(', '), subject: m.parsed.subject ?? '', files: files.length ? files.join(', ') : '-',
      }));
      for (const l of excerpt(m.parsed.text ?? '')) this.out(l);
    }
    this.mailSeen = received.length;
  }
}
