import { InlineKeyboard } from 'grammy';
import { DeskComposer } from '../desk-composer.ts';
import type { BotContext } from '../context.ts';
import type { CaseRecord } from '../../domain/requests/case-record.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';
import { BSRE_STEPS, nextStep, stepKey, type BsreStep } from '../../domain/certificates/bsre-steps.ts';
import { stepNo, tickBsreStep } from '../../domain/use-cases/track-bsre-steps.ts';
import { importIssuedCertificate } from '../../domain/use-cases/import-issued-certificate.ts';
import { refuseNonOfficer } from './officer-guard.ts';

/** A certificate file is a few kilobytes (storage/ca/certificate-file.ts takes up to 1 MiB). */
const MAX_CERT_BYTES = 1024 * 1024;

const isAtBsre = (c: CaseRecord): boolean => (c.kind === 'issuance' || c.kind === 'renewal') && c.status === 'submitted_to_ca';

/** The button for the next step, then the upload: the officer works down the list. */
function stepButtons(ctx: BotContext, requestId: string, next: BsreStep | null, k: InlineKeyboard = new InlineKeyboard()): InlineKeyboard {
  if (next) k.text(ctx.say('BOT.BSRE_BTN_TICK', { no: stepNo(next), step: ctx.say(`BSRE.STEP.${next}`) }), `bsre:${stepNo(next)}:${requestId}`).row();
  return k.text(ctx.say('BOT.BSRE_BTN_UPLOAD'), `bsreup:${requestId}`);
}

/**
 * For the request card (`open:<id>` in officer.ts): the BSrE steps of a request waiting at BSrE, ticked
 * or not, and the buttons for the next step and the upload. Empty for any other request.
 */
export function bsreCard(ctx: BotContext, c: CaseRecord, k: InlineKeyboard): string {
  if (!isAtBsre(c)) return '';
  const lines = BSRE_STEPS.map((s) => {
    const at = c.details[stepKey(s)];
    return `${at ? '✅' : '⬜'} ${stepNo(s)}. ${ctx.say(`BSRE.STEP.${s}`)}${at ? ` (${at.slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
  });
  stepButtons(ctx, c.id, nextStep(c.details), k.row());
  return `\n\n${ctx.say('BOT.BSRE_STEPS_TITLE')}\n${lines.join('\n')}`;
}

/**
 * BSrE by hand (RA_CA=bsre-manual): officers tick off each step at BSrE in order, then upload the
 * certificate BSrE issued; ra-desk checks it is the applicant's and chains to BSrE before the applicant
 * receives it. Anyone else pressing these buttons is refused and audited.
 */
export const officerBsre = new DeskComposer<BotContext>();

officerBsre.callbackQuery(/^bsre:(\d):(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'bsre.step')) return;
  ctx.acknowledge();
  const [, no, id] = ctx.match as unknown as [string, string, string];
  const step = BSRE_STEPS[Number(no) - 1] ?? '-';
  const r = await tickBsreStep(ctx.desk.ports, { requestId: isCaseId(id) ? id : '-', officerTelegramId: String(ctx.from.id), step });
  if (!r.ok) return void (await ctx.reply(ctx.say(r.code, r.params)));
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  const next = r.value.next;
  await ctx.reply(ctx.say('BOT.BSRE_TICKED', {
    id: r.value.requestId, no: stepNo(r.value.step), step: ctx.say(`BSRE.STEP.${r.value.step}`),
    next: next ? `${stepNo(next)}. ${ctx.say(`BSRE.STEP.${next}`)}` : ctx.say('BOT.BSRE_NEXT_UPLOAD'),
  }), { reply_markup: stepButtons(ctx, r.value.requestId, next) });
});

officerBsre.callbackQuery(/^bsreup:(.+)$/, async (ctx) => {
  if (await refuseNonOfficer(ctx, 'certificate.import')) return;
  ctx.acknowledge();
  const id = ctx.match[1]!;
  const c = isCaseId(id) ? await ctx.desk.ports.cases.get(id) : null;
  if (!c || !isAtBsre(c)) return void (await ctx.reply(ctx.say('CERTIMPORT.NOT_WAITING', { requestId: isCaseId(id) ? id : '?', status: c?.status ?? '-' })));
  ctx.conversation = { step: 'bsre_upload', requestId: c.id };
  await ctx.reply(ctx.say('BOT.BSRE_SEND_CERT', { id: c.id }));
});

officerBsre.on('message:document', async (ctx, next) => {
  const c = ctx.conversation;
  if (c.step !== 'bsre_upload') return next();
  if (await refuseNonOfficer(ctx, 'certificate.import')) {
    ctx.conversation = { step: 'idle' };
    return;
  }
  if ((ctx.message.document.file_size ?? 0) > MAX_CERT_BYTES) return void (await ctx.reply(ctx.say('CERTIMPORT.UNREADABLE', { requestId: c.requestId, reason: 'CERTFILE.MALFORMED' })));
  const file = await ctx.getFile();
  const bytes = await ctx.desk.download(file.file_path ?? '');
  const r = await importIssuedCertificate(ctx.desk.ports, ctx.desk.verifier, { requestId: c.requestId, officerTelegramId: String(ctx.from.id), bytes });
  if (!r.ok) {
    // A file with a private key in it does not stay in the chat (Pasal 20).
    if (r.code === 'CERTIMPORT.PRIVATE_KEY') await ctx.deleteMessage().catch(() => undefined);
    // Still waiting for the right file: the officer may send another one.
    return void (await ctx.reply(`${ctx.say(r.code, r.params)}\n${ctx.say('BOT.BSRE_SEND_ANOTHER')}`));
  }
  ctx.conversation = { step: 'idle' };
  await ctx.reply(ctx.say('BOT.BSRE_IMPORTED', { id: r.value.requestId, serial: r.value.serial, notAfter: r.value.notAfter.slice(0, 10) }));
});
