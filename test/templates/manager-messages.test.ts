import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplates } from '../../templates/catalog.ts';

const t = createTemplates();
const codes = Object.keys(JSON.parse(readFileSync(fileURLToPath(new URL('../../templates/id/messages/manager.json', import.meta.url)), 'utf8')) as Record<string, string>);

/** Realistic values for every placeholder the Pengelola's and the uses step's messages take. */
const PARAMS = {
  name: 'Rina Wati', email: 'rina.wati@pontianak.go.id', masked: '6171********0001', reference: '800/45/DISKOMINFO/2026',
  telegramId: '123456789', nip: '198503122010011002', role: 'Petugas OP', appointmentRef: '800/12/DISKOMINFO/2026',
  state: '🟢', date: '2026-11-25', grantedAt: '2026-11-25T09:00:00.000Z', uses: 'Tanda tangan elektronik, SSL client',
};

describe('Pengelola and uses-step messages (templates/id/messages/manager.json)', () => {
  it.each(codes)('renders %s in Indonesian with realistic data', (code) => {
    const text = t.message(code, PARAMS);
    expect(text.trim().length).toBeGreaterThan(1);
    expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}/);
  });

  it('never asks for or shows a NIK in clear', () => {
    for (const code of codes) expect(t.message(code, PARAMS)).not.toMatch(/(?<!\d)\d{16}(?!\d)/);
  });
});
