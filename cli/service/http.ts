import { createServer, type Server } from 'node:http';

export interface HealthCheck {
  readonly ok: boolean;
  /** Per part: `ok`, or a short reason token (never a message body or an address). */
  readonly checks: Readonly<Record<string, string>>;
}

export interface ServiceHttp {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (200 with the checks, 503 when one fails) and `/metrics` (Prometheus text) for the city's
 * monitoring. Bound to loopback by default (`RA_HTTP_HOST`): put a reverse proxy in front to expose it.
 */
export async function startServiceHttp(o: {
  host: string; port: number; health: () => Promise<HealthCheck>; metrics: () => Promise<string>;
}): Promise<ServiceHttp> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
      if (path === '/healthz') {
        const h = await o.health();
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify({ status: h.ok ? 'ok' : 'degraded', checks: h.checks }));
      }
      if (path === '/metrics') {
        const text = await o.metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
        return void res.end(text);
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    };
    answer().catch(() => { if (!res.headersSent) res.writeHead(500).end(); else res.end(); });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(o.port, o.host, resolve); });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
