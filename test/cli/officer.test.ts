import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { linesOf, runCli } from '../support/run-cli.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const t = createTemplates();
const DEMO_ROSTER = new URL('../../cli/demo/roster.csv', import.meta.url).pathname;
const RAHMAT = '198001012005011003';
/** Well-formed, but nobody on the demo roster. */
const STRANGER = '198505152010011001';

const root = makeTempDir('cli-officer');
const env = { RA_DATA_DIR: join(root, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64') };
const officer = (...args: string[]) => runCli(['officer', ...args], env);
const add = (flags: Record<string, string>) => officer('add', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]));
const valid = { 'telegram-id': '5550001', nip: RAHMAT, role: 'officer', appointment: '800/12/DISKOMINFO/2026' };

beforeAll(async () => {
  const r = await runCli(['roster', 'import', DEMO_ROSTER], env);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => removeTempDir(root));

/** Exit 2, nothing on stdout, exactly one `ra-desk: ` line on stderr with `message`. */
const refusedWith = (r: { code: number | null; stdout: string; stderr: string }, message: string): void => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(linesOf(r.stderr)).toEqual([`ra-desk: ${message}`]);
};

describe('ra-desk officer', () => {
  it('appoints an ASN on the roster', async () => {
    const r = await add(valid);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(t.message('OFFICER.ADDED', { telegramId: '5550001', role: 'officer' }));
  });

  it('refuses a NIP that is not on the roster, citing Pasal 9 ayat 4', async () => {
    refusedWith(await add({ ...valid, 'telegram-id': '5550009', nip: STRANGER }), t.message('OFFICER.NOT_ON_ROSTER'));
  });

  it('refuses a bad role, a username or non-numeric Telegram id, a missing appointment and unknown flags', async () => {
    const [role, letters, username, noAppointment, blankAppointment, unknownFlag, noAction, badNip] = await Promise.all([
      add({ ...valid, role: 'admin' }),
      add({ ...valid, 'telegram-id': '55500abc' }),
      add({ ...valid, 'telegram-id': '@budi' }),
      add({ 'telegram-id': valid['telegram-id'], nip: valid.nip, role: valid.role }),
      add({ ...valid, appointment: '   ' }),
      officer('add', '--telegram-id', '5550002', '--nip', RAHMAT, '--role', 'officer', '--appointment', 'SK-1', '--force'),
      officer('promote'),
      add({ ...valid, 'telegram-id': '5550003', nip: '19800101200501100' }),
    ]);
    refusedWith(role, t.message('OFFICER.BAD_ROLE', { given: 'admin' }));
    refusedWith(letters, t.message('OFFICER.BAD_TELEGRAM_ID'));
    refusedWith(username, t.message('OFFICER.BAD_TELEGRAM_ID'));
    refusedWith(noAppointment, t.message('CLI.FLAG_REQUIRED', { flag: '--appointment' }));
    refusedWith(blankAppointment, t.message('CLI.FLAG_REQUIRED', { flag: '--appointment' }));
    expect(unknownFlag.code).toBe(2);
    expect(linesOf(unknownFlag.stderr)).toEqual([expect.stringMatching(/^ra-desk: opsi tidak valid: .*--force/)]);
    refusedWith(noAction, t.message('OFFICER.USAGE'));
    refusedWith(badNip, t.message('NIP.BAD_LENGTH', { length: 17 }));
  });

  it('lists the officer as text and as JSON', async () => {
    const [text, json] = await Promise.all([officer('list'), officer('list', '--json')]);
    expect(text.code, text.stderr).toBe(0);
    expect(linesOf(text.stdout)).toEqual([
      t.message('OFFICER.LIST_LINE', { telegramId: '5550001', role: 'officer', nip: RAHMAT, appointmentRef: '800/12/DISKOMINFO/2026', state: 'aktif' }),
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{
      telegramId: '5550001', personId: expect.any(String), nip: RAHMAT, role: 'officer', appointmentRef: '800/12/DISKOMINFO/2026', active: true,
    }]);
  });

  it('removes the officer once; a second removal is refused', async () => {
    const first = await officer('remove', '--telegram-id', '5550001');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(t.message('OFFICER.REMOVED', { telegramId: '5550001' }));

    const [second, list] = await Promise.all([officer('remove', '--telegram-id', '5550001'), officer('list', '--json')]);
    refusedWith(second, t.message('OFFICER.NOT_FOUND'));
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ telegramId: '5550001', active: false })]);
  });
});
