import type { RunnerHandle } from '@grammyjs/runner';
import type { Api } from 'grammy';
import { startBotApiEmulator, type BotApiEmulator, type SettledCall } from './bot-api-emulator.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { createTestDesk, seedDesk } from './storage-desk.ts';
import { createBotFor } from '../../bot/bot-app.ts';
import { startPolling, stopPolling } from '../../bot/run-bot.ts';
import { createKeyRing } from '../../storage/crypto/keys.ts';
import type { StorageDesk } from '../../storage/create-desk.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { OversightSettings } from '../../domain/oversight/oversight-settings.ts';
import type { LimitRules } from '../../domain/limits/token-bucket.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import type { CertificateVerifier } from '../../domain/ports/certificate-verifier.ts';
import { createSandboxCa, initSandboxCa } from '../../storage/ca/sandbox-ca.ts';

export interface BotHarness {
  readonly tg: BotApiEmulator;
  readonly db: TestDatabase;
  readonly desk: StorageDesk;
  readonly errors: { name: string; updateId: number }[];
  readonly api: Api;
  /** The sandbox CA the bot uses, when opened with `sandboxCa: true`. */
  readonly ca: CertificateAuthority | null;
  /** The next message the bot sends to `chatId` (text), waiting for it. */
  reply(chatId: number, match?: RegExp): Promise<SettledCall>;
  /** The one-time code mailed for the last binding request. */
  lastCode(): Promise<string>;
  close(): Promise<void>;
}

export async function openBotHarness(options: { clock?: Clock; sandboxCa?: boolean; verifier?: CertificateVerifier; limits?: LimitRules; oversight?: OversightSettings } = {}): Promise<BotHarness> {
  const tg = await startBotApiEmulator();
  const db = await openTestDatabase('sqlite');
  const desk = createTestDesk(db.ds, db.dataDir, { ...(options.clock ? { clock: options.clock } : {}), ...(options.limits ? { limits: options.limits } : {}), ...(options.oversight ? { oversight: options.oversight } : {}) });
  await seedDesk(desk);
  const errors: { name: string; updateId: number }[] = [];
  let ca: CertificateAuthority | null = null;
  if (options.sandboxCa) {
    await initSandboxCa(db.dataDir);
    ca = createSandboxCa({ dataDir: db.dataDir });
  }
  const { bot } = createBotFor(db.ds, desk.ports, createKeyRing(desk.masterKey), { token: tg.token, apiRoot: tg.apiRoot, onError: (e) => errors.push(e), ca, ...(options.verifier ? { verifier: options.verifier } : {}) });
  const runner: RunnerHandle = startPolling(bot);
  return {
    tg, db, desk, errors, api: bot.api, ca,
    reply: (chatId, match) => tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === chatId && (!match || match.test(String(c.params['text'])))),
    async lastCode() {
      const rows = await db.ds.getRepository(OutboxSchema).find({ where: { template: 'otp-code' }, order: { createdAt: 'DESC' }, take: 1 });
      return (JSON.parse(rows[0]!.model) as { code: string }).code;
    },
    async close() {
      await stopPolling(runner);
      await tg.close();
      await db.close();
    },
  };
}

/** A played Telegram user of a harness. */
export type PlayedUser = ReturnType<BotHarness['tg']['user']>;

/** The message id of a sendMessage call the bot made. */
export const messageIdOf = (c: { response?: unknown }): number => (c.response as { result: { message_id: number } }).result.message_id;

/** Binds a played user with the code mailed to their roster address; returns the id of the menu message. */
export async function bindTelegram(h: BotHarness, user: PlayedUser, nip: string): Promise<number> {
  user.sendCommand('/start');
  await h.reply(user.id, /NIP/);
  user.sendText(nip);
  await h.reply(user.id, /Kode verifikasi telah dikirim/);
  user.sendText(await h.lastCode());
  return messageIdOf(await h.reply(user.id, /sudah terhubung/));
}

let spoofed = 0;
/** Callback data the bot never showed: what a crafted client can still send. */
export function spoofCallback(h: BotHarness, user: PlayedUser, data: string): void {
  const last = h.tg.sentMessages(user.id).at(-1)!;
  spoofed++;
  h.tg.injectUpdate({
    update_id: 970000 + spoofed,
    callback_query: { id: `spoof-${spoofed}`, from: user.from, chat_instance: 'x', data, message: { message_id: last.message_id, date: 0, chat: user.chat, text: last.text } },
  });
}

/** Presses a button on the next message the bot sends to `user` whose text matches. */
export async function pressOn(h: BotHarness, user: PlayedUser, text: RegExp, data: string): Promise<void> {
  const msg = await h.reply(user.id, text);
  user.pressButton(messageIdOf(msg), data);
}
