import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditSchema, DocumentSchema, MailCursorSchema, MailMessageSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { DATABASES } from '../support/databases.ts';
import { appendToMailbox, applicationMail } from '../support/mail-corpus.ts';
import { AUTHSERV, openMailHarness, type MailHarness } from '../support/mail-harness.ts';
import { PEOPLE } from '../support/people.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';
import { withDovecot } from '../support/services/dovecot.ts';

/** Per-sender limits off: this is about the pipeline, not the limiter (which has tests of its own). */
const NO_LIMITS = { request: { perHour: 0 }, otp: { perHour: 0 }, upload: { perHour: 0 } } as const;
const APPLICANTS = [PEOPLE.siti, PEOPLE.andi, PEOPLE.budi, PEOPLE.rahmat];

const dovecot = withDovecot();
beforeAll(async () => { await dovecot().reset(); });
afterAll(async () => { await dovecot().reset(); });

/**
 * A whole `sync` against the real Dovecot on each database: 4 applications and 20 help mails, more than
 * one group of messages (a group shares one transaction and one vault file), read ahead, parsed in the
 * worker thread, each turned into its request or ticket exactly once, with its archive and its reply.
 */
describe.each(DATABASES)('mail sync on %s', (kind) => {
  let h: MailHarness | undefined;
  beforeEach(async () => { await dovecot().reset(); });
  afterEach(async () => { await h?.close(); h = undefined; });

  it('handles a mailbox of 24 messages once each, in groups, and finds nothing new the second time', async () => {
    const raws: Buffer[] = [];
    for (const [i, p] of APPLICANTS.entries()) {
      raws.push(await applicationMail({
        from: p.email, nik: p.nik, nip: p.nip, name: p.name, messageId: `<apl-${i}-${kind}@pontianak.go.id>`,
        authResults: { serverId: AUTHSERV, result: 'pass' },
        attachments: [{ filename: 'surat-pengantar.pdf', content: tinyPdf() }, { filename: 'rekomendasi.png', content: tinyPng() }, { filename: 'scan e-KTP.jpg', content: tinyJpeg() }],
      }));
    }
    for (let i = 0; i < 20; i++) {
      const p = APPLICANTS[i % APPLICANTS.length]!;
      raws.push(await applicationMail({
        from: p.email, messageId: `<bantuan-${i}-${kind}@pontianak.go.id>`, subject: `Bantuan: gagal tanda tangan dokumen ${i}`,
        text: `Mohon bantuan, tanda tangan elektronik saya gagal (percobaan ${i}).`, authResults: { serverId: AUTHSERV, result: 'pass' },
      }));
    }
    const uids = await appendToMailbox(dovecot().imapUrl, raws);
    expect(uids).toHaveLength(24);
    h = await openMailHarness(dovecot().imapUrl, kind, { limits: NO_LIMITS });

    expect(await h.sync()).toMatchObject({ handled: 24, duplicates: 0, quarantined: 0, moved: 24 });
    const messages = await h.ds.getRepository(MailMessageSchema).find();
    expect(messages.map((m) => m.outcome).sort()).toEqual([...Array<string>(4).fill('request'), ...Array<string>(20).fill('ticket')]);
    const requests = await h.ds.getRepository(RequestSchema).find();
    expect(requests.filter((r) => r.kind === 'issuance').map((r) => r.status)).toEqual(['pending_review', 'pending_review', 'pending_review', 'pending_review']);
    expect(await h.ds.getRepository(MailCursorSchema).findOneByOrFail({ mailbox: 'INBOX' })).toMatchObject({ lastUid: Math.max(...uids) });
    // Each application's three files and original, each ticket's original: all readable, fewer vault files than documents.
    const docs = await h.ds.getRepository(DocumentSchema).find();
    expect(docs).toHaveLength(4 * 4 + 20);
    expect(new Set(docs.map((d) => d.path)).size).toBeLessThan(docs.length);
    for (const d of docs) expect((await h.desk.ports.vault.read(d.id, d.requestId)).length).toBe(d.size);
    // One acknowledgement per message, each to its sender.
    const outbox = await h.ds.getRepository(OutboxSchema).find();
    expect(outbox).toHaveLength(24);
    expect((await h.desk.auditLog.verify()).ok).toBe(true);

    const audits = await h.ds.getRepository(AuditSchema).count();
    expect(await h.sync()).toMatchObject({ handled: 0, duplicates: 0, moved: 0 });
    expect(await h.ds.getRepository(MailMessageSchema).count()).toBe(24);
    expect(await h.ds.getRepository(AuditSchema).count()).toBe(audits);
  });
});
