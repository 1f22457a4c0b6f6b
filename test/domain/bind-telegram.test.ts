import { describe, it, expect } from 'vitest';
import { confirmBinding, maskEmail, startBinding } from '../../domain/use-cases/bind-telegram.ts';
import { createFakeDesk, PEOPLE } from '../support/fake-ports.ts';

const TG = '777123456';

function desk() {
  const d = createFakeDesk();
  d.state.seedPerson(PEOPLE.siti);
  return d;
}

describe('binding a Telegram account to a roster person', () => {
  it('mails a code to the roster address (never to one typed in the chat) and binds with the right code', async () => {
    const d = desk();
    const start = await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.nip });
    expect(start).toEqual({ ok: true, value: { maskedEmail: maskEmail(PEOPLE.siti.email) } });
    expect(d.state.notifications.map((n) => [n.template, n.recipient])).toEqual([['otp-code', PEOPLE.siti.email]]);
    const done = await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '123456' });
    expect(done.ok).toBe(true);
    expect(await d.ports.telegramBindings.findByTelegramId(TG)).toMatchObject({ telegramId: TG });
  });

  it.each([
    ['free text', 'halo', 'BIND.BAD_IDENTIFIER'],
    ['a NIP not on the roster', '199211032019031004', 'BIND.NOT_FOUND'],
    ['an address not on the roster', 'orang@pontianak.go.id', 'BIND.NOT_FOUND'],
  ])('refuses %s', async (_what, identifier, code) => {
    const d = desk();
    const r = await startBinding(d.ports, { telegramId: TG, identifier });
    expect(r.ok ? null : r.code).toBe(code);
    expect(d.state.notifications).toHaveLength(0);
  });

  it('limits codes to three an hour per account', async () => {
    const d = desk();
    for (let i = 0; i < 3; i++) expect((await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.email })).ok).toBe(true);
    const fourth = await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.email });
    expect(fourth.ok ? null : fourth.code).toBe('BIND.RATE_LIMITED');
  });

  it('counts wrong codes and locks after five', async () => {
    const d = desk();
    await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.nip });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '000000' }));
    expect(results.map((r) => (r.ok ? 'ok' : `${r.code}:${r.params['left'] ?? ''}`))).toEqual([
      'BIND.WRONG_CODE:4', 'BIND.WRONG_CODE:3', 'BIND.WRONG_CODE:2', 'BIND.WRONG_CODE:1', 'BIND.TOO_MANY_ATTEMPTS:',
    ]);
    const right = await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '123456' });
    expect(right.ok ? null : right.code).toBe('BIND.TOO_MANY_ATTEMPTS');
    expect(await d.ports.telegramBindings.findByTelegramId(TG)).toBeNull();
  });

  it('refuses an expired code and a code that is not six digits', async () => {
    const d = desk();
    await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.nip });
    expect((await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '12345' })).ok).toBe(false);
    d.state.clock.advance(11 * 60_000);
    const late = await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '123456' });
    expect(late.ok ? null : late.code).toBe('BIND.EXPIRED');
  });

  it('audits each step without any address or NIP', async () => {
    const d = desk();
    await startBinding(d.ports, { telegramId: TG, identifier: PEOPLE.siti.nip });
    await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '999999' });
    await confirmBinding(d.ports, { telegramId: TG, chatId: TG, code: '123456' });
    expect(d.state.audit.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      'telegram.bind_start:code_sent', 'telegram.bind_confirm:refused:BIND.WRONG_CODE', 'telegram.bind_confirm:bound',
    ]);
    expect(JSON.stringify(d.state.audit)).not.toMatch(/@|199007252015032001/);
  });
});
