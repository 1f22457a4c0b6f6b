import { afterEach, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../mail/inbound/ingest.ts';
import { DocumentSchema, MailCursorSchema, MailMessageSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { DATABASES } from '../support/databases.ts';
import { applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV, openMailHarness, type MailHarness } from '../support/mail-harness.ts';
import { PEOPLE } from '../support/storage-desk.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';

// Nothing here talks IMAP: messages go straight to ingest, with the mailbox position they would have had.
const NO_SERVER = 'imap://ra%40pontianak.go.id:unused@127.0.0.1:9/INBOX';

const application = (messageId: string) => applicationMail({
  from: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name, messageId,
  authResults: { serverId: AUTHSERV, result: 'pass' },
  attachments: [{ filename: 'surat-pengantar.pdf', content: tinyPdf() }, { filename: 'rekomendasi.png', content: tinyPng() }, { filename: 'ktp.jpg', content: tinyJpeg() }],
});

/** The statements a sync runs for every message (raw SQL, not typeorm's builder), on both databases. */
describe.each(DATABASES)('ingest statements on %s', (kind) => {
  let h: MailHarness | undefined;
  afterEach(async () => { await h?.close(); h = undefined; });

  it('keeps one dedupe row per message, moves the cursor forward only, and starts it again under a new UIDVALIDITY', async () => {
    h = await openMailHarness(NO_SERVER, kind);
    const cursor = () => h!.ds.getRepository(MailCursorSchema).findOneByOrFail({ mailbox: 'INBOX' });
    const at = new Date('2026-12-07T08:00:00.000Z');
    const first = await application('<db-1@pontianak.go.id>');
    expect(await ingestMessage(h.mail.ingest, first, { kind: 'imap', mailbox: 'INBOX', uidValidity: 77, uid: 5 }, at)).toMatchObject({ outcome: 'request', duplicate: false });
    expect(await cursor()).toMatchObject({ uidValidity: 77, lastUid: 5 });

    // The same message again (a second delivery): nothing new, and the cursor never goes back.
    expect(await ingestMessage(h.mail.ingest, first, { kind: 'imap', mailbox: 'INBOX', uidValidity: 77, uid: 3 }, at)).toMatchObject({ duplicate: true });
    expect(await cursor()).toMatchObject({ uidValidity: 77, lastUid: 5 });

    await ingestMessage(h.mail.ingest, await application('<db-2@pontianak.go.id>'), { kind: 'imap', mailbox: 'INBOX', uidValidity: 77, uid: 9 }, at);
    expect(await cursor()).toMatchObject({ uidValidity: 77, lastUid: 9 });
    await ingestMessage(h.mail.ingest, await application('<db-3@pontianak.go.id>'), { kind: 'imap', mailbox: 'INBOX', uidValidity: 78, uid: 2 }, at);
    expect(await cursor()).toMatchObject({ uidValidity: 78, lastUid: 2 });

    const rows = await h.ds.getRepository(MailMessageSchema).find({ order: { uid: 'ASC' } });
    expect(rows.map((r) => [r.key, r.uidValidity, r.uid, r.outcome])).toEqual([
      ['<db-3@pontianak.go.id>', 78, 2, 'request'], ['<db-1@pontianak.go.id>', 77, 5, 'request'], ['<db-2@pontianak.go.id>', 77, 9, 'request'],
    ]);
    expect(await h.ds.getRepository(RequestSchema).count()).toBe(3);
    // Each message's four documents share its transaction's vault file, and every one reads back.
    const docs = await h.ds.getRepository(DocumentSchema).find();
    expect(docs).toHaveLength(12);
    expect(new Set(docs.map((d) => d.path)).size).toBe(3);
    for (const d of docs) expect((await h.desk.ports.vault.read(d.id, d.requestId)).length).toBe(d.size);
    expect((await h.desk.auditLog.verify()).ok).toBe(true);
  });
});
