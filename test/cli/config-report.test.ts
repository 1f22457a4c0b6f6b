import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../cli/config.ts';

describe('RA_REPORT_RECIPIENTS (Pasal 23(4))', () => {
  it('is empty by default, so --send is refused rather than mailing nobody', () => {
    expect(createConfig({}).reportRecipients).toEqual([]);
  });

  it('reads comma-separated addresses, trimmed and lower-cased', () => {
    expect(createConfig({ RA_REPORT_RECIPIENTS: ' Walikota@Pontianak.go.id, kepala@bssn.go.id ,' }).reportRecipients)
      .toEqual(['walikota@pontianak.go.id', 'kepala@bssn.go.id']);
  });

  it('names the variable when an entry is not an address', () => {
    expect(() => createConfig({ RA_REPORT_RECIPIENTS: 'walikota@pontianak.go.id; gubernur' })).toThrow(ConfigError);
    expect(() => createConfig({ RA_REPORT_RECIPIENTS: 'Gubernur Kalbar' })).toThrow(/RA_REPORT_RECIPIENTS/);
  });
});
