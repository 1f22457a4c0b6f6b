import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseFilter, CaseRepository, NewCase } from '../../domain/ports/case-repository.ts';
import type { CaseRecord, Decision } from '../../domain/requests/case-record.ts';
import { formatCaseId, prefixFor, sequenceName } from '../../domain/requests/case-id.ts';
import { DecisionSchema, RequestSchema } from '../entities/schemas.ts';
import type { DecisionRow, RequestRow } from '../entities/rows.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { managerFor, toQueryRunner } from '../transaction.ts';
import { createRawSql } from '../raw-sql.ts';

const NEXT_VALUE = 'INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value';
import { toCaseRecord } from './case-mapper.ts';

export function createCaseRepository(ds: DataSource, cipher: FieldCipher): CaseRepository {
  const raw = createRawSql(ds);
  const latestDecisions = async (ids: readonly string[]): Promise<Map<string, DecisionRow>> => {
    const out = new Map<string, DecisionRow>();
    if (ids.length === 0) return out;
    const rows = await ds.manager.getRepository(DecisionSchema).createQueryBuilder('d')
      .where('d.request_id IN (:...ids)', { ids }).orderBy('d.review_round', 'ASC').getMany();
    for (const r of rows) out.set(r.requestId, r);
    return out;
  };

  return {
    async nextId(kind, year, tx) {
      const name = sequenceName(prefixFor(kind), year);
      // One statement, atomic on both databases: every request and ticket takes a number this way.
      const [row] = await raw.rows(NEXT_VALUE, [name], tx ? toQueryRunner(tx) : undefined);
      return formatCaseId(prefixFor(kind), year, Number(row!['value']));
    },

    async create(c: NewCase, tx) {
      const row: RequestRow = {
        id: c.id, kind: c.kind, status: c.status, channel: c.channel,
        applicantPersonId: c.applicant.personId, applicantNip: c.applicant.nip,
        applicantEmail: c.applicant.email, applicantName: c.applicant.name,
        applicantNikHmac: c.applicantNik ? cipher.lookupHash(c.applicantNik) : null,
        applicantNikEnc: c.applicantNik ? cipher.encrypt(c.applicantNik) : null,
        certificateType: c.certificateType, uses: JSON.stringify(c.uses), details: JSON.stringify(c.details),
        checks: JSON.stringify(c.checks), reviewRound: c.reviewRound, version: 1,
        createdAt: c.createdAt, updatedAt: c.createdAt,
      };
      await managerFor(ds, tx).getRepository(RequestSchema).insert(row);
    },

    async get(id, tx) {
      const m = managerFor(ds, tx);
      const row = await m.getRepository(RequestSchema).findOneBy({ id });
      if (!row) return null;
      const decision = await m.getRepository(DecisionSchema).findOne({ where: { requestId: id }, order: { reviewRound: 'DESC' } });
      return toCaseRecord(row, decision);
    },

    async change(id, expectedVersion, change, tx) {
      const set: Partial<Record<keyof RequestRow, unknown>> = { status: change.status, updatedAt: change.updatedAt };
      if (change.kind) set.kind = change.kind;
      if (change.checks) set.checks = JSON.stringify(change.checks);
      if (change.reviewRound !== undefined) set.reviewRound = change.reviewRound;
      if (change.details) set.details = JSON.stringify(change.details);
      const result = await managerFor(ds, tx).createQueryBuilder().update(RequestSchema)
        .set({ ...set, version: () => 'version + 1' } as never)
        .where('id = :id AND version = :v', { id, v: expectedVersion }).execute();
      return (result.affected ?? 0) === 1;
    },

    async recordDecision(caseId, d: Decision, tx) {
      await managerFor(ds, tx).getRepository(DecisionSchema).insert({
        id: randomUUID(), requestId: caseId, reviewRound: d.reviewRound, officerTelegramId: d.officerTelegramId,
        outcome: d.outcome, reasons: JSON.stringify(d.reasons), note: d.note, decidedAt: d.decidedAt,
      });
    },

    async applicantNik(id, tx) {
      const row = await managerFor(ds, tx).getRepository(RequestSchema).findOne({ where: { id }, select: { id: true, applicantNikEnc: true } });
      return row?.applicantNikEnc ? cipher.decrypt(row.applicantNikEnc) : null;
    },

    async list(filter: CaseFilter): Promise<CaseRecord[]> {
      const qb = ds.manager.getRepository(RequestSchema).createQueryBuilder('r');
      if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
      if (filter.kind) qb.andWhere('r.kind = :kind', { kind: filter.kind });
      if (filter.applicantNip) qb.andWhere('r.applicant_nip = :nip', { nip: filter.applicantNip });
      qb.orderBy('r.created_at', 'ASC').addOrderBy('r.id', 'ASC').take(filter.limit ?? 1000);
      const rows = await qb.getMany();
      const decisions = await latestDecisions(rows.map((r) => r.id));
      return rows.map((r) => toCaseRecord(r, decisions.get(r.id) ?? null));
    },
  };
}
