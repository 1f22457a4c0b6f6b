import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../cli/config.ts';

/** RA_INCIDENT_RECIPIENTS, RA_BSRE_SUPPORT_EMAIL and the help-ticket SLA (Pasal 9(7), 22, 24). */
describe('oversight configuration', () => {
  it('defaults to no addressees, a 4-hour first response and 24-hour resolution, Monday–Friday 08:00–16:00 in RA_TIMEZONE', () => {
    expect(createConfig({}).oversight).toEqual({
      incidentRecipients: [], bsreSupportEmail: null, firstResponseHours: 4, resolutionHours: 24,
      officeHours: { timeZone: 'Asia/Pontianak', openMinute: 480, closeMinute: 960, days: [1, 2, 3, 4, 5], holidays: [] },
    });
  });

  it('reads tagged and plain addressees, the BSrE address, the SLA and office hours', () => {
    const c = createConfig({
      RA_INCIDENT_RECIPIENTS: ' walikota:Walikota@Pontianak.go.id, gubernur:gubernur@kalbarprov.go.id,bssn:kepala@bssn.go.id , bsre:kepala@bsre.id, persandian@pontianak.go.id',
      RA_BSRE_SUPPORT_EMAIL: 'layanan@bsre.id', RA_SLA_FIRST_RESPONSE_HOURS: '2', RA_SLA_RESOLUTION_HOURS: '16',
      RA_OFFICE_HOURS: '07:30-15:30', RA_OFFICE_DAYS: '5,1,2,3,4,6', RA_TIMEZONE: 'Asia/Jakarta', RA_HOLIDAYS: '2027-01-01,2026-12-25',
    });
    expect(c.oversight).toEqual({
      incidentRecipients: [
        { role: 'walikota', address: 'walikota@pontianak.go.id' }, { role: 'gubernur', address: 'gubernur@kalbarprov.go.id' },
        { role: 'bssn', address: 'kepala@bssn.go.id' }, { role: 'bsre', address: 'kepala@bsre.id' }, { role: null, address: 'persandian@pontianak.go.id' },
      ],
      bsreSupportEmail: 'layanan@bsre.id', firstResponseHours: 2, resolutionHours: 16,
      officeHours: { timeZone: 'Asia/Jakarta', openMinute: 450, closeMinute: 930, days: [1, 2, 3, 4, 5, 6], holidays: ['2026-12-25', '2027-01-01'] },
    });
  });

  it.each([
    ['RA_INCIDENT_RECIPIENTS', 'walikota'],
    ['RA_INCIDENT_RECIPIENTS', 'presiden:presiden@setneg.go.id'],
    ['RA_INCIDENT_RECIPIENTS', 'walikota@pontianak.go.id; gubernur@kalbarprov.go.id'],
    ['RA_BSRE_SUPPORT_EMAIL', 'bsre'],
    ['RA_SLA_FIRST_RESPONSE_HOURS', '0'],
    ['RA_SLA_RESOLUTION_HOURS', 'satu hari'],
    ['RA_OFFICE_HOURS', '16:00-08:00'],
    ['RA_OFFICE_HOURS', '8-16'],
    ['RA_OFFICE_DAYS', '0,1'],
    ['RA_OFFICE_DAYS', 'Senin-Jumat'],
    ['RA_HOLIDAYS', '2026-02-30'],
    ['RA_HOLIDAYS', '25/12/2026'],
  ])('refuses %s=%j with one line that names the variable', (name, value) => {
    let error: unknown;
    try {
      createConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid ${name}: `));
    expect((error as Error).message).not.toMatch(/[\r\n]/);
  });
});
