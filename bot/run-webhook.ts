import { createServer, type Server } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import type { BotContext } from './context.ts';

export interface WebhookOptions {
  readonly host: string;
  readonly port: number;
  /** Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`; any request without it is refused. */
  readonly secretToken: string;
  readonly path: string;
}

/**
 * Webhook mode: a small HTTP server (put it behind the city's TLS reverse proxy) that hands each update
 * to the same bot. Requests without the secret token get 401 and reach no handler.
 */
export async function startWebhookServer(bot: Bot<BotContext>, o: WebhookOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const handle = webhookCallback(bot, 'http', { secretToken: o.secretToken });
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== o.path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return { server, port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
