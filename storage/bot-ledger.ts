import type { DataSource, QueryRunner } from 'typeorm';
import { groupCommit } from './group-commit.ts';
import { createRawSql } from './raw-sql.ts';

/** `handled_at` of a claimed update whose work has not finished. */
export const STARTED = 'started';

/** What a claim found. */
export type Claim =
  /** Ours to handle; `session` is the chat's saved conversation state (JSON), if any. */
  | { readonly outcome: 'fresh'; readonly session: string | null }
  /** Handled before (Telegram delivered it again): drop it. */
  | { readonly outcome: 'handled' }
  /** A process died in the middle of it; this claim marked it, so the chat is told once to send it again. */
  | { readonly outcome: 'interrupted' };

export interface ChatState {
  readonly chatId: string;
  readonly state: string;
}

/**
 * The bot's record of updates (`bot_updates`) and of each chat's conversation state (`bot_sessions`).
 * Every update is claimed before any work on it and marked finished after, with the chat's new state in
 * the same write. Claims and finishes of concurrent updates share transactions (group commit): at a
 * thousand updates a second, two transactions of their own per update (each a BEGIN, a COMMIT and a turn
 * in the process's queue of writers) were a large part of the bot's time.
 */
export interface BotLedger {
  claim(updateId: string, chatId: string | null): Promise<Claim>;
  finish(updateId: string, at: string, session: ChatState | null): Promise<void>;
}

type Op =
  | { readonly kind: 'claim'; readonly updateId: string; readonly chatId: string | null; readonly at: string }
  | { readonly kind: 'finish'; readonly updateId: string; readonly at: string; readonly session: ChatState | null };

export function createBotLedger(ds: DataSource, now: () => Date): BotLedger {
  const sql = {
    claim: `INSERT INTO bot_updates (update_id, handled_at, chat_id) VALUES (?, '${STARTED}', ?) ON CONFLICT (update_id) DO NOTHING RETURNING update_id`,
    state: 'SELECT handled_at FROM bot_updates WHERE update_id = ?',
    interrupted: `UPDATE bot_updates SET handled_at = ? WHERE update_id = ? AND handled_at = '${STARTED}' RETURNING update_id`,
    session: 'SELECT state FROM bot_sessions WHERE chat_id = ?',
    save: 'INSERT INTO bot_sessions (chat_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    finish: 'UPDATE bot_updates SET handled_at = ? WHERE update_id = ?',
  };
  const raw = createRawSql(ds);
  const rows = (qr: QueryRunner | undefined, query: string, params: (string | null)[]) => raw.rows(query, params, qr);

  async function apply(qr: QueryRunner | undefined, op: Op): Promise<Claim | undefined> {
    if (op.kind === 'finish') {
      if (op.session) await rows(qr, sql.save, [op.session.chatId, op.session.state, op.at]);
      await rows(qr, sql.finish, [op.at, op.updateId]);
      return undefined;
    }
    if ((await rows(qr, sql.claim, [op.updateId, op.chatId])).length === 1) {
      const saved = op.chatId === null ? [] : await rows(qr, sql.session, [op.chatId]);
      return { outcome: 'fresh', session: (saved[0]?.state as string | undefined) ?? null };
    }
    const [row] = await rows(qr, sql.state, [op.updateId]);
    if (row?.handled_at !== STARTED) return { outcome: 'handled' };
    // Interrupted by a crash: its work may be half done, so it is not run again (no second request).
    // Only the claim that marks it reports it, so the chat is told once.
    const marked = await rows(qr, sql.interrupted, [op.at, op.updateId]);
    return marked.length === 1 ? { outcome: 'interrupted' } : { outcome: 'handled' };
  }

  // Relaxed durability (storage/data-source.ts): safe against the process dying, which is what the
  // ledger is for. A power cut can lose only ledger writes made after the last fully durable commit, and
  // the WAL is ordered, so never a claim whose update's own effects survived: such an update just comes
  // again as new (it had changed nothing that lasted), or a finished one is reported as interrupted.
  const commits = groupCommit(ds, apply, 'relaxed');
  return {
    async claim(updateId, chatId) {
      return (await commits.submit({ kind: 'claim', updateId, chatId, at: now().toISOString() }))!;
    },
    async finish(updateId, at, session) {
      await commits.submit({ kind: 'finish', updateId, at, session });
    },
  };
}
