import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

type Col = { name: string; type: 'text' | 'integer' | 'boolean'; isNullable?: boolean; isPrimary?: boolean };
const t = (name: string, extra: Partial<Col> = {}): Col => ({ name, type: 'text', ...extra });
const n = (name: string): Col => ({ name, type: 'text', isNullable: true });
const i = (name: string, extra: Partial<Col> = {}): Col => ({ name, type: 'integer', ...extra });
const b = (name: string): Col => ({ name, type: 'boolean' });
const pk = (name: string): Col => ({ name, type: 'text', isPrimary: true });

/**
 * The foundation schema. Written with typeorm's Table API so the same migration runs on SQLite and
 * PostgreSQL. Unique indexes carry the invariants the database must hold even with two processes:
 * one decision per review round, one roster entry per NIP / NIK / e-mail, one outbox row per dedupe key.
 */
export class Foundation1764000000001 implements MigrationInterface {
  name = 'Foundation1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'roster_entries',
      columns: [pk('person_id'), n('nip'), t('nik_hmac'), t('nik_enc'), t('name'), t('email'), t('agency'),
        t('position'), n('superior_nip'), t('category'), b('active'), t('updated_at')],
      indices: [
        new TableIndex({ name: 'ux_roster_nip', columnNames: ['nip'], isUnique: true }),
        new TableIndex({ name: 'ux_roster_nik_hmac', columnNames: ['nik_hmac'], isUnique: true }),
        new TableIndex({ name: 'ux_roster_email', columnNames: ['email'], isUnique: true }),
        new TableIndex({ name: 'ix_roster_agency', columnNames: ['agency'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'officers',
      columns: [pk('telegram_id'), t('person_id'), t('nip'), t('role'), t('appointment_ref'), b('active'),
        t('created_at'), t('updated_at')],
      indices: [new TableIndex({ name: 'ix_officers_nip', columnNames: ['nip'] })],
    }));
    await q.createTable(new Table({
      name: 'outsider_permits',
      columns: [pk('id'), t('email'), t('nik_hmac'), t('granted_by'), t('reference'), t('granted_at')],
      indices: [new TableIndex({ name: 'ux_outsider_email', columnNames: ['email'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'requests',
      columns: [pk('id'), t('kind'), t('status'), t('channel'), n('applicant_person_id'), n('applicant_nip'),
        t('applicant_email'), t('applicant_name'), n('applicant_nik_hmac'), n('applicant_nik_enc'),
        n('certificate_type'), t('uses'), t('details'), t('checks'), i('review_round'), i('version'),
        t('created_at'), t('updated_at')],
      indices: [
        new TableIndex({ name: 'ix_requests_status_kind', columnNames: ['status', 'kind'] }),
        new TableIndex({ name: 'ix_requests_applicant_nip', columnNames: ['applicant_nip'] }),
        new TableIndex({ name: 'ix_requests_created', columnNames: ['created_at'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'decisions',
      columns: [pk('id'), t('request_id'), i('review_round'), t('officer_telegram_id'), t('outcome'),
        t('reasons'), t('note'), t('decided_at')],
      indices: [new TableIndex({ name: 'ux_decisions_round', columnNames: ['request_id', 'review_round'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'documents',
      columns: [pk('id'), t('request_id'), t('kind'), t('media_type'), i('size'), t('sha256'), t('path'),
        t('wrapped_key'), t('key_id'), t('created_at')],
      indices: [new TableIndex({ name: 'ix_documents_request', columnNames: ['request_id'] })],
    }));
    await q.createTable(new Table({
      name: 'audit_log',
      columns: [i('seq', { isPrimary: true }), t('at'), t('actor'), t('action'), t('subject'), t('outcome'),
        t('evidence'), t('prev_hash'), t('hash')],
    }));
    await q.createTable(new Table({ name: 'sequences', columns: [pk('name'), i('value')] }));
    await q.createTable(new Table({
      name: 'certificates',
      columns: [pk('id'), t('request_id'), t('owner_person_id'), t('serial'), t('issuer'), t('fingerprint'),
        t('not_before'), t('not_after'), t('state'), n('agreement_accepted_at'), n('agreement_hash'),
        n('delivered_at'), n('receipt_confirmed_at'), n('revoked_at'), n('revocation_reason'), t('created_at')],
      indices: [
        new TableIndex({ name: 'ux_certificates_issuer_serial', columnNames: ['issuer', 'serial'], isUnique: true }),
        new TableIndex({ name: 'ix_certificates_state_not_after', columnNames: ['state', 'not_after'] }),
        new TableIndex({ name: 'ix_certificates_owner', columnNames: ['owner_person_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'outbox',
      columns: [pk('id'), t('dedupe_key'), t('channel'), t('recipient'), t('template'), t('model'), t('message_id'),
        t('status'), i('attempts'), t('next_attempt_at'), n('last_error'), t('created_at'), n('sent_at')],
      indices: [
        new TableIndex({ name: 'ux_outbox_dedupe', columnNames: ['dedupe_key'], isUnique: true }),
        new TableIndex({ name: 'ix_outbox_due', columnNames: ['status', 'next_attempt_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'certificates', 'sequences', 'audit_log', 'documents', 'decisions', 'requests',
      'outsider_permits', 'officers', 'roster_entries']) {
      await q.dropTable(table);
    }
  }
}
