import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../cli/config.ts';

describe('createConfig: abuse limits (RA_LIMIT_*_PER_HOUR)', () => {
  it('defaults to 60 requests, 20 code steps and 120 uploads an hour per sender', () => {
    expect(createConfig({}).limits).toEqual({ request: { perHour: 60 }, otp: { perHour: 20 }, upload: { perHour: 120 } });
  });

  it('reads each limit, 0 turning it off', () => {
    expect(createConfig({ RA_LIMIT_REQUESTS_PER_HOUR: '5', RA_LIMIT_OTP_PER_HOUR: '0', RA_LIMIT_UPLOADS_PER_HOUR: '30' }).limits)
      .toEqual({ request: { perHour: 5 }, otp: { perHour: 0 }, upload: { perHour: 30 } });
  });

  it.each(['-1', 'banyak', '1.5', '100001'])('refuses RA_LIMIT_REQUESTS_PER_HOUR=%s with a message naming the variable', (value) => {
    expect(() => createConfig({ RA_LIMIT_REQUESTS_PER_HOUR: value })).toThrow(ConfigError);
    expect(() => createConfig({ RA_LIMIT_REQUESTS_PER_HOUR: value })).toThrow(/RA_LIMIT_REQUESTS_PER_HOUR/);
  });
});
