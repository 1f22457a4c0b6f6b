import type { DataSource } from 'typeorm';
import Database from 'better-sqlite3';
import { importRoster, type RosterLine } from '../domain/use-cases/import-roster.ts';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import { inWriteTransaction } from '../storage/data-source.ts';
import { TelegramBindingSchema } from '../storage/entities/schemas.ts';
import type { TelegramBindingRow } from '../storage/entities/rows.ts';
import { passingChecks } from '../test/support/storage-desk.ts';

/**
 * What the simulated users of `npm run bench -- bot` do: a roster of generated ASN, and ten updates per
 * user in three mixes that touch the database as real traffic does (dedupe, session, binding and
 * officer lookups, roster lookups, OTP challenges, tickets, audit rows). No step waits for mail delivery:
 * the one-time code is read from the outbox row it was queued in.
 */

/** One update a user sends. `text` may need a look-up first (the mailed one-time code). */
export type Step = (
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'text'; readonly text: (env: StepEnv) => Promise<string> | string }
  | { readonly kind: 'press'; readonly data: string }
) & {
  /** What the step is, e.g. `ticket text`: latencies are also reported per mix and label. */
  readonly label: string;
};

export interface StepEnv {
  /** The one-time code queued for this Telegram id (a fixed six digits where nothing binds: the bare bot). */
  otp(telegramId: number): Promise<string>;
}

export type Mix = 'bound' | 'binding' | 'stranger';

/** Per 10 users: 6 already bound, 3 binding with the mailed code, 1 not on the roster. */
export const mixOf = (i: number): Mix => {
  const r = i % 10;
  return r < 6 ? 'bound' : r < 9 ? 'binding' : 'stranger';
};

/** Every button the scripts press, for the bare bot's keyboard (it must offer what the users press). */
export const PRESSED = ['menu:status', 'menu:guide', 'menu:help', 'menu:renew'] as const;

const command = (c: string): Step => ({ kind: 'command', command: c, label: c });
const text = (label: string, t: string | ((env: StepEnv) => Promise<string> | string)): Step =>
  ({ kind: 'text', text: typeof t === 'string' ? () => t : t, label });
const press = (data: (typeof PRESSED)[number]): Step => ({ kind: 'press', data, label: data });

