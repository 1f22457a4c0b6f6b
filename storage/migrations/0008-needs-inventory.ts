import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Needs inventories of the agencies (Pasal 10(2)-(3)): every submission is kept; the latest per agency
 * and year is the one the Pengelola ranks. Numbered 0008 because another branch may add 0007.
 */
export class NeedsInventory1764000000008 implements MigrationInterface {
  name = 'NeedsInventory1764000000008';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'needs_inventory',
      columns: [
        { name: 'id', type: 'text', isPrimary: true },
        { name: 'agency', type: 'text' },
        { name: 'year', type: 'integer' },
        { name: 'individual', type: 'integer' },
        { name: 'position', type: 'integer' },
        { name: 'system', type: 'integer' },
        { name: 'submitted_by', type: 'text' },
        { name: 'channel', type: 'text' },
        { name: 'submitted_at', type: 'text' },
      ],
    }));
    await q.createIndex('needs_inventory', new TableIndex({ name: 'ix_needs_year_agency', columnNames: ['year', 'agency', 'submitted_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('needs_inventory');
  }
}
