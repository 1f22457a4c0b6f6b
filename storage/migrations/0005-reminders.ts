import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Expiry reminders (Pasal 17(2)). `certificate_reminders` holds one row per certificate and threshold
 * (days before expiry), sent or skipped; its primary key (certificate_id, days_before) is the unique
 * index that makes a reminder go out once even with two runners. The two indexes serve the sweep's
 * correlated checks, so each is a seek, never a scan: "does the owner have a renewal in progress?"
 * and "does the owner hold a newer active certificate?". The sweep's range itself uses the existing
 * `ix_certificates_state_not_after`.
 */
export class Reminders1764000000005 implements MigrationInterface {
  name = 'Reminders1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'certificate_reminders',
      columns: [
        { name: 'certificate_id', type: 'text', isPrimary: true },
        { name: 'days_before', type: 'integer', isPrimary: true },
        { name: 'sent_at', type: 'text' },
      ],
    }));
    await q.createIndex('requests', new TableIndex({
      name: 'ix_requests_applicant_person_kind_status', columnNames: ['applicant_person_id', 'kind', 'status'],
    }));
    await q.createIndex('certificates', new TableIndex({
      name: 'ix_certificates_owner_state_not_after', columnNames: ['owner_person_id', 'state', 'not_after'],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('certificates', 'ix_certificates_owner_state_not_after');
    await q.dropIndex('requests', 'ix_requests_applicant_person_kind_status');
    await q.dropTable('certificate_reminders');
  }
}