/** A six-digit code that is not `code`: a typo, so the binding records a failed attempt. */
const typo = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The ten updates of a user of `mix` (a stranger's `person` is never sent: they are not on the roster). */
export function scriptFor(mix: Mix, person: BenchPerson, telegramId: number): Step[] {
  switch (mix) {
    case 'bound':
      return [
        command('/start'), press('menu:status'), press('menu:guide'),
        text('free text', 'Selamat pagi, bagaimana cara memperpanjang sertifikat saya?'),
        press('menu:help'), text('ticket text', 'Aplikasi TTE tidak bisa membuka dokumen yang sudah ditandatangani'),
        press('menu:status'), press('menu:renew'), text('free text', 'terima kasih'), command('/start'),
      ];
    case 'binding':
      return [
        command('/start'), press('menu:guide'), text('NIP', person.nip),
        text('code typo', async (env) => typo(await env.otp(telegramId))), text('code', (env) => env.otp(telegramId)),
        press('menu:status'), press('menu:guide'), press('menu:help'),
        text('ticket text', 'Mohon bantuan, surat rekomendasi atasan harus ditandatangani siapa?'), text('free text', 'terima kasih'),
      ];
    case 'stranger':
      return [
        command('/start'), text('bad identifier', 'saya mau daftar sertifikat'), text('unknown address', `tamu.${telegramId}@pontianak.go.id`),
        press('menu:guide'), press('menu:help'), text('ticket text', 'Saya pegawai baru, nama saya belum ada di daftar'),
        text('passphrase', 'kata sandi: rahasia123'), text('free text', 'halo'), command('/start'), press('menu:guide'),
      ];
  }
}

// ------------------------------------------------------------------------------------------- roster

export interface BenchPerson {
  readonly nip: string;
  readonly nik: string;
  readonly name: string;
  readonly email: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Person `i` of the generated roster: NIP and NIK agree on birth date and gender, as the roster import
 * checks. Birth dates run through 30 years × 12 months × 28 days, so the first 10,080 are distinct; the
 * appointment month 07 keeps them apart from the test PEOPLE (01 and 03).
 */
export function benchPerson(i: number): BenchPerson {
  const year = 1970 + (i % 30);
  const month = 1 + (Math.floor(i / 30) % 12);
  const day = 1 + (Math.floor(i / 360) % 28);
  const female = i % 2 === 1;
  const nip = `${year}${pad(month, 2)}${pad(day, 2)}${year + 25}07${female ? 2 : 1}${pad((i % 999) + 1, 3)}`;
  const nik = `617101${pad(day + (female ? 40 : 0), 2)}${pad(month, 2)}${pad(year % 100, 2)}${pad((i % 9999) + 1, 4)}`;
  return { nip, nik, name: `Pegawai Uji ${i + 1}`, email: `pegawai.uji${i + 1}@pontianak.go.id` };
}

/** Imports `count` generated people through the real roster import (HMAC and encryption of each NIK). */
export async function seedRoster(p: DeskPorts, count: number): Promise<void> {
  const lines: RosterLine[] = Array.from({ length: count }, (_, i) => {
    const b = benchPerson(i);
    return {
      line: i + 2,
      row: { nip: b.nip, nik: b.nik, name: b.name, email: b.email, agency: `Perangkat Daerah ${(i % 40) + 1}`, position: 'Staf', superior_nip: '', category: 'asn' },
    };
  });
  const report = await importRoster(p, lines);
  if (report.errors.length > 0) throw new Error(`bench roster refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
}

/**
 * Binds the `bound` users straight through the table (their binding flow is not what is measured) and
 * gives every third of them an issuance request waiting for review, so the status button lists one.
 */
export async function seedBound(ds: DataSource, p: DeskPorts, users: readonly { telegramId: number; person: BenchPerson }[]): Promise<void> {
  const at = new Date().toISOString();
  const rows: TelegramBindingRow[] = [];
  for (const u of users) {
    const person = await p.roster.findByNip(u.person.nip);
    if (!person) throw new Error(`bench person ${u.person.nip} is not on the roster`);
    rows.push({ telegramId: String(u.telegramId), chatId: String(u.telegramId), personId: person.personId, boundAt: at });
  }
  await inWriteTransaction(ds, (qr) => qr.manager.insert(TelegramBindingSchema, rows));
  await p.uow.run(async (tx) => {
    for (const [k, row] of rows.entries()) {
      const who = users[k]!.person;
      if (k % 3 !== 0) continue;
      const id = await p.cases.nextId('issuance', 2026, tx);
      await p.cases.create({
        id, kind: 'issuance', status: 'pending_review', channel: 'telegram',
        applicant: { personId: row.personId, nip: who.nip, email: who.email, name: who.name },
        applicantNik: who.nik, certificateType: 'individual', uses: ['signature'], details: {},
        checks: passingChecks(), reviewRound: 1, createdAt: at,
      }, tx);
    }
  });
}

/**
 * Reads the code of the latest one-time-code mail queued for a Telegram id (the outbox is the mail not
 * yet sent), on a read-only connection of its own: Telegram's side of the benchmark runs in its own
 * thread and must not use the bot's.
 */
export function otpReader(sqliteFile: string): { otp(telegramId: number): Promise<string>; close(): void } {
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const latest = db.prepare("SELECT model FROM outbox WHERE template = 'otp-code' AND dedupe_key LIKE ? ORDER BY created_at DESC LIMIT 1");
  return {
    otp(telegramId) {
      const row = latest.get(`otp:${telegramId}:%`) as { model: string } | undefined;
      if (!row) return Promise.reject(new Error(`no one-time code queued for Telegram user ${telegramId}`));
      return Promise.resolve((JSON.parse(row.model) as { code: string }).code);
    },
    close: () => db.close(),
  };
}
