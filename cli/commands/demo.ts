import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { sqliteFile } from '../../storage/data-source.ts';

/**
 * `ra-desk demo [--data-dir DIR] [--keep]` (`npm run demo`): ra-desk on a fresh data folder with the
 * sandbox CA, a local Bot API emulator and SMTP receiver, playing the story in `cli/demo/story.ts` and
 * printing what the emulator and the receiver recorded. `--keep` leaves the desk running to explore.
 */
export async function runDemo(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(ctx.args, { 'data-dir': { type: 'string' }, keep: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError('DEMO.USAGE');
  // The demo invents people and a key: it must never touch a folder that already holds a desk.
  if (values['data-dir'] && existsSync(sqliteFile(values['data-dir']))) throw new UsageError('DEMO.DATA_DIR_IN_USE', { dataDir: values['data-dir'] });
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'ra-desk-demo-'));
  const { io } = ctx;
  const t = io.t;
  // Loaded here: the emulator, the SMTP receiver and the bot are only needed by the demo.
  const { Stage } = await import('../demo/stage.ts');
  const { playStory } = await import('../demo/story.ts');
  io.out(t.message('DEMO.START', { dataDir }));
  const stage = await Stage.open(dataDir, t, (line) => io.out(line));
  try {
    const result = await playStory(stage, join(dataDir, 'hasil'));
    const audit = await stage.app.auditLog.verify();
    io.out('');
    io.out(t.message(audit.ok ? 'AUDIT.VERIFY_OK' : 'AUDIT.VERIFY_FAILED', { count: audit.count, seq: audit.firstBadSeq ?? '?', reason: audit.reason ?? '' }));
    io.out(t.message('DEMO.FILES', { certificate: result.certificatePath, crl: result.crlPath }));
    for (const f of result.files) io.out(t.message('DEMO.FILE', { label: f.label, path: f.path }));
    if (values.keep) {
      io.out(t.message('DEMO.KEEP', { apiRoot: stage.tg.apiRoot, token: stage.tg.token, smtp: stage.smtp.url, dataDir }));
      await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
    }
    io.out(t.message('DEMO.END', { dataDir }));
    return audit.ok ? EXIT.ok : EXIT.failure;
  } finally {
    await stage.close();
  }
}
