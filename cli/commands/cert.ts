import { existsSync, readFileSync, statSync } from 'node:fs';
import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { parseIsoTime } from './reminders.ts';
import { CERT_FILE_MAX_BYTES } from '../../storage/ca/certificate-file.ts';
import { describeCertificateStatus } from '../../templates/certificate-status.ts';
import { importIssuedCertificate } from '../../domain/use-cases/import-issued-certificate.ts';
import { checkCertificate } from '../../domain/use-cases/check-certificate.ts';

/**
 * `ra-desk cert status FILE [--at ISO-TIME] [--json]` (Pasal 14(2)): valid, expired, not yet valid,
 * revoked, unknown issuer or unreadable, with every check made. Exit 0 only for a valid certificate, so
 * scripts can rely on it; 1 for any other verdict; 2 for bad usage.
 */
export async function runCert(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action === 'import') return runCertImport(ctx, rest);
  if (action !== 'status') throw new UsageError('CERT.USAGE');
  const { values, positionals } = parseFlags(rest, { at: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('CERT.USAGE');
  const path = positionals[0]!;
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError('CLI.FILE_NOT_FOUND', { path });
  if (statSync(path).size > CERT_FILE_MAX_BYTES) throw new UsageError('CERT.FILE_TOO_LARGE', { maxKb: CERT_FILE_MAX_BYTES / 1024 });
  const at = values.at === undefined ? undefined : parseIsoTime(values.at);
  if (at === null) throw new UsageError('REMINDERS.BAD_NOW', { given: (values.at ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 60) });

  const app = await openApp(await ctx.config());
  try {
    const ca = await app.ca();
    const report = await checkCertificate(app.ports, { ca, verifier: ca ? null : app.verifier() }, readFileSync(path), at ?? app.ports.clock.now());
    if (!report) throw new UsageError('CERT.NO_VERIFIER');
    ctx.io.out(values.json ? JSON.stringify(report) : describeCertificateStatus(ctx.io.t, report));
    return report.status === 'valid' ? EXIT.ok : EXIT.failure;
  } finally {
    await app.close();
  }
}

/**
 * `ra-desk cert import OP-2026-000123 FILE --officer TELEGRAM-ID` (`bsre-manual`): the same import an
 * officer does in the bot — the certificate BSrE issued is checked against the request and RA_CA_ROOTS,
 * recorded and delivered. The officer id names who did it in the audit trail; it must be an officer's.
 */
async function runCertImport(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { officer: { type: 'string' } });
  const [requestId, path, extra] = positionals;
  if (!requestId || !path || extra !== undefined || !values.officer) throw new UsageError('CERT.IMPORT_USAGE');
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError('CLI.FILE_NOT_FOUND', { path });
  if (statSync(path).size > CERT_FILE_MAX_BYTES) throw new UsageError('CERT.FILE_TOO_LARGE', { maxKb: CERT_FILE_MAX_BYTES / 1024 });
  const app = await openApp(await ctx.config());
  try {
    const r = await importIssuedCertificate(app.ports, app.verifier(), { requestId: requestId.trim().toUpperCase(), officerTelegramId: values.officer.trim(), bytes: readFileSync(path) });
    if (!r.ok) {
      ctx.io.err(`ra-desk: ${ctx.io.t.message(r.code, r.params)}`);
      return EXIT.failure;
    }
    ctx.io.out(ctx.io.t.message('CERT.IMPORTED', { requestId: r.value.requestId, serial: r.value.serial, notAfter: r.value.notAfter.slice(0, 10) }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
