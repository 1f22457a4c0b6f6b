import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../main.ts';
import { oneLine, parseFlags, wholeNumberWithin } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openDatabase } from '../../storage/data-source.ts';
import { decodeMasterKey, readMasterKeyFile } from '../../storage/crypto/keys.ts';
import { finishPendingRotation, rotateMasterKey } from '../../storage/crypto/rotate-key.ts';
import { sweepOrphanFiles } from '../../storage/vault/sweep-orphans.ts';
import { openApp } from '../app.ts';

/**
 * `ra-desk vault sweep [--older-than-hours N] [--dry-run]`: removes vault files that no document row
 * names and that are older than N hours (default 24), left by a crash between writing and committing
 * (storage/vault/sweep-orphans.ts). For cron; idempotent.
 */
async function runSweep(ctx: CommandContext, rest: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(rest, { 'older-than-hours': { type: 'string' }, 'dry-run': { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError('VAULT.USAGE');
  const given = values['older-than-hours'];
  const hours = given === undefined ? DEFAULT_SWEEP_HOURS : wholeNumberWithin(given, 1, 8760);
  if (hours === null) throw new UsageError('VAULT.BAD_HOURS', { given: oneLine(given ?? '') });
  const dryRun = values['dry-run'] === true;

  const app = await openApp(await ctx.config());
  try {
    const report = await sweepOrphanFiles({
      ds: app.ds, dataDir: app.config.dataDir, auditLog: app.auditLog, now: app.ports.clock.now(), minAgeMs: hours * 3_600_000, dryRun,
    });
    const mb = (report.orphanBytes / 1_048_576).toFixed(1);
    ctx.io.out(ctx.io.t.message(dryRun ? 'VAULT.SWEEP_DRY' : 'VAULT.SWEEP_DONE', { ...report, hours, mb }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

/** Long enough that no transaction still running can own the file: a sync's transaction lasts seconds. */
const DEFAULT_SWEEP_HOURS = 24;


/**
 * `ra-desk vault rotate-key [--new-key-file PATH]`: a new master key for the vault, the NIK fields, the
 * NIK lookup hashes and the audit checkpoint (see storage/crypto/rotate-key.ts for the crash-safety
 * steps). Only a key file can be rotated in place: a key given in RA_MASTER_KEY lives wherever the
 * operator keeps their environment, which ra-desk cannot rewrite.
 */
export async function runVault(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action === 'sweep') return runSweep(ctx, rest);
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
