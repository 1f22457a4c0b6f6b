import type { DataSource } from 'typeorm';
import type { ReminderCandidate, ReminderCursor, ReminderMark, ReminderStore, ReminderWindow } from '../../domain/ports/reminder-store.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import { RENEWAL_IN_PROGRESS } from '../../domain/certificates/reminders.ts';
import { Binder, dialectOf, type Dialect } from '../sql-binder.ts';
import { managerFor, toQueryRunner } from '../transaction.ts';

/** Rows per statement when marks or ids are bound as parameters (far below either database's limit). */
const CHUNK = 500;

/** A statement with positional parameters in the dialect's own style (`?` or `$n`). */
export interface Statement {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}


/**
 * The sweep, as one statement: a range seek on `ix_certificates_state_not_after` (state = 'active' and
 * not_after in the window, continuing after the cursor), the owner's roster entry and Telegram binding
 * by primary/unique key, and two NOT EXISTS probes that each seek an index of migration 0005. Ordered by
 * (not_after, id) for keyset pagination: a page never rereads or skips a row, whatever runs in between.
 */
export function sweepStatement(dialect: Dialect, window: ReminderWindow, after: ReminderCursor | null, limit: number): Statement {
  const b = new Binder(dialect);
  const p = (v: string | number): string => b.bind(v);
  // `?` placeholders bind by position: hand them out in the order they appear in the text.
  const range = `c.not_after > ${p(window.from)} AND c.not_after <= ${p(window.until)}`;
  const cursor = after
    ? `AND c.not_after >= ${p(after.notAfter)} AND (c.not_after > ${p(after.notAfter)} OR c.id > ${p(after.certificateId)})`
    : '';
  const sql = `SELECT c.id AS "certificateId", c.serial AS "serial", c.not_after AS "notAfter", c.owner_person_id AS "personId",
       r.name AS "name", r.email AS "email", r.agency AS "agency", b.chat_id AS "chatId"
  FROM certificates c
  LEFT JOIN roster_entries r ON r.person_id = c.owner_person_id
  LEFT JOIN telegram_bindings b ON b.person_id = c.owner_person_id
 WHERE c.state = 'active' AND ${range}
   ${cursor}
   AND NOT EXISTS (SELECT 1 FROM requests q
                    WHERE q.applicant_person_id = c.owner_person_id AND q.kind = 'renewal'
                      AND q.status IN (${RENEWAL_IN_PROGRESS.map((s) => p(s)).join(', ')}))
   AND NOT EXISTS (SELECT 1 FROM certificates n
                    WHERE n.owner_person_id = c.owner_person_id AND n.state = 'active' AND n.not_after > c.not_after)
 ORDER BY c.not_after, c.id
 LIMIT ${p(limit)}`;
  return { sql, params: b.values };
}

interface SweepRow {
  certificateId: string;
  serial: string;
  notAfter: string;
  personId: string;
  name: string | null;
  email: string | null;
  agency: string | null;
  chatId: string | null;
}

/** `EXPLAIN QUERY PLAN` of the sweep's first page on SQLite, one line per step, indented by depth. */
export async function explainSweep(ds: DataSource, window: ReminderWindow, limit = 1000): Promise<string[]> {
  if (dialectOf(ds) !== 'sqlite') throw new Error('explainSweep reads SQLite query plans only');
  const { sql, params } = sweepStatement('sqlite', window, null, limit);
  const rows = await ds.query(`EXPLAIN QUERY PLAN ${sql}`, [...params]) as Array<{ id: number; parent: number; detail: string }>;
  const depth = new Map<number, number>([[0, -1]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

export function createReminderStore(ds: DataSource): ReminderStore {
  const dialect = dialectOf(ds);
  return {
    async page(window, after, limit, tx) {
      const manager = managerFor(ds, tx);
      const { sql, params } = sweepStatement(dialect, window, after, limit);
      const rows = await manager.query(sql, [...params]) as SweepRow[];
      const recorded = new Map<string, number[]>();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const b = new Binder(dialect);
        const ids = rows.slice(i, i + CHUNK).map((r) => b.bind(r.certificateId)).join(', ');
        const marks = await manager.query(
          `SELECT certificate_id AS "certificateId", days_before AS "daysBefore" FROM certificate_reminders WHERE certificate_id IN (${ids})`,
          b.values,
        ) as Array<{ certificateId: string; daysBefore: number | string }>;
        for (const m of marks) {
          const list = recorded.get(m.certificateId) ?? [];
          list.push(Number(m.daysBefore));
          recorded.set(m.certificateId, list);
        }
      }
      return rows.map((r): ReminderCandidate => ({
        certificateId: r.certificateId, serial: r.serial, notAfter: r.notAfter,
        owner: { personId: r.personId, name: r.name, email: r.email, agency: r.agency, telegramChatId: r.chatId },
        recorded: recorded.get(r.certificateId) ?? [],
      }));
    },

    async record(marks, at, tx: TransactionHandle) {
      const qr = toQueryRunner(tx);
      const inserted: ReminderMark[] = [];
      for (let i = 0; i < marks.length; i += CHUNK) {
        const b = new Binder(dialect);
        const values = marks.slice(i, i + CHUNK).map((m) => `(${b.bind(m.certificateId)}, ${b.bind(m.daysBefore)}, ${b.bind(at)})`).join(', ');
        // ON CONFLICT DO NOTHING … RETURNING yields only the rows this statement inserted (SQLite ≥ 3.35,
        // PostgreSQL): a mark another runner committed first is not ours to send.
        const result = await qr.query(
          `INSERT INTO certificate_reminders (certificate_id, days_before, sent_at) VALUES ${values}
           ON CONFLICT DO NOTHING RETURNING certificate_id AS "certificateId", days_before AS "daysBefore"`,
          b.values, true,
        ) as { records?: Array<{ certificateId: string; daysBefore: number | string }> };
        for (const r of result.records ?? []) inserted.push({ certificateId: r.certificateId, daysBefore: Number(r.daysBefore) });
      }
      return inserted;
    },
  };
}
