import { describe, it, expect } from 'vitest';
import { ConfigError, createConfig } from '../../cli/config.ts';

describe('Telegram and CA configuration', () => {
  it('defaults to long polling, the real Bot API and the manual BSrE workflow', () => {
    const c = createConfig({});
    expect(c.telegram).toEqual({ token: undefined, apiRoot: 'https://api.telegram.org', webhook: null });
    expect(c.ca).toBe('bsre-manual');
    expect(c.allowSandbox).toBe(false);
  });

  it.each([
    [{ RA_TELEGRAM_TOKEN: 'not-a-token' }, 'RA_TELEGRAM_TOKEN'],
    [{ RA_TELEGRAM_WEBHOOK_URL: 'http://ra.pontianak.go.id/telegram', RA_TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20) }, 'RA_TELEGRAM_WEBHOOK_URL'],
    [{ RA_TELEGRAM_WEBHOOK_URL: 'https://ra.pontianak.go.id/telegram' }, 'RA_TELEGRAM_WEBHOOK_SECRET'],
    [{ RA_TELEGRAM_WEBHOOK_URL: 'https://ra.pontianak.go.id/telegram', RA_TELEGRAM_WEBHOOK_SECRET: 'short' }, 'RA_TELEGRAM_WEBHOOK_SECRET'],
    [{ RA_CA: 'letsencrypt' }, 'RA_CA'],
    [{ RA_ALLOW_SANDBOX: 'yes' }, 'RA_ALLOW_SANDBOX'],
  ])('refuses %o with one line naming %s', (env, name) => {
    expect(() => createConfig(env)).toThrow(ConfigError);
    try { createConfig(env); } catch (e) {
      expect((e as Error).message).toContain(name);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('reads a webhook setup', () => {
    const c = createConfig({ RA_TELEGRAM_TOKEN: '123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', RA_TELEGRAM_WEBHOOK_URL: 'https://ra.pontianak.go.id/telegram', RA_TELEGRAM_WEBHOOK_SECRET: 'rahasia-webhook-0123456789' });
    expect(c.telegram.webhook).toEqual({ url: 'https://ra.pontianak.go.id/telegram', secret: 'rahasia-webhook-0123456789', port: 8081 });
  });
});
