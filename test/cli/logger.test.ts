import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../../cli/service/logger.ts';
import { PEOPLE } from '../support/storage-desk.ts';

const TOKEN = '7000000001:AAHemulatorTokenForRaDeskTests00000';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  let raw = '';
  const stream = new Writable({ write(chunk, _enc, done) { raw += String(chunk); done(); } });
  return { stream, raw: () => raw, lines: () => raw.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('service log (pino) redaction', () => {
  it('drops fields that hold secrets or bodies, and scrubs NIKs, tokens and URL credentials from every string', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    log.info({ event: 'x', nik: PEOPLE.siti.nik, token: TOKEN, body: 'isi surat', mail: { text: 'NIK: 1', password: 'rahasia' } }, 'pesan');
    log.error({ event: 'y', reason: `gagal untuk ${PEOPLE.andi.nik}`, url: 'imap://ra%40pontianak.go.id:rahasia@127.0.0.1:143/INBOX' }, `token ${TOKEN} dan NIK ${PEOPLE.budi.nik}`);
    log.warn(`tanpa objek ${PEOPLE.rahmat.nik}`);
    const raw = out.raw();
    for (const p of Object.values(PEOPLE)) expect(raw).not.toContain(p.nik);
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain('rahasia');
    expect(raw).not.toContain('isi surat');
    const [a, b, c] = out.lines();
    expect(a).toMatchObject({ level: 'info', service: 'ra-desk', event: 'x', nik: '[disunting]', token: '[disunting]', body: '[disunting]', msg: 'pesan' });
    expect(b).toMatchObject({ reason: 'gagal untuk [NIK]', url: 'imap://[KREDENSIAL]@127.0.0.1:143/INBOX', msg: 'token [TOKEN] dan NIK [NIK]' });
    expect(c).toMatchObject({ msg: 'tanpa objek [NIK]' });
  });

  it('leaves NIPs, request ids and officer ids alone', () => {
    expect(scrub(`NIP ${PEOPLE.siti.nip} OP-2026-000123 officer:5550001`)).toBe(`NIP ${PEOPLE.siti.nip} OP-2026-000123 officer:5550001`);
  });
});
