import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MoreThanOrEqual } from 'typeorm';
import type { TelegramBindings } from '../../domain/ports/telegram-bindings.ts';
import type { TransactionHandle } from '../../domain/ports/transaction.ts';
import { BindingChallengeSchema, TelegramBindingSchema } from '../entities/schemas.ts';
import { managerFor } from '../transaction.ts';
import { keyLookup } from '../key-lookup.ts';

export function createTelegramBindings(ds: DataSource): TelegramBindings {
  const bindings = (tx?: TransactionHandle) => managerFor(ds, tx).getRepository(TelegramBindingSchema);
  const challenges = (tx?: TransactionHandle) => managerFor(ds, tx).getRepository(BindingChallengeSchema);
  const byTelegramId = keyLookup(ds, TelegramBindingSchema, 'telegramId');
  const byPersonId = keyLookup(ds, TelegramBindingSchema, 'personId');
  return {
    findByTelegramId: (telegramId, tx) => byTelegramId(telegramId, tx),
    findByPersonId: (personId, tx) => byPersonId(personId, tx),
    async bind(b, tx) {
      await bindings(tx).delete({ personId: b.personId });
      await bindings(tx).delete({ telegramId: b.telegramId });
      await bindings(tx).insert({ ...b });
    },
    challengesSince: (telegramId, sinceIso, tx) => challenges(tx).countBy({ telegramId, createdAt: MoreThanOrEqual(sinceIso) }),
    async saveChallenge(c, tx) {
      await challenges(tx).insert({ id: randomUUID(), ...c, usedAt: null });
    },
    latestChallenge: (telegramId, tx) => challenges(tx).findOne({ where: { telegramId }, order: { createdAt: 'DESC' } }),
    async recordAttempt(id, tx) {
      await challenges(tx).increment({ id }, 'attempts', 1);
    },
    async markUsed(id, at, tx) {
      await challenges(tx).update({ id }, { usedAt: at });
    },
  };
}
