import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Permits for "pihak lain" (Pasal 13(1)c) granted from the bot and the CLI: the person's name (shown to
 * the Pengelola in the list of permits) and revocation. A revoked row is kept for the record; a new
 * grant for the same address replaces it, so `ux_outsider_email` still holds one row per address.
 * Nullable columns, so rows written before this migration stay valid.
 */
export class OutsiderPermits1764000000006 implements MigrationInterface {
  name = 'OutsiderPermits1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('outsider_permits', [
      new TableColumn({ name: 'name', type: 'text', isNullable: true }),
      new TableColumn({ name: 'revoked_at', type: 'text', isNullable: true }),
      new TableColumn({ name: 'revoked_by', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('outsider_permits', ['revoked_by', 'revoked_at', 'name']);
  }
}
