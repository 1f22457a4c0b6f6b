import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplates } from '../../templates/catalog.ts';
import { CANNED_ANSWERS } from '../../domain/help/canned-answers.ts';
import { INCIDENT_CATEGORIES } from '../../domain/incident/incident-category.ts';

const t = createTemplates();
const codes = Object.keys(JSON.parse(readFileSync(fileURLToPath(new URL('../../templates/id/messages/oversight.json', import.meta.url)), 'utf8')) as Record<string, string>);

/** Realistic values for every placeholder the oversight messages take (officer alerts, bot replies, CLI lines). */
const PARAMS = {
  ticketId: 'TK-2026-000045', id: 'TK-2026-000045', requestId: 'OP-2026-000123', name: 'Siti Aminah', subject: 'Token saya hilang bersama tas kerja',
  openedAt: '25 November 2026 pukul 09.00 WIB', round: 2, hours: 48, deadline: '28 November 2026 pukul 09.00 WIB', at: '25 November 2026 pukul 09.20 WIB',
  count: 4, category: 'Pasangan kunci privat dan sertifikat hilang', notice: '', first: '25 November 2026 pukul 13.00 WIB', resolution: '30 November 2026 pukul 09.00 WIB',
  forwarded: '', from: 'Gubernur', now: '2026-11-25T02:00:00.000Z', realerts: 2, pdpReminders: 0, slaBreaches: 1, incidents: 1, helpTickets: 3, given: 'kemarin',
  agency: 'Dinas Kesehatan', reason: 'QueryFailedError', year: 2026, individual: 20, position: 3, system: 0, total: 23, max: 20000, rank: 1, date: '25 November 2026', more: 3,
};

describe('oversight messages (templates/id/messages/oversight.json)', () => {
  it.each(codes)('renders %s in Indonesian with realistic data', (code) => {
    const text = t.message(code, PARAMS);
    expect(text.trim().length).toBeGreaterThan(1);
    expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}/);
  });

  it('has a title and a text for every canned answer, a label and a button for every category', () => {
    for (const c of CANNED_ANSWERS) for (const part of ['TITLE', 'TEXT']) expect(t.has(`CANNED.${c}.${part}`)).toBe(true);
    for (const c of INCIDENT_CATEGORIES) for (const part of ['CATEGORY', 'BTN']) expect(t.has(`INCIDENT.${part}.${c}`)).toBe(true);
    for (const c of INCIDENT_CATEGORIES) expect(t.has(`TG.incident-alert.${c}`)).toBe(true);
  });

  it('never asks for a passphrase in a canned answer; it warns against sending one', () => {
    for (const c of CANNED_ANSWERS) expect(t.message(`CANNED.${c}.TEXT`)).not.toMatch(/kirim(kan)? passphrase/i);
    expect(t.message('CANNED.passphrase_forgotten.TEXT')).toMatch(/Jangan pernah mengirim passphrase/);
  });
});
