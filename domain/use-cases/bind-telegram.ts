import { ok, refuse, type Result } from '../shared/result.ts';
import { normaliseEmail } from '../shared/email.ts';
import { parseNip } from '../identity/nip.ts';
import { personActor, SYSTEM_ACTOR } from '../audit/audit-event.ts';
import { isSixDigitCode, OTP_MAX_ATTEMPTS, OTP_MAX_PER_HOUR, OTP_TTL_MS } from '../telegram/binding.ts';
import type { DeskPorts } from './desk-ports.ts';
import { limitSubject, takeAllowance, type LimitCode } from './take-allowance.ts';

export type StartBindingCode = 'BIND.BAD_IDENTIFIER' | 'BIND.NOT_FOUND' | 'BIND.RATE_LIMITED' | LimitCode;
export type ConfirmBindingCode = 'BIND.NO_CHALLENGE' | 'BIND.EXPIRED' | 'BIND.TOO_MANY_ATTEMPTS' | 'BIND.WRONG_CODE' | 'BIND.BAD_CODE' | LimitCode;

/** `s***i@pontianak.go.id`: enough for the person to recognise their address, not enough to harvest it. */
export const maskEmail = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***${local.length > 1 ? local.slice(-1) : ''}@${domain}`;
};

/**
 * Step 1 of binding a Telegram account (bot `/start`): the person names their NIP or dinas address, and
 * a one-time code goes to the dinas address on the roster — never to an address typed in the chat.
 */
export async function startBinding(p: DeskPorts, input: { telegramId: string; identifier: string }): Promise<Result<{ maskedEmail: string }, StartBindingCode>> {
  const text = input.identifier.trim();
  const nip = parseNip(text);
  const email = text.includes('@') ? normaliseEmail(text) : null;
  if (!nip.ok && !email) return refuse('BIND.BAD_IDENTIFIER');
  // Abuse limit per Telegram user on top of the 3 codes an hour: every lookup counts, found or not, so
  // the roster cannot be probed by trying addresses (a typo that is no NIP or address does not count).
  // A token taken is bookkeeping: lost to a power cut, it is simply not counted.
  const allowance = await p.uow.run((tx) => takeAllowance(p, 'otp', limitSubject('telegram', input.telegramId), tx), { durability: 'relaxed' });
  if (!allowance.ok) return allowance;
  const person = nip.ok ? await p.roster.findByNip(nip.value.value) : await p.roster.findByEmail(email!);
  const now = p.clock.now();
  if (!person || !person.active) {
    await p.uow.run((tx) => p.audit.append({ actor: SYSTEM_ACTOR, action: 'telegram.bind_start', subject: `telegram:${input.telegramId}`, outcome: 'refused:BIND.NOT_FOUND' }, tx));
    return refuse('BIND.NOT_FOUND');
  }
  return p.uow.run(async (tx) => {
    const recent = await p.telegramBindings.challengesSince(input.telegramId, new Date(now.getTime() - 3_600_000).toISOString(), tx);
    if (recent >= OTP_MAX_PER_HOUR) return refuse('BIND.RATE_LIMITED', { minutes: 60 });
    const code = p.codes.generate();
    await p.telegramBindings.saveChallenge({
      telegramId: input.telegramId, personId: person.personId, codeHash: p.codes.hash(input.telegramId, code),
      expiresAt: new Date(now.getTime() + OTP_TTL_MS).toISOString(), attempts: 0, createdAt: now.toISOString(),
    }, tx);
    await p.notifier.enqueue({
      dedupeKey: `otp:${input.telegramId}:${now.getTime()}`, channel: 'email', recipient: person.email,
      template: 'otp-code', model: { code, name: person.name },
    }, tx);
    await p.audit.append({ actor: personActor(person.personId), action: 'telegram.bind_start', subject: `telegram:${input.telegramId}`, outcome: 'code_sent' }, tx);
    return ok({ maskedEmail: maskEmail(person.email) });
  });
}

/** Step 2: the code from the mail binds the account (10 minutes, 5 tries; every outcome audited). */
export async function confirmBinding(p: DeskPorts, input: { telegramId: string; chatId: string; code: string }): Promise<Result<{ personId: string; name: string }, ConfirmBindingCode>> {
  if (!isSixDigitCode(input.code)) return refuse('BIND.BAD_CODE');
  const now = p.clock.now();
  const subject = `telegram:${input.telegramId}`;
  return p.uow.run(async (tx) => {
    // Abuse limit across challenges (each allows 5 tries); refused, the try is not counted or audited.
    const allowance = await takeAllowance(p, 'otp', limitSubject('telegram', input.telegramId), tx);
    if (!allowance.ok) return allowance;
    const challenge = await p.telegramBindings.latestChallenge(input.telegramId, tx);
    const fail = async (code: ConfirmBindingCode, params: Record<string, number> = {}) => {
      await p.audit.append({ actor: SYSTEM_ACTOR, action: 'telegram.bind_confirm', subject, outcome: `refused:${code}` }, tx);
      return refuse(code, params);
    };
    if (!challenge || challenge.usedAt) return fail('BIND.NO_CHALLENGE');
    if (challenge.expiresAt < now.toISOString()) return fail('BIND.EXPIRED');
    if (challenge.attempts >= OTP_MAX_ATTEMPTS) return fail('BIND.TOO_MANY_ATTEMPTS');
    if (challenge.codeHash !== p.codes.hash(input.telegramId, input.code.trim())) {
      const left = OTP_MAX_ATTEMPTS - challenge.attempts - 1;
      await p.telegramBindings.recordAttempt(challenge.id, tx);
      return left > 0 ? fail('BIND.WRONG_CODE', { left }) : fail('BIND.TOO_MANY_ATTEMPTS');
    }
    await p.telegramBindings.markUsed(challenge.id, now.toISOString(), tx);
    await p.telegramBindings.bind({ telegramId: input.telegramId, chatId: input.chatId, personId: challenge.personId, boundAt: now.toISOString() }, tx);
    await p.audit.append({ actor: personActor(challenge.personId), action: 'telegram.bind_confirm', subject, outcome: 'bound' }, tx);
    const person = await p.roster.findByPersonId(challenge.personId, tx);
    return ok({ personId: challenge.personId, name: person?.name ?? '' });
  });
}
