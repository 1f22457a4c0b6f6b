import { randomBytes } from 'node:crypto';
import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext, ManagerAction } from '../context.ts';
import { requireManager } from '../../domain/use-cases/manager-authority.ts';
import { addOfficer, checkAppointment, checkRemoval, removeOfficer } from '../../domain/use-cases/manage-officers.ts';
import { allowOutsider, checkOutsider, revokeOutsider } from '../../domain/use-cases/allow-outsider.ts';
import { parseEmail } from '../../domain/shared/email.ts';
import type { Actor } from '../../domain/audit/audit-event.ts';

/** Indonesian role words a Pengelola may type, besides the role codes themselves. */
const ROLE_WORDS: Readonly<Record<string, string>> = { petugas: 'officer', pengelola: 'manager', admin: 'agency_admin' };

/** The audit action of each confirmed step, also used for a refused attempt. */
const ACTION: Readonly<Record<ManagerAction['kind'], string>> = {
  appoint: 'officer.add', remove: 'officer.remove', allow: 'outsider.allow', revoke: 'outsider.revoke',
};

const words = (s: string): string[] => s.trim().split(/\s+/).filter(Boolean);
const fromId = (ctx: BotContext): string => String(ctx.from?.id ?? '');

/** The Pengelola's audit actor; anyone else is refused (and audited, in the use case), by numeric id only. */
async function asManager(ctx: BotContext, action: string): Promise<Actor | null> {
  const who = await requireManager(ctx.desk.ports, fromId(ctx), action);
  if (who.ok) return who.value;
  // A crafted callback may carry an id Telegram will not let us answer; the refusal is said in the chat anyway.
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.say(who.code), show_alert: true }).catch(() => undefined);
  await ctx.reply(ctx.say(who.code));
  return null;
}

async function confirm(ctx: BotContext, action: ManagerAction, text: string): Promise<void> {
  const token = randomBytes(6).toString('hex');
  ctx.conversation = { step: 'manager_confirm', token, action };
  const k = new InlineKeyboard().text(ctx.say('MANAGER.BTN_YES'), `mgr:yes:${token}`).text(ctx.say('MANAGER.BTN_NO'), `mgr:no:${token}`);
  await ctx.reply(text, { reply_markup: k });
}

/**
 * `/izinkan <e-mail> <NIK> <nomor surat> <nama…>`: the Pengelola allows a "pihak lain" (Pasal 13(1)c).
 * Mounted before the secrets guard, because this message carries a NIK by design: it is deleted at once,
 * whoever sent it, and the NIK is echoed masked only.
 */
export const allowOutsiderCommand = new DeskComposer<BotContext>();

allowOutsiderCommand.command('izinkan', async (ctx) => {
  await ctx.deleteMessage().catch(() => undefined);
  if (!(await asManager(ctx, ACTION.allow))) return;
  // The confirmation shows a name, an address and a masked NIK: not for a group's members.
  if (ctx.chat?.type !== 'private') return void (await ctx.reply(ctx.say('MANAGER.PRIVATE_ONLY')));
  const [email, ...rest] = words(ctx.match);
  if (!email || rest.length === 0) return void (await ctx.reply(ctx.say('MANAGER.USAGE_ALLOW')));
  // A NIK copied from a form may come in groups of digits ("6171 0265 …").
  let i = 0;
  let nik = '';
  while (i < rest.length && /^\d+$/.test(rest[i]!) && nik.length < 16) nik += rest[i++];
  if (!nik && rest.length > 0) nik = rest[i++]!;
  const fields = { email, nik, reference: rest[i] ?? '', name: rest.slice(i + 1).join(' ') };
  const draft = await checkOutsider(ctx.desk.ports, fields);
  if (!draft.ok) return void (await ctx.reply(ctx.say(draft.code, draft.params)));
  const d = draft.value;
  await confirm(ctx, { kind: 'allow', email: d.email, nikSealed: ctx.desk.seal(nik), name: d.name, reference: d.reference },
    ctx.say('MANAGER.CONFIRM_ALLOW', { name: d.name, email: d.email, masked: d.maskedNik, reference: d.reference }));
});

/**
 * The Pengelola's tools (Pasal 8(2), 9(4), 13(1)c): list, appoint and remove officers, list and revoke
 * permits of "pihak lain", each change confirmed with a button. Every refusal is audited.
 */
export const manager = new DeskComposer<BotContext>();

manager.command('petugas', async (ctx) => {
  if (!(await asManager(ctx, 'officer.list'))) return;
  const officers = await ctx.desk.ports.officers.list();
  if (officers.length === 0) return void (await ctx.reply(ctx.say('MANAGER.OFFICERS_EMPTY')));
  const lines = [];
  for (const o of officers) {
    const person = await ctx.desk.ports.roster.findByPersonId(o.personId);
    lines.push(ctx.say('MANAGER.OFFICER_LINE', {
      state: ctx.say(o.active ? 'MANAGER.STATE_ACTIVE' : 'MANAGER.STATE_INACTIVE'), name: person?.name ?? '-',
      role: ctx.say(`MANAGER.ROLE_${o.role}`), telegramId: o.telegramId, nip: o.nip, appointmentRef: o.appointmentRef,
    }));
  }
  await ctx.reply(`${ctx.say('MANAGER.OFFICERS_TITLE')}\n\n${lines.join('\n')}`);
});

