import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { addOfficer, removeOfficer } from '../../domain/use-cases/manage-officers.ts';

/** `ra-desk officer add|remove|list` — appointment of petugas OP and the Pengelola (Pasal 9(4), 8(2)). */
export async function runOfficer(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'add' && action !== 'remove' && action !== 'list') throw new UsageError('OFFICER.USAGE');
  const { values, positionals } = parseFlags(rest, {
    'telegram-id': { type: 'string' }, nip: { type: 'string' }, role: { type: 'string' }, appointment: { type: 'string' }, json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError('OFFICER.USAGE');
  const need = (name: 'telegram-id' | 'nip' | 'role' | 'appointment'): string => {
    const v = values[name];
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError('CLI.FLAG_REQUIRED', { flag: `--${name}` });
    return v;
  };
  // Flags are checked before the database is opened, so a typo costs nothing.
  const addInput = action === 'add'
    ? { telegramId: need('telegram-id'), nip: need('nip'), role: need('role'), appointmentRef: need('appointment') } : null;
  const removeId = action === 'remove' ? need('telegram-id') : null;

  const app = await openApp(await ctx.config());
  const { io } = ctx;
  try {
    if (action === 'list') {
      const officers = await app.ports.officers.list();
      if (values.json) io.out(JSON.stringify(officers, null, 2));
      else if (officers.length === 0) io.out(io.t.message('OFFICER.LIST_EMPTY'));
      else for (const o of officers) io.out(io.t.message('OFFICER.LIST_LINE', { telegramId: o.telegramId, role: o.role, nip: o.nip, appointmentRef: o.appointmentRef, state: o.active ? 'aktif' : 'nonaktif' }));
      return EXIT.ok;
    }
    if (addInput) {
      const r = await addOfficer(app.ports, addInput);
      if (!r.ok) { io.err(`ra-desk: ${io.t.message(r.code, r.params)}`); return EXIT.usage; }
      io.out(io.t.message('OFFICER.ADDED', { telegramId: r.value.telegramId, role: r.value.role }));
      return EXIT.ok;
    }
    const r = await removeOfficer(app.ports, removeId!);
    if (!r.ok) { io.err(`ra-desk: ${io.t.message(r.code, r.params)}`); return EXIT.usage; }
    io.out(io.t.message('OFFICER.REMOVED', { telegramId: removeId!.trim() }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
