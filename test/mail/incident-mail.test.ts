import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV } from '../support/mail-harness.ts';
import { OFFICERS, PEOPLE, seedDesk, seedPendingRequests } from '../support/storage-desk.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createConfig } from '../../cli/config.ts';
import { openApp } from '../../cli/app.ts';
import { OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';

describe('an incident reported by mail (Pasal 24)', () => {
  it('opens an incident with the category the words suggest and alerts the officers, but writes to no authority on a keyword alone', async () => {
    const dir = makeTempDir('ra-incident-mail-');
    try {
      const env = {
        RA_DATA_DIR: join(dir, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_MAIL_AUTHSERV_ID: AUTHSERV,
        // Rahmat stands in for the Walikota: an addressee with a city address, who may also apply or ask like anyone.
        RA_INCIDENT_RECIPIENTS: `walikota:${PEOPLE.rahmat.email},gubernur:gubernur@kalbarprov.go.id`,
      };
      const csv = join(dir, 'roster.csv');
      writeFileSync(csv, `nip,nik,name,email,agency,position,superior_nip\n${[PEOPLE.siti, PEOPLE.rahmat, PEOPLE.andi].map((p) => `${p.nip},${p.nik},${p.name},${p.email},Dinas Kesehatan,Analis,`).join('\n')}\n`);
      expect((await runCli(['roster', 'import', csv], env)).code).toBe(0);
      for (const [name, id] of [['rahmat', OFFICERS.rahmat], ['andi', OFFICERS.andi]] as const) {
        const r = await runCli(['officer', 'add', '--telegram-id', id, '--nip', PEOPLE[name].nip, '--role', 'officer', '--appointment', `800/${id}/2026`], env);
        expect(r.code, r.stderr).toBe(0);
      }
      const file = join(dir, 'insiden.eml');
      writeFileSync(file, await applicationMail({
        from: PEOPLE.siti.email, subject: 'Laporan insiden keamanan', messageId: '<insiden@pontianak.go.id>',
        text: 'Yth. Petugas OP,\n\nAda surat yang ditandatangani dengan sertifikat saya tanpa izin saya.\n\nSiti',
        authResults: { serverId: AUTHSERV, result: 'pass' },
      }));
      const r = await runCli(['mail', 'ingest', file], env);
      expect(r.code, r.stderr).toBe(0);
      const app = await openApp(createConfig(env));
      try {
        const [ticket] = await app.ds.getRepository(RequestSchema).find({ where: { kind: 'incident' } });
        expect(JSON.parse(ticket!.details)).toMatchObject({ category: 'authenticity' });
        const rows = await app.ds.getRepository(OutboxSchema).find();
        expect(rows.filter((o) => o.template === 'incident-alert').map((o) => o.recipient).sort()).toEqual([OFFICERS.andi, OFFICERS.rahmat].sort());
        expect(rows.filter((o) => o.template === 'incident-report')).toHaveLength(0);
        expect(rows.filter((o) => o.template === 'ticket-received').map((o) => o.recipient)).toEqual([PEOPLE.siti.email]);
      } finally {
        await app.close();
      }
      // The Governor answers on the report's thread; later writes with no thread at all. Neither is answered.
      const reply = async (id: string, subject: string) => {
        const f = join(dir, `${id}.eml`);
        writeFileSync(f, await applicationMail({
          from: 'gubernur@kalbarprov.go.id', subject, messageId: `<${id}@kalbarprov.go.id>`, text: 'Laporan diterima, mohon perkembangannya.',
          authResults: { serverId: AUTHSERV, result: 'pass' },
        }));
        return runCli(['mail', 'ingest', f], env);
      };
      const app2 = await openApp(createConfig(env));
      const [incident] = await app2.ds.getRepository(RequestSchema).find({ where: { kind: 'incident' } });
      await app2.close();
      expect((await reply('gub-1', `Re: [${incident!.id}] Laporan insiden keamanan`)).stdout).toContain('authority_reply');
      expect((await reply('gub-2', 'Undangan rapat koordinasi')).stdout).toContain('authority_no_thread');
      const own = join(dir, 'walikota-help.eml');
      writeFileSync(own, await applicationMail({
        from: PEOPLE.rahmat.email, subject: 'Mohon bantuan: gagal tanda tangan', messageId: '<wk-1@pontianak.go.id>', text: 'Aplikasi menolak sertifikat saya.',
        authResults: { serverId: AUTHSERV, result: 'pass' },
      }));
      expect((await runCli(['mail', 'ingest', own], env)).stdout).toMatch(/ticket TK-\d{4}-\d{6}/);
      const app3 = await openApp(createConfig(env));
      try {
        const rows = await app3.ds.getRepository(OutboxSchema).find();
        expect(rows.filter((o) => o.recipient === 'gubernur@kalbarprov.go.id')).toHaveLength(0);
        expect(rows.filter((o) => o.template === 'authority-reply').map((o) => o.recipient).sort()).toEqual([OFFICERS.andi, OFFICERS.rahmat].sort());
      } finally {
        await app3.close();
      }
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('a needs inventory by mail (Pasal 10(2)-(3))', () => {
  it('records an agency admin\'s counts for their agency and answers; a colleague who is no admin is told why, nothing recorded', async () => {
    const dir = makeTempDir('ra-needs-mail-');
    try {
      const env = { RA_DATA_DIR: join(dir, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_MAIL_AUTHSERV_ID: AUTHSERV };
      const csv = join(dir, 'roster.csv');
      writeFileSync(csv, `nip,nik,name,email,agency,position,superior_nip\n${[PEOPLE.siti, PEOPLE.budi].map((p) => `${p.nip},${p.nik},${p.name},${p.email},Dinas Kesehatan,Analis,`).join('\n')}\n`);
      expect((await runCli(['roster', 'import', csv], env)).code).toBe(0);
      expect((await runCli(['officer', 'add', '--telegram-id', '5550010', '--nip', PEOPLE.siti.nip, '--role', 'agency_admin', '--appointment', '800/10/2026'], env)).code).toBe(0);
      const mail = async (from: string, id: string) => {
        const file = join(dir, `${id}.eml`);
        writeFileSync(file, await applicationMail({
          from, subject: 'Identifikasi kebutuhan sertifikat elektronik 2026', messageId: `<${id}@pontianak.go.id>`,
          text: 'Yth. Pengelola,\n\nIndividu: 20\nJabatan: 3\nSistem elektronik: 0\n\nTerima kasih.', authResults: { serverId: AUTHSERV, result: 'pass' },
        }));
        return runCli(['mail', 'ingest', file], env);
      };
      expect((await mail(PEOPLE.siti.email, 'needs-1')).stdout).toContain('needs_inventory');
      expect((await mail(PEOPLE.budi.email, 'needs-2')).stdout).toContain('NEEDS.NOT_AGENCY_ADMIN');
      const app = await openApp(createConfig(env));
      try {
        const rows = await app.ds.query('SELECT agency, individual, position, system FROM needs_inventory') as unknown[];
        expect(rows).toEqual([{ agency: 'Dinas Kesehatan', individual: 20, position: 3, system: 0 }]);
        const replies = await app.ds.getRepository(OutboxSchema).find({ where: { template: 'needs-received' } });
        expect(replies.map((r) => [r.recipient, (JSON.parse(r.model) as { outcome: string }).outcome]).sort()).toEqual([[PEOPLE.budi.email, 'refused'], [PEOPLE.siti.email, 'recorded']]);
        expect(await app.ds.getRepository(RequestSchema).count()).toBe(0);
      } finally {
        await app.close();
      }
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('a complaint by mail about the officer who decided one\'s request (Pasal 9(7))', () => {
  it('names the officer when the body cites the sender\'s own decided request', async () => {
    const dir = makeTempDir('ra-complaint-mail-');
    try {
      const env = { RA_DATA_DIR: join(dir, 'data'), RA_MASTER_KEY: randomBytes(32).toString('base64'), RA_MAIL_AUTHSERV_ID: AUTHSERV };
      const app = await openApp(createConfig(env));
      let requestId = '';
      try {
        await seedDesk({ ports: app.ports, auditLog: app.auditLog });
        [requestId] = await seedPendingRequests({ ports: app.ports, auditLog: app.auditLog }, 1) as [string];
        const d = await decideRequest(app.ports, { requestId, officerTelegramId: OFFICERS.andi, outcome: 'reject', reasons: ['Berkas tidak terbaca'] });
        expect(d.ok).toBe(true);
      } finally {
        await app.close();
      }
      const file = join(dir, 'aduan.eml');
      writeFileSync(file, await applicationMail({
        from: PEOPLE.siti.email, subject: 'Pengaduan atas keputusan permohonan', messageId: '<aduan@pontianak.go.id>',
        text: `Yth. Pengelola,\n\nPermohonan saya ${requestId} ditolak tanpa penjelasan yang jelas.\n\nSiti`, authResults: { serverId: AUTHSERV, result: 'pass' },
      }));
      expect((await runCli(['mail', 'ingest', file], env)).stdout).toMatch(/ticket TK-/);
      const again = await openApp(createConfig(env));
      try {
        const [complaint] = await again.ds.getRepository(RequestSchema).find({ where: { kind: 'complaint' } });
        expect(JSON.parse(complaint!.details)).toMatchObject({ aboutRequest: requestId, aboutOfficer: OFFICERS.andi });
      } finally {
        await again.close();
      }
    } finally {
      removeTempDir(dir);
    }
  });
});
