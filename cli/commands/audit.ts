import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';

/** `ra-desk audit verify`: 0 on an intact chain, 1 naming the first bad sequence number otherwise (Pasal 26(2)). */
export async function runAuditVerify(ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(ctx.args, {});
  if (positionals.length > 0) throw new UsageError('AUDIT.USAGE');
  const app = await openApp(await ctx.config());
  try {
    const report = await app.auditLog.verify();
    if (report.ok) {
      ctx.io.out(ctx.io.t.message('AUDIT.VERIFY_OK', { count: report.count }));
      return EXIT.ok;
    }
    ctx.io.err('ra-desk: ' + ctx.io.t.message('AUDIT.VERIFY_FAILED', { seq: report.firstBadSeq ?? '?', reason: report.reason ?? 'unknown' }));
    return EXIT.failure;
  } finally {
    await app.close();
  }
}
