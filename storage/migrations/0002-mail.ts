import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const t = (name: string) => ({ name, type: 'text' });
const n = (name: string) => ({ name, type: 'text', isNullable: true });
const i = (name: string) => ({ name, type: 'integer' });

/**
 * The mail channel: one row per inbound message, keyed by Message-ID (or a hash of its headers and body)
 * under a unique index, so a message produces its effect once; the mailbox cursor; and threading
 * columns on the outbox so replies carry In-Reply-To/References and a later message finds its case.
 */
export class Mail1764000000002 implements MigrationInterface {
  name = 'Mail1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'mail_messages',
      columns: [{ name: 'key', type: 'text', isPrimary: true }, n('message_id'), i('uid_validity'), i('uid'), t('outcome'),
        n('case_id'), n('reason'), t('target_folder'), t('received_at'), n('moved_at'), n('expunge_after')],
      indices: [
        new TableIndex({ name: 'ix_mail_messages_message_id', columnNames: ['message_id'] }),
        new TableIndex({ name: 'ix_mail_messages_case', columnNames: ['case_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'mail_cursors',
      columns: [{ name: 'mailbox', type: 'text', isPrimary: true }, i('uid_validity'), i('last_uid'), t('updated_at')],
    }));
    await q.addColumns('outbox', [
      new TableColumn({ name: 'case_id', type: 'text', isNullable: true }),
      new TableColumn({ name: 'in_reply_to', type: 'text', isNullable: true }),
      new TableColumn({ name: 'references_header', type: 'text', isNullable: true }),
    ]);
    await q.createIndex('outbox', new TableIndex({ name: 'ix_outbox_message_id', columnNames: ['message_id'] }));
    await q.createIndex('outbox', new TableIndex({ name: 'ix_outbox_case', columnNames: ['case_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('outbox', 'ix_outbox_case');
    await q.dropIndex('outbox', 'ix_outbox_message_id');
    await q.dropColumns('outbox', ['case_id', 'in_reply_to', 'references_header']);
    await q.dropTable('mail_cursors');
    await q.dropTable('mail_messages');
  }
}
