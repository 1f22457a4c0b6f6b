import { chmodSync, mkdirSync } from 'node:fs';
import type { CommandContext } from '../main.ts';
import { EXIT } from '../io.ts';
import { createMasterKeyFile } from '../../storage/crypto/keys.ts';
import { openDatabase } from '../../storage/data-source.ts';

/** `ra-desk init`: data folder (0700), master key file (0600) unless RA_MASTER_KEY is set, migrations. */
export async function runInit(ctx: CommandContext): Promise<number> {
  const config = await ctx.config();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Names, e-mails and NIPs are in the database: the folder is the operator's alone, even if it existed.
  chmodSync(config.dataDir, 0o700);
  if (!config.masterKey) {
    const created = createMasterKeyFile(config.masterKeyFile);
    ctx.io.out(ctx.io.t.message(created ? 'CLI.INIT_KEY_CREATED' : 'CLI.INIT_KEY_EXISTS', { path: config.masterKeyFile }));
  }
  const ds = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  await ds.destroy();
  if (config.ca === 'sandbox') {
    const { initSandboxCa } = await import('../../storage/ca/sandbox-ca.ts');
    const r = await initSandboxCa(config.dataDir);
    ctx.io.out(ctx.io.t.message(r.created ? 'CLI.INIT_SANDBOX_CA' : 'CLI.INIT_SANDBOX_CA_EXISTS', { dataDir: config.dataDir }));
  }
  ctx.io.out(ctx.io.t.message('CLI.INIT_DONE', { dataDir: config.dataDir, database: config.databaseUrl ? 'PostgreSQL' : 'SQLite' }));
  return EXIT.ok;
}
