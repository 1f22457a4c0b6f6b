import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import type { CertificateRegister, CertificateRecord } from '../../domain/ports/certificates.ts';
import type { CertificateState } from '../../domain/certificates/certificate.ts';
import { CertificateSchema } from '../entities/schemas.ts';
import type { CertificateRow } from '../entities/rows.ts';
import { managerFor } from '../transaction.ts';

const toRecord = (r: CertificateRow): CertificateRecord => ({
  id: r.id, requestId: r.requestId, ownerPersonId: r.ownerPersonId, serial: r.serial, issuer: r.issuer, fingerprint: r.fingerprint,
  notBefore: r.notBefore, notAfter: r.notAfter, state: r.state as CertificateState, agreementAcceptedAt: r.agreementAcceptedAt,
  agreementHash: r.agreementHash, deliveredAt: r.deliveredAt, receiptConfirmedAt: r.receiptConfirmedAt,
});

export function createCertificateRegister(ds: DataSource): CertificateRegister {
  const repo = (tx?: Parameters<typeof managerFor>[1]) => managerFor(ds, tx).getRepository(CertificateSchema);
  return {
    async create(c, tx) {
      await repo(tx).insert({ ...c, revokedAt: null, revocationReason: null, createdAt: c.notBefore });
    },
    async findBySerial(issuer, serial, tx) {
      const r = await repo(tx).findOneBy({ issuer, serial });
      return r ? { ...toRecord(r), revokedAt: r.revokedAt } : null;
    },
    async findByRequest(requestId, tx) {
      const r = await repo(tx).findOne({ where: { requestId }, order: { createdAt: 'DESC' } });
      return r ? toRecord(r) : null;
    },
    async setMilestone(id, field, at, tx) {
      const res = await repo(tx).update({ id, [field]: IsNull() }, { [field]: at });
      return (res.affected ?? 0) === 1;
    },
    async get(id, tx) {
      const r = await repo(tx).findOneBy({ id });
      return r ? toRecord(r) : null;
    },
    async listByOwner(personId, tx) {
      return (await repo(tx).find({ where: { ownerPersonId: personId }, order: { notAfter: 'DESC', id: 'ASC' }, take: 50 })).map(toRecord);
    },
    async markRevoked(id, at, reason, tx) {
      const res = await repo(tx).update({ id, state: 'active' }, { state: 'revoked', revokedAt: at, revocationReason: reason });
      return (res.affected ?? 0) === 1;
    },
  };
}
