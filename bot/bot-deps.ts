import type { DataSource } from 'typeorm';
import type { DeskPorts } from '../domain/use-cases/desk-ports.ts';
import type { Templates } from '../templates/catalog.ts';

/** What the bot's features may use: the same domain ports as every channel, plus bot-only helpers. */
export interface BotDeps {
  readonly ds: DataSource;
  readonly ports: DeskPorts;
  readonly t: Templates;
  /** Encrypts a value kept in a chat's conversation state (a NIK typed mid-application). */
  readonly seal: (plain: string) => string;
  readonly unseal: (token: string) => string;
  /** Downloads a file a user sent (Bot API `getFile` path). */
  readonly download: (filePath: string) => Promise<Buffer>;
}
