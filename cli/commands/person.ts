import { chmodSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp, type App } from '../app.ts';
import { parseNip } from '../../domain/identity/nip.ts';
import { personActor, SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import { setProcessingRestriction } from '../../domain/use-cases/restrict-processing.ts';
import { notifyBreach } from '../../domain/use-cases/notify-breach.ts';
import { RosterSchema } from '../../storage/entities/schemas.ts';
import type { RosterRow } from '../../storage/entities/rows.ts';
import { createFieldCipher } from '../../storage/crypto/field-cipher.ts';
import { buildPersonExport } from '../../storage/pdp/person-export.ts';

/**
 * `ra-desk person export|restrict|notify-breach NIP …`: a data subject's rights and the controller's
 * notice duty under UU 27/2022 (Pasal 7 and 32 access, Pasal 11 and 41 restriction, Pasal 46 breach
 * notice). The operator holds the server and its key, so the audit actor is `system`; no audit row
 * carries the NIP or NIK, only the internal person id.
 */
export async function runPerson(ctx: CommandContext): Promise<number> {
  const [action, nipText, ...rest] = ctx.args;
  if (action !== 'export' && action !== 'restrict' && action !== 'notify-breach') throw new UsageError('PDP.USAGE');
  const { values, positionals } = parseFlags(rest, {
    out: { type: 'string' }, stdout: { type: 'boolean' }, lift: { type: 'boolean' },
    what: { type: 'string' }, when: { type: 'string' }, how: { type: 'string' }, remedy: { type: 'string' }, ref: { type: 'string' },
  });
  if (nipText === undefined || nipText.startsWith('--') || positionals.length > 0) throw new UsageError('PDP.USAGE');
  const nip = parseNip(nipText);
  if (!nip.ok) throw new UsageError('PDP.BAD_NIP', { given: nipText.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 40) });
  // Everything about the flags is settled before the database is opened: bad input writes nothing.
  if (action === 'export' && values.out === undefined && !values.stdout) throw new UsageError('PDP.EXPORT_TARGET');
  const facts = action === 'notify-breach'
    ? { what: values.what ?? '', when: values.when ?? '', how: values.how ?? '', remedy: values.remedy ?? '', ...(values.ref ? { reference: values.ref } : {}) }
    : null;
  const missing = facts && (['what', 'when', 'how', 'remedy'] as const).find((k) => facts[k].trim() === '');
  if (missing) throw new UsageError('PDP.BREACH_FIELD_MISSING', { field: `--${missing}` });

  const app = await openApp(await ctx.config());
  try {
    const person = await app.ds.getRepository(RosterSchema).findOneBy({ nip: nip.value.value });
    if (!person) throw new UsageError('PDP.UNKNOWN_NIP', { nip: nip.value.value });
    if (action === 'export') return await exportPerson(ctx, app, person, values.out);
    const { io } = ctx;
    if (action === 'restrict') {
      const r = await setProcessingRestriction(app.ports, { personId: person.personId, by: SYSTEM_ACTOR, lift: values.lift === true });
      io.out(r.ok ? io.t.message(values.lift ? 'PDP.LIFTED_DONE' : 'PDP.RESTRICTED_DONE', { nip: nip.value.value }) : io.t.message(r.code));
      return EXIT.ok;
    }
    const r = await notifyBreach(app.ports, { personId: person.personId, facts: facts!, by: SYSTEM_ACTOR });
    if (!r.ok) throw new UsageError(r.code, r.params);
    io.out(io.t.message(r.value.queued ? 'PDP.BREACH_QUEUED' : 'PDP.BREACH_ALREADY', { nip: nip.value.value }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

async function exportPerson(ctx: CommandContext, app: App, person: RosterRow, out: string | undefined): Promise<number> {
  const data = await buildPersonExport(app.ds, createFieldCipher(app.keys), person, app.ports.clock.now());
  const text = JSON.stringify(data, null, 2) + '\n';
  if (out === undefined) {
    ctx.io.out(text.trimEnd());
  } else {
    let fd: number;
    try {
      // wx: never overwrite (and never follow a planted link into) an existing file; 0600 from birth.
      fd = openSync(out, 'wx', 0o600);
    } catch (e) {
      throw new UsageError((e as NodeJS.ErrnoException).code === 'EEXIST' ? 'PDP.OUT_EXISTS' : 'PDP.OUT_UNWRITABLE', { path: out });
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    chmodSync(out, 0o600);
  }
  try {
    await app.auditLog.appendStandalone({ actor: SYSTEM_ACTOR, action: 'person.exported', subject: personActor(person.personId), outcome: out === undefined ? 'stdout' : 'file' });
  } catch (e) {
    // An export no audit row records must not stay behind.
    if (out !== undefined) rmSync(out, { force: true });
    throw e;
  }
  if (out !== undefined) {
    const count = (k: string): number => (Array.isArray(data[k]) ? (data[k] as unknown[]).length : 0);
    ctx.io.out(ctx.io.t.message('PDP.EXPORTED', { nip: person.nip ?? '', path: out, requests: count('requests'), certificates: count('certificates'), trail: count('trail') }));
  }
  return EXIT.ok;
}
