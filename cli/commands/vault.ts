import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openDatabase } from '../../storage/data-source.ts';
import { decodeMasterKey, readMasterKeyFile } from '../../storage/crypto/keys.ts';
import { finishPendingRotation, rotateMasterKey } from '../../storage/crypto/rotate-key.ts';

/**
 * `ra-desk vault rotate-key [--new-key-file PATH]`: a new master key for the vault, the NIK fields, the
 * NIK lookup hashes and the audit checkpoint (see storage/crypto/rotate-key.ts for the crash-safety
 * steps). Only a key file can be rotated in place: a key given in RA_MASTER_KEY lives wherever the
 * operator keeps their environment, which ra-desk cannot rewrite.
 */
export async function runVault(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'rotate-key') throw new UsageError('VAULT.USAGE');
  const { values, positionals } = parseFlags(rest, { 'new-key-file': { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('VAULT.USAGE');
  const config = await ctx.config();
  if (config.masterKey) throw new UsageError('VAULT.ENV_KEY');
  let next: Buffer | undefined;
  if (values['new-key-file'] !== undefined) {
    try {
      next = decodeMasterKey(readFileSync(values['new-key-file'], 'utf8'));
    } catch {
      throw new UsageError('VAULT.BAD_NEW_KEY', { path: values['new-key-file'] });
    }
  }
  const current = readMasterKeyFile(config.masterKeyFile);
  if (next?.equals(current)) throw new UsageError('VAULT.SAME_KEY');

  const ds = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const common = { ds, dataDir: config.dataDir, keyFile: config.masterKeyFile, current, now: () => new Date() };
    const report = (await finishPendingRotation(common)) ?? (await rotateMasterKey({ ...common, next: next ?? randomBytes(32) }));
    const { io } = ctx;
    if (report.resumed) io.out(io.t.message('VAULT.ROTATE_RESUMED', { from: report.fromKeyId, to: report.toKeyId, path: config.masterKeyFile }));
    else {
      const { resumed: _resumed, ...counts } = report;
      io.out(io.t.message('VAULT.ROTATE_DONE', { ...counts, path: config.masterKeyFile }));
    }
    if (report.permitsToRegrant > 0) io.out(io.t.message('VAULT.ROTATE_REGRANT', { count: report.permitsToRegrant }));
    return EXIT.ok;
  } finally {
    await ds.destroy();
  }
}
