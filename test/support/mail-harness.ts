import type { DataSource } from 'typeorm';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { createTestDesk, seedDesk } from './storage-desk.ts';
import { createMailDesk, type MailDesk } from '../../mail/mail-desk.ts';
import { createImapClient } from '../../mail/imap/imap-client.ts';
import { syncMailbox, type SyncReport } from '../../mail/imap/sync-mailbox.ts';
import { createSmtpTransport } from '../../mail/outbox/smtp-transport.ts';
import { drainMailOutbox, type DrainReport } from '../../mail/outbox/send-outbox.ts';
import { createTemplates } from '../../templates/catalog.ts';
import type { StorageDesk } from '../../storage/create-desk.ts';
import type { MailConfig } from '../../cli/config.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { LimitRules } from '../../domain/limits/token-bucket.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import { recordMailDelivery, withCertificateFile } from '../../cli/mail-app.ts';

export const AUTHSERV = 'mx.pontianak.go.id';

export interface MailHarness {
  readonly db: TestDatabase;
  readonly ds: DataSource;
  readonly desk: StorageDesk & { masterKey: Buffer };
  readonly mail: MailDesk;
  sync(): Promise<SyncReport>;
  drain(smtpUrl: string, now?: () => Date): Promise<DrainReport>;
  close(): Promise<void>;
}

export function mailConfig(imapUrl: string, smtpUrl?: string): MailConfig {
  return {
    imapUrl, smtpUrl, from: 'Otoritas Pendaftaran Kota Pontianak <ra@pontianak.go.id>', authservId: AUTHSERV,
    processedFolder: 'RA/Processed', quarantineFolder: 'RA/Quarantine', retainDays: 30, pollSeconds: 60, leaseSeconds: 300,
  };
}

/** A seeded desk (roster of PEOPLE, two officers) wired to a Dovecot mailbox, as `ra-desk mail sync` wires it. */
export async function openMailHarness(
  imapUrl: string, kind: DatabaseKind = 'sqlite', options: { clock?: Clock; ca?: CertificateAuthority; limits?: LimitRules } = {},
): Promise<MailHarness> {
  const db = await openTestDatabase(kind);
  const desk = createTestDesk(db.ds, db.dataDir, { ...(options.clock ? { clock: options.clock } : {}), ...(options.limits ? { limits: options.limits } : {}) });
  await seedDesk(desk);
  const mail = createMailDesk({
    ds: db.ds, ports: desk.ports, mail: mailConfig(imapUrl), officialDomains: ['pontianak.go.id'],
    maxFileBytes: 10 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024, afterCommit: async () => { await desk.auditLog.checkpoint(); },
    ca: options.ca ?? null,
  });
  return {
    db, ds: db.ds, desk, mail,
    async sync() {
      const client = createImapClient(mail.target!);
      await client.connect();
      try {
        return await syncMailbox(client, mail.ingest, mail.sync!);
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async drain(smtpUrl, now = () => new Date()) {
      const transport = createSmtpTransport(`${smtpUrl}?ignoreTLS=true`);
      try {
        return await drainMailOutbox({
          ds: db.ds, t: createTemplates(), transport, from: 'Otoritas Pendaftaran Kota Pontianak <ra@pontianak.go.id>', now,
          onSent: (row) => recordMailDelivery(desk.ports, row),
          prepareModel: (row, model) => withCertificateFile(desk.ports, row, model),
        });
      } finally {
        transport.close();
      }
    },
    close: () => db.close(),
  };
}
