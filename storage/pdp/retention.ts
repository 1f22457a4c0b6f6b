import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { In, IsNull, LessThanOrEqual, Not, type DataSource, type Repository } from 'typeorm';
import { personActor, SYSTEM_ACTOR } from '../../domain/audit/audit-event.ts';
import type { DocumentKind } from '../../domain/documents/document-kind.ts';
import type { StoredAuditLog } from '../audit/audit-log.ts';
import { inWriteTransaction } from '../data-source.ts';
import {
  CertificateSchema, DocumentSchema, OutsiderPermitSchema, RequestSchema, RosterSchema,
} from '../entities/schemas.ts';
import type { CertificateRow, DocumentRow, RequestRow } from '../entities/rows.ts';
import { toHandle } from '../transaction.ts';
import { writeAllAt, writeNewFile } from '../vault/atomic-write.ts';
import { documentPath, readSealed } from '../vault/file-vault.ts';

/**
 * The files the retention run destroys: the e-KTP scan; the original message, which carries the scan
 * (and often the NIK in its text) as sent; and the certificate file, whose subject may carry the NIK
 * (BSrE's serialNumber) — the certificate row (serial, fingerprint, dates) stays as the record. Letters,
 * police reports, statements and receipts stay: they are the RA's record of what it decided and
 * delivered (Perwal 75/2018 Pasal 15(6), 16(6)) and hold no NIK or e-KTP image.
 */
export const DESTROYED_KINDS: readonly DocumentKind[] = ['ktp_scan', 'original_message', 'certificate'];

/** Requests that ended without a certificate: their clock starts at the last change. */
const ENDED_WITHOUT_CERTIFICATE = ['rejected', 'cancelled', 'incomplete', 'completed', 'resolved'];

export interface RetentionReport {
  /** `now` minus the retention period: whatever ended at or before it is destroyed. */
  readonly cutoff: string;
  /** Requests from which something was destroyed in this run. */
  readonly requests: number;
  /** Vault documents destroyed (file and row). */
  readonly documents: number;
  /** Request NIKs destroyed (ciphertext and lookup hash). */
  readonly niks: number;
  /** Roster NIKs destroyed: people who left the roster before the cutoff. */
  readonly rosterNiks: number;
  /** Revoked outsider permits whose NIK hash was destroyed. */
  readonly permits: number;
}

export interface RetentionInput {
  readonly ds: DataSource;
  readonly dataDir: string;
  readonly auditLog: StoredAuditLog;
  readonly now: Date;
  readonly years: number;
}

/** `now` minus whole calendar years (29 February falls back to 28 February). */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(now.getUTCFullYear() - years);
  if (cutoff.getUTCMonth() !== now.getUTCMonth()) cutoff.setUTCDate(0);
  return cutoff;
}

/**
 * When a request stops needing the e-KTP scan and the NIK: when its certificate stopped being valid
 * (revoked, or expired), or — without a certificate — when it was last changed in a final state (or
 * abandoned while incomplete). Null while it is still running, or while its certificate is valid.
 */
export function requestEnd(request: Pick<RequestRow, 'status' | 'updatedAt'>, certificates: readonly Pick<CertificateRow, 'notAfter' | 'revokedAt'>[]): string | null {
  if (certificates.length > 0) {
    const ends = certificates.map((c) => (c.revokedAt !== null && c.revokedAt < c.notAfter ? c.revokedAt : c.notAfter));
    return ends.sort().at(-1)!;
  }
  return ENDED_WITHOUT_CERTIFICATE.includes(request.status) ? request.updatedAt : null;
}

/**
 * The retention run (UU 27/2022 Pasal 43-44: personal data is destroyed when its retention period ends).
 * Per request, in this order:
 * 1. the files are deleted (a crash here leaves rows whose files are gone: the next run finishes);
 * 2. one transaction deletes their vault rows — with them the wrapped data keys, so a copy of a file
 *    that survives in a backup of the vault folder can no longer be decrypted (crypto-shredding) —,
 *    clears the NIK ciphertext and lookup hash, and appends one audit row (ids, counts and the SHA-256
 *    of each destroyed file: never the NIK).
 * Idempotent: a second run finds nothing left to destroy.
 */
