import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Desk-wide facts that must travel with the data, such as which master key it was written under. */
export class Settings1764000000003 implements MigrationInterface {
  name = 'Settings1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'settings',
      columns: [{ name: 'name', type: 'text', isPrimary: true }, { name: 'value', type: 'text' }, { name: 'updated_at', type: 'text' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('settings');
  }
}
