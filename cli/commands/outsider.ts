import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { allowOutsider, revokeOutsider } from '../../domain/use-cases/allow-outsider.ts';

/**
 * `ra-desk outsider allow|revoke|list` — permits for "pihak lain" (Pasal 13(1)c), the same use case the
 * Pengelola's `/izinkan` runs in the bot. The operator holds the server and its master key, so the audit
 * actor is `system`. The NIK is echoed masked only.
 */
export async function runOutsider(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'allow' && action !== 'revoke' && action !== 'list') throw new UsageError('OUTSIDER.USAGE');
  const { values, positionals } = parseFlags(rest, {
    email: { type: 'string' }, nik: { type: 'string' }, name: { type: 'string' }, ref: { type: 'string' }, json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError('OUTSIDER.USAGE');
  const need = (name: 'email' | 'nik' | 'name' | 'ref'): string => {
    const v = values[name];
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError('CLI.FLAG_REQUIRED', { flag: `--${name}` });
    return v;
  };
  // Flags are checked before the database is opened, so a typo costs nothing.
  const allowInput = action === 'allow' ? { email: need('email'), nik: need('nik'), name: need('name'), reference: need('ref') } : null;
  const revokeEmail = action === 'revoke' ? need('email') : null;

  const app = await openApp(await ctx.config());
  const { io } = ctx;
  try {
    if (action === 'list') {
      const permits = await app.ports.permits.list();
      if (values.json) io.out(JSON.stringify(permits, null, 2));
      else if (permits.length === 0) io.out(io.t.message('OUTSIDER.LIST_EMPTY'));
      else for (const p of permits) io.out(io.t.message('OUTSIDER.LIST_LINE', { email: p.email, name: p.name || '-', reference: p.reference, grantedAt: p.grantedAt }));
      return EXIT.ok;
    }
    if (allowInput) {
      const r = await allowOutsider(app.ports, allowInput);
      if (!r.ok) { io.err(`ra-desk: ${io.t.message(r.code, r.params)}`); return EXIT.usage; }
      io.out(io.t.message('OUTSIDER.ALLOWED', { email: r.value.email, masked: r.value.maskedNik }));
      return EXIT.ok;
    }
    const r = await revokeOutsider(app.ports, { email: revokeEmail! });
    if (!r.ok) { io.err(`ra-desk: ${io.t.message(r.code, r.params)}`); return EXIT.usage; }
    io.out(io.t.message('OUTSIDER.REVOKED', { email: revokeEmail!.trim().toLowerCase() }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
