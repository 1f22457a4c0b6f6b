import { describe, it, expect } from 'vitest';
import { startBotApiEmulator } from '../support/bot-api-emulator.ts';
import { openTestDatabase } from '../support/databases.ts';
import { createTestDesk, seedDesk } from '../support/storage-desk.ts';
import { createBotFor } from '../../bot/bot-app.ts';
import { startWebhookServer } from '../../bot/run-webhook.ts';
import { createKeyRing } from '../../storage/crypto/keys.ts';

describe('webhook mode', () => {
  it('handles an update that carries the secret token and refuses one that does not', async () => {
    const tg = await startBotApiEmulator();
    const db = await openTestDatabase('sqlite');
    const desk = createTestDesk(db.ds, db.dataDir);
    await seedDesk(desk);
    const { bot } = createBotFor(db.ds, desk.ports, createKeyRing(desk.masterKey), { token: tg.token, apiRoot: tg.apiRoot });
    const hook = await startWebhookServer(bot, { host: '127.0.0.1', port: 0, secretToken: 'rahasia-webhook-0123456789', path: '/telegram' });
    try {
      const update = (id: number) => JSON.stringify({
        update_id: id,
        message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 8500001, type: 'private', first_name: 'Gita' }, from: { id: 8500001, is_bot: false, first_name: 'Gita' }, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] },
      });
      const url = `http://127.0.0.1:${hook.port}/telegram`;
      const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'salah' }, body: update(1) });
      expect(forged.status).toBe(401);
      const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: update(2) });
      expect(none.status).toBe(401);
      expect(tg.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(0);

      const real = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'rahasia-webhook-0123456789' }, body: update(3) });
      expect(real.status).toBe(200);
      const reply = await tg.waitForCall('sendMessage', (c) => Number(c.params['chat_id']) === 8500001);
      expect(String(reply.params['text'])).toMatch(/NIP/);
      expect((await fetch(`http://127.0.0.1:${hook.port}/other`, { method: 'POST' })).status).toBe(404);
    } finally {
      await hook.close();
      await tg.close();
      await db.close();
    }
  });
});
