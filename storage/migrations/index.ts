import { Foundation1764000000001 } from './0001-foundation.ts';
import { Mail1764000000002 } from './0002-mail.ts';
import { Settings1764000000003 } from './0003-settings.ts';
import { Telegram1764000000004 } from './0004-telegram.ts';
import { Reminders1764000000005 } from './0005-reminders.ts';
import { OutsiderPermits1764000000006 } from './0006-outsider-permits.ts';
import { NeedsInventory1764000000008 } from './0008-needs-inventory.ts';
import { ProcessingRestrictions1764000000009 } from './0009-processing-restrictions.ts';
import { RateBuckets1764000000010 } from './0010-rate-buckets.ts';
import { BotUpdateChat1764000000011 } from './0011-bot-update-chat.ts';
import { VaultPacks1764000000012 } from './0012-vault-packs.ts';

/** Every migration in order. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Foundation1764000000001, Mail1764000000002, Settings1764000000003, Telegram1764000000004, Reminders1764000000005,
  OutsiderPermits1764000000006, NeedsInventory1764000000008,
  ProcessingRestrictions1764000000009,
  RateBuckets1764000000010,
  BotUpdateChat1764000000011,
  VaultPacks1764000000012];
