import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Where a document sits in its vault file: the documents stored in one transaction share one file (a
 * pack), each at its own offset, so a mail sync creates and fsyncs one file per commit instead of one
 * per document (storage/vault/vault-pack.ts). Rows written before this keep offset 0 and no sealed
 * size: their file is theirs alone, read whole.
 */
export class VaultPacks1764000000012 implements MigrationInterface {
  name = 'VaultPacks1764000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('documents', new TableColumn({ name: 'file_offset', type: 'integer', isNullable: false, default: 0 }));
    await q.addColumn('documents', new TableColumn({ name: 'sealed_size', type: 'integer', isNullable: true }));
    // Retention asks whether a file still holds documents that stay.
    await q.createIndex('documents', new TableIndex({ name: 'ix_documents_path', columnNames: ['path'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('documents', 'ix_documents_path');
    await q.dropColumn('documents', 'sealed_size');
    await q.dropColumn('documents', 'file_offset');
  }
}