export async function runRetention(input: RetentionInput): Promise<RetentionReport> {
  const { ds, dataDir, auditLog, now } = input;
  const cutoff = retentionCutoff(now, input.years).toISOString();
  const at = now.toISOString();
  const documentsRepo = ds.getRepository(DocumentSchema);

  const withDocuments = (await documentsRepo.find({ where: { kind: In([...DESTROYED_KINDS]) }, select: { requestId: true } })).map((d) => d.requestId);
  const withNik = (await ds.getRepository(RequestSchema).find({
    where: [{ applicantNikEnc: Not(IsNull()) }, { applicantNikHmac: Not(IsNull()) }], select: { id: true },
  })).map((r) => r.id);
  const candidates = [...new Set([...withDocuments, ...withNik])].sort();

  let requests = 0;
  let documents = 0;
  let niks = 0;
  for (const requestId of candidates) {
    const request = await ds.getRepository(RequestSchema).findOneBy({ id: requestId });
    const certificates = await ds.getRepository(CertificateSchema).find({ where: { requestId }, select: { notAfter: true, revokedAt: true } });
    // A document whose request row is gone has nothing to wait for.
    const end = request ? requestEnd(request, certificates) : '';
    if (end === null || end > cutoff) continue;

    const doomed = await documentsRepo.find({ where: { requestId, kind: In([...DESTROYED_KINDS]) } });
    const files = await planFiles(documentsRepo, doomed);
    await Promise.all(files.remove.map((path) => rm(join(dataDir, path), { force: true })));
    // Documents that stay but share a file with doomed ones get a file of their own first.
    const moved = await Promise.all(files.survivors.map((d) => rehome(dataDir, d)));
    const hadNik = request !== null && (request.applicantNikEnc !== null || request.applicantNikHmac !== null);
    await inWriteTransaction(ds, async (qr) => {
      for (const m of moved) await qr.manager.update(DocumentSchema, { id: m.id }, { path: m.path, fileOffset: 0, sealedSize: m.sealedSize });
      if (doomed.length > 0) await qr.manager.delete(DocumentSchema, { id: In(doomed.map((d) => d.id)) });
      if (hadNik) await qr.manager.update(RequestSchema, { id: requestId }, { applicantNikEnc: null, applicantNikHmac: null });
      await auditLog.append({
        actor: SYSTEM_ACTOR, action: 'retention.destroyed', subject: requestId,
        outcome: `documents:${doomed.length}/nik:${hadNik ? 1 : 0}`, evidence: doomed.map((d) => d.sha256),
      }, toHandle(qr));
    });
    // Only now is no row left naming the shared files: they go (a crash just before leaves them as
    // orphans whose doomed parts are already unreadable, their keys deleted with their rows).
    await Promise.all(files.shared.map((path) => rm(join(dataDir, path), { force: true })));
    requests++;
    documents += doomed.length;
    if (hadNik) niks++;
  }

  // The roster is the employer's register: a NIK stays while its owner is on it (it is how an
  // application is matched to them). Once they left it longer ago than the period, it goes; the entry
  // keeps a placeholder hash (unique, matches no NIK) so the name and NIP still explain old requests.
  let rosterNiks = 0;
  const departed = await ds.getRepository(RosterSchema).find({
    where: { active: false, updatedAt: LessThanOrEqual(cutoff), nikEnc: Not('') }, select: { personId: true },
  });
  for (const { personId } of departed) {
    await inWriteTransaction(ds, async (qr) => {
      await qr.manager.update(RosterSchema, { personId }, { nikEnc: '', nikHmac: `destroyed:${personId}` });
      await auditLog.append({ actor: SYSTEM_ACTOR, action: 'retention.roster_nik_destroyed', subject: personActor(personId), outcome: 'ok' }, toHandle(qr));
    });
    rosterNiks++;
  }

  // A revoked permit keeps only who granted and revoked it; the NIK hash goes once the period is over.
  let permits = 0;
  const lapsed = await ds.getRepository(OutsiderPermitSchema).find({ where: { revokedAt: LessThanOrEqual(cutoff) } });
  for (const permit of lapsed.filter((p) => !p.nikHmac.startsWith('destroyed:'))) {
    await inWriteTransaction(ds, async (qr) => {
      await qr.manager.update(OutsiderPermitSchema, { id: permit.id }, { nikHmac: `destroyed:${permit.id}` });
      await auditLog.append({ actor: SYSTEM_ACTOR, action: 'retention.permit_nik_destroyed', subject: `permit:${permit.id}`, outcome: 'ok' }, toHandle(qr));
    });
    permits++;
  }

  if (requests + rosterNiks + permits > 0) await auditLog.checkpoint();
  await auditLog.appendStandalone({
    actor: SYSTEM_ACTOR, action: 'retention.run', subject: `retention:${at.slice(0, 10)}`,
    outcome: `requests:${requests}/documents:${documents}/nik:${niks}/roster:${rosterNiks}/permits:${permits}`,
  });
  return { cutoff, requests, documents, niks, rosterNiks, permits };
}

/**
 * What happens to the vault files of `doomed` documents. Documents stored in one transaction share a
 * file (storage/vault/vault-pack.ts): a file that holds nothing else is removed (`remove`) before the
 * rows go, as for a file of its own; a file that also holds documents that stay (`survivors`) is removed
 * (`shared`) only after those were copied to files of their own and their rows point there, so no
 * destroyed document's ciphertext stays on disk beside them.
 */
async function planFiles(documentsRepo: Repository<DocumentRow>, doomed: readonly DocumentRow[]) {
  const paths = [...new Set(doomed.map((d) => d.path))];
  const ids = new Set(doomed.map((d) => d.id));
  const survivors = paths.length === 0 ? [] : (await documentsRepo.find({ where: { path: In(paths) } })).filter((d) => !ids.has(d.id));
  const shared = new Set(survivors.map((d) => d.path));
  return { remove: paths.filter((p) => !shared.has(p)), shared: [...shared], survivors };
}

/**
 * Copies one document's sealed bytes, as they are (sealed under its own key, bound to its request and
 * id, not to a file), out of a shared file into a file of its own. A copy left by an earlier run that
 * crashed before its commit is replaced.
 */
async function rehome(dataDir: string, d: DocumentRow): Promise<{ id: string; path: string; sealedSize: number }> {
  const sealed = await readSealed(dataDir, d);
  if (d.sealedSize !== null && sealed.length !== d.sealedSize) throw new Error(`vault file ${d.path} ends before document ${d.id}`);
  const path = documentPath(d.id);
  await rm(join(dataDir, path), { force: true });
  await writeNewFile(join(dataDir, path), (fd) => writeAllAt(fd, [sealed], 0));
  return { id: d.id, path, sealedSize: sealed.length };
}