manager.command('angkat', async (ctx) => {
  if (!(await asManager(ctx, ACTION.appoint))) return;
  const [telegramId, nip, role, ...ref] = words(ctx.match);
  if (!telegramId || !nip || !role) return void (await ctx.reply(ctx.say('MANAGER.USAGE_APPOINT')));
  const checked = await checkAppointment(ctx.desk.ports, { telegramId, nip, role: ROLE_WORDS[role.toLowerCase()] ?? role, appointmentRef: ref.join(' ') });
  if (!checked.ok) return void (await ctx.reply(ctx.say(checked.code, checked.params)));
  const { officer, name } = checked.value;
  await confirm(ctx, { kind: 'appoint', telegramId: officer.telegramId, nip: officer.nip, role: officer.role, appointmentRef: officer.appointmentRef },
    ctx.say('MANAGER.CONFIRM_APPOINT', { name, nip: officer.nip, telegramId: officer.telegramId, role: ctx.say(`MANAGER.ROLE_${officer.role}`), appointmentRef: officer.appointmentRef }));
});

manager.command('berhentikan', async (ctx) => {
  if (!(await asManager(ctx, ACTION.remove))) return;
  const [telegramId] = words(ctx.match);
  if (!telegramId) return void (await ctx.reply(ctx.say('MANAGER.USAGE_REMOVE')));
  const checked = await checkRemoval(ctx.desk.ports, telegramId);
  if (!checked.ok) return void (await ctx.reply(ctx.say(checked.code, checked.params)));
  const o = checked.value;
  const person = await ctx.desk.ports.roster.findByPersonId(o.personId);
  await confirm(ctx, { kind: 'remove', telegramId: o.telegramId },
    ctx.say('MANAGER.CONFIRM_REMOVE', { name: person?.name ?? '-', telegramId: o.telegramId, role: ctx.say(`MANAGER.ROLE_${o.role}`) }));
});

manager.command('pihaklain', async (ctx) => {
  if (!(await asManager(ctx, 'outsider.list'))) return;
  const permits = await ctx.desk.ports.permits.list();
  if (permits.length === 0) return void (await ctx.reply(ctx.say('MANAGER.PERMITS_EMPTY')));
  const lines = permits.map((p) => ctx.say('MANAGER.PERMIT_LINE', { name: p.name || '-', email: p.email, reference: p.reference, date: p.grantedAt.slice(0, 10) }));
  await ctx.reply(`${ctx.say('MANAGER.PERMITS_TITLE')}\n${lines.join('\n')}`);
});

manager.command('cabutizin', async (ctx) => {
  if (!(await asManager(ctx, ACTION.revoke))) return;
  const [given] = words(ctx.match);
  if (!given) return void (await ctx.reply(ctx.say('MANAGER.USAGE_REVOKE')));
  const email = parseEmail(given);
  if (!email.ok) return void (await ctx.reply(ctx.say(email.code, email.params)));
  const permit = await ctx.desk.ports.permits.findByEmail(email.value);
  if (!permit) return void (await ctx.reply(ctx.say('OUTSIDER.NOT_FOUND')));
  await confirm(ctx, { kind: 'revoke', email: permit.email }, ctx.say('MANAGER.CONFIRM_REVOKE', { name: permit.name || '-', email: permit.email }));
});

manager.callbackQuery(/^mgr:(yes|no):([0-9a-f]{1,32})$/, async (ctx) => {
  const c = ctx.conversation;
  const action = c.step === 'manager_confirm' && c.token === ctx.match[2] ? c.action : null;
  // Checked again at the press: the presser may not be the one who asked, or may have been removed since.
  const actor = await asManager(ctx, action ? ACTION[action.kind] : 'manager.confirm');
  if (!actor) return;
  ctx.acknowledge();
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  if (!action) return void (await ctx.reply(ctx.say('MANAGER.EXPIRED')));
  ctx.conversation = { step: 'idle' };
  if (ctx.match[1] === 'no') return void (await ctx.reply(ctx.say('MANAGER.CANCELLED')));
  await ctx.reply(await carryOut(ctx, action, actor));
});

/** Runs a confirmed action through its use case and renders the outcome. */
async function carryOut(ctx: BotContext, a: ManagerAction, actor: Actor): Promise<string> {
  const p = ctx.desk.ports;
  switch (a.kind) {
    case 'appoint': {
      const r = await addOfficer(p, { ...a, actor });
      if (!r.ok) return ctx.say(r.code, r.params);
      const person = await p.roster.findByPersonId(r.value.personId);
      return ctx.say('MANAGER.APPOINTED', { name: person?.name ?? '-', role: ctx.say(`MANAGER.ROLE_${r.value.role}`), telegramId: r.value.telegramId });
    }
    case 'remove': {
      const o = await p.officers.findByTelegramId(a.telegramId);
      const person = o ? await p.roster.findByPersonId(o.personId) : null;
      const r = await removeOfficer(p, a.telegramId, actor);
      return r.ok ? ctx.say('MANAGER.REMOVED', { name: person?.name ?? '-', telegramId: a.telegramId }) : ctx.say(r.code, r.params);
    }
    case 'allow': {
      const r = await allowOutsider(p, { email: a.email, nik: ctx.desk.unseal(a.nikSealed), name: a.name, reference: a.reference, managerTelegramId: fromId(ctx) });
      return r.ok ? ctx.say('MANAGER.ALLOWED', { name: r.value.name, email: r.value.email, masked: r.value.maskedNik }) : ctx.say(r.code, r.params);
    }
    case 'revoke': {
      const r = await revokeOutsider(p, { email: a.email, managerTelegramId: fromId(ctx) });
      return r.ok ? ctx.say('MANAGER.REVOKED', { email: a.email }) : ctx.say(r.code, r.params);
    }
  }
}
