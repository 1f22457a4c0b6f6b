import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The chat an update came from, kept with its claim: when the desk dies in the middle of an update, the
 * next start tells that chat to send it again (bot/recover-interrupted.ts). Telegram's long polling
 * confirms an update when the next batch is fetched, not when it was handled, so it never comes again.
 */
export class BotUpdateChat1764000000011 implements MigrationInterface {
  name = 'BotUpdateChat1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('bot_updates', new TableColumn({ name: 'chat_id', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('bot_updates', 'chat_id');
  }
}
