import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { createConfig } from '../config.ts';
import { openApp } from '../app.ts';
import { samplePdf } from '../demo/sample-pdf.ts';
import { importRoster } from '../../domain/use-cases/import-roster.ts';
import { addOfficer } from '../../domain/use-cases/manage-officers.ts';
import { submitApplication } from '../../domain/use-cases/submit-application.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import type { RawRosterRow } from '../../domain/roster/roster-entry.ts';
import { OutboxSchema } from '../../storage/entities/schemas.ts';
import { sqliteFile } from '../../storage/data-source.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * `ra-desk demo`: a scripted scenario through the real use cases, storage, vault and audit chain on a
 * temporary data folder, printed as a transcript. The channels (mail, bot) join it as their issues land.
 */
export async function runDemo(ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(ctx.args, { 'data-dir': { type: 'string' }, keep: { type: 'boolean' } });
  // The demo invents people and a key: it must never touch a folder that already holds a desk.
  if (values['data-dir'] && existsSync(sqliteFile(values['data-dir']))) throw new UsageError('DEMO.DATA_DIR_IN_USE', { dataDir: values['data-dir'] });
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'ra-desk-demo-'));
  const config = createConfig({ RA_DATA_DIR: dataDir, RA_MASTER_KEY: randomBytes(32).toString('base64') });
  const app = await openApp(config);
  const { io } = ctx;
  const t = io.t;
  const say = (code: string, params: Record<string, string | number> = {}) => io.out(t.message(code, params));
  try {
    say('DEMO.START', { dataDir });
    const rows = parse(readFileSync(join(here, '../demo/roster.csv')), { columns: true, skip_empty_lines: true }) as RawRosterRow[];
    const report = await importRoster(app.ports, rows.map((row, i) => ({ line: i + 2, row })));
    say('ROSTER.SUMMARY', { created: report.created, updated: report.updated, errors: report.errors.length });

    const rahmat = await addOfficer(app.ports, { telegramId: '5550001', nip: '198001012005011003', role: 'officer', appointmentRef: '800/12/DISKOMINFO/2026' });
    const andi = await addOfficer(app.ports, { telegramId: '5550002', nip: '198503122010011002', role: 'officer', appointmentRef: '800/13/DISKOMINFO/2026' });
    if (!rahmat.ok || !andi.ok) throw new Error('demo officers could not be appointed');
    say('DEMO.OFFICERS');

    const letter = (title: string) => ({ filename: `${title}.pdf`, bytes: samplePdf(['PEMERINTAH KOTA PONTIANAK', title, 'Contoh untuk demo ra-desk.']) });
    const siti = await submitApplication(app.ports, {
      channel: 'email', email: 'siti.aminah@pontianak.go.id', nik: '6171026507900002', nip: '199007252015032001', name: 'Siti Aminah',
      certificateType: 'individual', uses: [],
      documents: [{ kind: 'cover_letter', ...letter('surat-pengantar') }, { kind: 'recommendation', ...letter('surat-rekomendasi') }, { kind: 'ktp_scan', ...letter('scan-e-ktp') }],
    });
    if (!siti.ok) throw new Error('demo application refused');
    say('DEMO.APPLIED', { who: 'Siti Aminah', id: siti.value.requestId, status: siti.value.status });

    const budi = await submitApplication(app.ports, {
      channel: 'email', email: 'budi.santoso@pontianak.go.id', nik: '6171020311920004', nip: '199211032019031004', name: 'Budi Santoso',
      certificateType: 'individual', uses: ['signature'],
      documents: [{ kind: 'cover_letter', ...letter('surat-pengantar') }, { kind: 'ktp_scan', ...letter('scan-e-ktp') }],
    });
    if (!budi.ok) throw new Error('demo application refused');
    say('DEMO.APPLIED', { who: 'Budi Santoso', id: budi.value.requestId, status: budi.value.status });
    for (const c of budi.value.checks.filter((k) => !k.pass)) say('DEMO.MISSING', { item: t.message(c.code, c.params) });

    const stranger = await decideRequest(app.ports, { requestId: siti.value.requestId, officerTelegramId: '999999', outcome: 'approve', reasons: [] });
    if (!stranger.ok) say('DEMO.REFUSED', { who: 'Telegram 999999', reason: t.message(stranger.code, stranger.params) });
    const approved = await decideRequest(app.ports, { requestId: siti.value.requestId, officerTelegramId: '5550001', outcome: 'approve', reasons: [] });
    if (!approved.ok) throw new Error(`demo approval refused: ${approved.code}`);
    say('DEMO.DECIDED', { who: 'Rahmat Hidayat', id: siti.value.requestId, outcome: approved.value.outcome });
    const late = await decideRequest(app.ports, { requestId: siti.value.requestId, officerTelegramId: '5550002', outcome: 'reject', reasons: ['dokumen tidak jelas'] });
    if (!late.ok) say('DEMO.REFUSED', { who: 'Andi Pratama', reason: t.message(late.code, late.params) });
    const failing = await decideRequest(app.ports, { requestId: budi.value.requestId, officerTelegramId: '5550001', outcome: 'approve', reasons: [] });
    if (!failing.ok) say('DEMO.REFUSED', { who: 'Rahmat Hidayat', reason: t.message(failing.code, failing.params) });

    const outbox = await app.ds.getRepository(OutboxSchema).find({ order: { createdAt: 'ASC' } });
    for (const m of outbox) say('DEMO.OUTBOX', { channel: m.channel, recipient: m.recipient, template: m.template });
    const audit = await app.auditLog.verify();
    say(audit.ok ? 'AUDIT.VERIFY_OK' : 'AUDIT.VERIFY_FAILED', { count: audit.count, seq: audit.firstBadSeq ?? '?', reason: audit.reason ?? '' });
    say('DEMO.END', { dataDir });
    return audit.ok ? EXIT.ok : EXIT.failure;
  } finally {
    await app.close();
  }
}
