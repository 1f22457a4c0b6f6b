import type { DataSource } from 'typeorm';
import type { Api } from 'grammy';
import type { Templates } from '../templates/catalog.ts';
import { BotUpdateSchema } from '../storage/entities/schemas.ts';
import { inWriteTransaction } from '../storage/data-source.ts';
import { STARTED } from '../storage/bot-ledger.ts';

/**
 * At start-up, before any update is taken: updates a previous run claimed and never finished (it was
 * killed in the middle) are not redone — their work may be half done — and long polling will not bring
 * them again. Each of their chats is told, once, to send its message again. Returns how many were told.
 */
export async function recoverInterruptedUpdates(ds: DataSource, api: Api, t: Templates, now: () => Date): Promise<number> {
  const repo = ds.getRepository(BotUpdateSchema);
  const stuck = await repo.find({ where: { handledAt: STARTED }, take: 1000 });
  let told = 0;
  for (const row of stuck) {
    const claimed = await inWriteTransaction(ds, (qr) => qr.manager.getRepository(BotUpdateSchema)
      .update({ updateId: row.updateId, handledAt: STARTED }, { handledAt: now().toISOString() }));
    if ((claimed.affected ?? 0) !== 1 || !row.chatId) continue;
    await api.sendMessage(row.chatId, t.message('BOT.INTERRUPTED')).then(() => { told++; }, () => undefined);
  }
  return told;
}
