import type { Context } from 'grammy';
import type { BotDeps } from './bot-deps.ts';
import type { Officer } from '../domain/people/officer.ts';
import type { TelegramBinding } from '../domain/telegram/binding.ts';
import type { Params } from '../domain/shared/result.ts';

/** Where a chat is in a conversation. Kept per chat in the database, so a restart loses nothing. */
export type ChatStep =
  | { readonly step: 'idle' }
  | { readonly step: 'bind_identifier' }
  | { readonly step: 'bind_code' }
  | { readonly step: 'apply_uses'; readonly certificateType: string; readonly uses: readonly string[] }
  // `uses` is absent in states saved before the uses step existed: the type's defaults then apply.
  | { readonly step: 'apply_nik'; readonly certificateType: string; readonly uses?: readonly string[] }
  | { readonly step: 'apply_docs'; readonly certificateType: string; readonly uses?: readonly string[]; readonly nikSealed: string; readonly docs: readonly UploadedDoc[] }
  // `category` (an incident, Pasal 24(3)) and `aboutRequestId` (a complaint about its officer, Pasal 9(7)) are chosen by button first.
  | { readonly step: 'help_text'; readonly kind: 'help' | 'complaint' | 'incident'; readonly category?: string; readonly aboutRequestId?: string }
  | { readonly step: 'reject_reason'; readonly requestId: string; readonly outcome: 'reject' | 'return' }
  | { readonly step: 'answer_ticket'; readonly ticketId: string }
  | { readonly step: 'await_csr'; readonly requestId: string }
  | { readonly step: 'cert_check' }
  // An officer is about to upload the certificate BSrE issued for this request (bsre-manual).
  | { readonly step: 'bsre_upload'; readonly requestId: string }
  | { readonly step: 'renew_nik'; readonly requestId: string }
  | { readonly step: 'renew_docs'; readonly requestId: string; readonly nikSealed: string; readonly docs: readonly UploadedDoc[] }
  | { readonly step: 'revoke_note'; readonly certificateId: string }
  | { readonly step: 'revoke_docs'; readonly certificateId: string; readonly ground: string; readonly docs: readonly EvidenceDoc[] }
  // `token` ties the confirm buttons to this one question: an older question's button must not confirm a newer one.
  | { readonly step: 'manager_confirm'; readonly token: string; readonly action: ManagerAction };

/** What a Pengelola's command will do once confirmed; a NIK only sealed. */
export type ManagerAction =
  | { readonly kind: 'appoint'; readonly telegramId: string; readonly nip: string; readonly role: string; readonly appointmentRef: string }
  | { readonly kind: 'remove'; readonly telegramId: string }
  | { readonly kind: 'allow'; readonly email: string; readonly nikSealed: string; readonly name: string; readonly reference: string }
  | { readonly kind: 'revoke'; readonly email: string };

export interface UploadedDoc {
  readonly kind: 'cover_letter' | 'recommendation' | 'ktp_scan';
  readonly fileId: string;
  readonly filename: string;
}

/** A file of Pasal 18(3) sent for a revocation. */
export interface EvidenceDoc {
  readonly kind: 'police_report' | 'owner_statement';
  readonly fileId: string;
  readonly filename: string;
}

export interface DeskFlavor {
  readonly desk: BotDeps;
  /** The bound roster person of this Telegram user, if any. */
  binding: TelegramBinding | null;
  /** The officer record of this Telegram user (by numeric id only), if any. */
  officer: Officer | null;
  conversation: ChatStep;
  /** Renders a message from the catalogue. */
  say(code: string, params?: Params): string;
  /**
   * Answers the button press (it stops the client's spinner) while the handler goes on, instead of a
   * round trip to Telegram before any work; the update is done only once the answer is too. A failed
   * answer is ignored: it is a courtesy (middleware/stale-callback.ts). No-op for other updates.
   */
  acknowledge(): void;
}

export type BotContext = Context & DeskFlavor;
