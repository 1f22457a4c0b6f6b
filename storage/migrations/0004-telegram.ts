import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const t = (name: string) => ({ name, type: 'text' });
const n = (name: string) => ({ name, type: 'text', isNullable: true });

/**
 * The Telegram channel: bound accounts (one person per Telegram id and one Telegram id per person),
 * pending one-time-code challenges (only the code's keyed hash), each update id handled (so a redelivered
 * update does nothing twice) and each chat's conversation state.
 */
export class Telegram1764000000004 implements MigrationInterface {
  name = 'Telegram1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'telegram_bindings',
      columns: [{ name: 'telegram_id', type: 'text', isPrimary: true }, t('chat_id'), t('person_id'), t('bound_at')],
      indices: [new TableIndex({ name: 'ux_telegram_bindings_person', columnNames: ['person_id'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'binding_challenges',
      columns: [{ name: 'id', type: 'text', isPrimary: true }, t('telegram_id'), t('person_id'), t('code_hash'), t('expires_at'),
        { name: 'attempts', type: 'integer' }, t('created_at'), n('used_at')],
      indices: [new TableIndex({ name: 'ix_binding_challenges_telegram', columnNames: ['telegram_id', 'created_at'] })],
    }));
    await q.createTable(new Table({
      name: 'bot_updates',
      columns: [{ name: 'update_id', type: 'text', isPrimary: true }, t('handled_at')],
    }));
    await q.createTable(new Table({
      name: 'bot_sessions',
      columns: [{ name: 'chat_id', type: 'text', isPrimary: true }, t('state'), t('updated_at')],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['bot_sessions', 'bot_updates', 'binding_challenges', 'telegram_bindings']) await q.dropTable(table);
  }
}
