import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Restrictions of processing asked by data subjects (UU 27/2022 Pasal 11, 41), one row per person; the
 * row goes when the restriction is lifted (the audit log keeps both events).
 */
export class ProcessingRestrictions1764000000009 implements MigrationInterface {
  name = 'ProcessingRestrictions1764000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'processing_restrictions',
      columns: [
        { name: 'person_id', type: 'text', isPrimary: true },
        { name: 'restricted_at', type: 'text' },
        { name: 'restricted_by', type: 'text' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('processing_restrictions');
  }
}
