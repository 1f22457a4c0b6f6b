import type { ImapFlow } from 'imapflow';
import { createImapClient, type ImapTarget } from './imap-client.ts';
import { syncMailbox, type SyncOptions, type SyncReport } from './sync-mailbox.ts';
import type { IngestDeps } from '../inbound/ingest.ts';

export interface WatcherOptions {
  readonly target: ImapTarget;
  readonly ingest: IngestDeps;
  readonly sync: SyncOptions;
  /** Backstop poll: IDLE can die silently (NAT timeouts, server restarts without a BYE). */
  readonly pollMs: number;
  readonly maxBackoffMs?: number;
  readonly onSync?: (r: SyncReport) => void;
  readonly onError?: (e: unknown) => void;
}

export interface Watcher {
  /** Resolves when the current pass is done and the connection is closed. */
  stop(): Promise<void>;
  /** Number of connections opened so far (observability and tests). */
  readonly connections: () => number;
}

const sleep = (ms: number, wake: { fn?: () => void }) => new Promise<void>((r) => { const t = setTimeout(r, ms); wake.fn = () => { clearTimeout(t); r(); }; });

/**
 * Watches the RA mailbox: a pass on connect, a pass on every new-mail notification during IDLE, a pass
 * every `pollMs` regardless. A lost connection is replaced by a new client after a backoff that doubles
 * up to `maxBackoffMs` and resets once a connection works.
 */
export function startMailWatcher(o: WatcherOptions): Watcher {
  let stopped = false;
  let connections = 0;
  const wake: { fn?: () => void } = {};
  let pending = false;

  const loop = (async () => {
    let backoff = 500;
    while (!stopped) {
      const client: ImapFlow = createImapClient(o.target);
      const closed = new Promise<void>((r) => client.once('close', () => r()));
      client.on('error', (e: unknown) => o.onError?.(e));
      client.on('exists', () => { pending = true; wake.fn?.(); });
      try {
        await client.connect();
        connections++;
        backoff = 500;
        while (!stopped && client.usable) {
          pending = false;
          o.onSync?.(await syncMailbox(client, o.ingest, o.sync));
          if (stopped || pending) continue;
          await Promise.race([sleep(o.pollMs, wake), closed]);
        }
      } catch (e) {
        o.onError?.(e);
      } finally {
        await client.logout().catch(() => client.close());
      }
      if (!stopped) {
        await sleep(backoff, wake);
        backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 60_000);
      }
    }
  })();

  return {
    connections: () => connections,
    async stop() {
      // A pass in flight finishes (its message commits and moves); an idle wait ends at once.
      stopped = true;
      wake.fn?.();
      await loop;
    },
  };
}
