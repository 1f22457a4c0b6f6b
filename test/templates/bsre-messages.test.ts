import { describe, expect, it } from 'vitest';
import { createTemplates } from '../../templates/catalog.ts';
import { BSRE_STEP_ACTOR, BSRE_STEPS } from '../../domain/certificates/bsre-steps.ts';
import { IMPORT_CODES } from '../../domain/use-cases/import-issued-certificate.ts';
import { TICK_CODES } from '../../domain/use-cases/track-bsre-steps.ts';

/**
 * bsre-manual (STYLE.md §10): every refusal of the steps and the import, every step label and every
 * reminder has Indonesian text that renders with the params the domain gives and shows no personal data.
 * The refusals are also produced by the domain itself in test/storage/ca/bsre-import.test.ts.
 */
const t = createTemplates();
const PARAMS = {
  requestId: 'OP-2026-000123', status: 'approved', step: 3, expected: 1, serial: '4f1a9c2b7d', reason: 'CERTFILE.MALFORMED',
  notBefore: '2026-11-26T03:00:00.000Z', notAfter: '2026-11-24T03:00:00.000Z', issuer: 'CN=BSrE Issuing CA, O=BSSN, C=ID', days: 3,
};

const readable = (code: string, params: Record<string, string | number> = PARAMS): string => {
  expect(t.has(code), `no message for ${code}`).toBe(true);
  const text = t.message(code, params);
  expect(text.trim().length).toBeGreaterThan(10);
  expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}|@|\d{16}/);
  return text;
};

describe('bsre-manual messages (templates/id/messages/bsre.json)', () => {
  it.each([...IMPORT_CODES, ...TICK_CODES])('explains %s in Indonesian', (code) => {
    readable(code);
  });

  it.each(BSRE_STEPS)('labels the step %s, and words its officer reminder', (step) => {
    readable(`BSRE.STEP.${step}`, {});
    expect(readable(`TG.bsre-stalled-officer.${step}`)).toContain('OP-2026-000123');
  });

  it.each(BSRE_STEPS.filter((s) => BSRE_STEP_ACTOR[s] === 'applicant'))('reminds the applicant of their own step %s, without asking for the passphrase', (step) => {
    const text = readable(`TG.bsre-stalled.${step}`);
    expect(text).toMatch(/3 hari/);
    expect(text).not.toMatch(/kirim(kan)? passphrase|beri(kan)? passphrase kepada petugas/i);
  });

  it('words the officer side of the bot', () => {
    readable('BOT.BSRE_TICKED', { id: 'OP-2026-000123', no: 2, step: t.message('BSRE.STEP.identity_form_done'), next: '3. …' });
    readable('BOT.BSRE_IMPORTED', { id: 'OP-2026-000123', serial: '4f1a9c2b7d', notAfter: '2028-11-25' });
    readable('BOT.BSRE_SEND_CERT', { id: 'OP-2026-000123' });
    readable('BOT.BSRE_BTN_TICK', { no: 1, step: t.message('BSRE.STEP.sent_to_bsre') });
    for (const code of ['BOT.BSRE_STEPS_TITLE', 'BOT.BSRE_BTN_UPLOAD', 'BOT.BTN_OPEN_REQUEST', 'BOT.BSRE_NEXT_UPLOAD', 'BOT.BSRE_SEND_ANOTHER']) expect(t.has(code)).toBe(true);
    readable('TG.bsre-forward');
    readable('BSRE.REMINDERS_DONE', { stalled: 2, applicants: 1, officers: 4, scanned: 7 });
  });
});
