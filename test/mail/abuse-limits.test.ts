import { afterEach, describe, expect, it } from 'vitest';
import { createMailDesk } from '../../mail/mail-desk.ts';
import { ingestMessage } from '../../mail/inbound/ingest.ts';
import { DocumentSchema, OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { AUTHSERV, mailConfig } from '../support/mail-harness.ts';
import { applicationMail } from '../support/mail-corpus.ts';
import { createTestDesk, PEOPLE, seedDesk } from '../support/storage-desk.ts';

/**
 * The mail channel's abuse limit, through the real ingest (parse → understand → use case → one commit):
 * past RA_LIMIT_REQUESTS_PER_HOUR a sender's new mail opens no request or ticket and stores nothing, and
 * a flood gets one reply per refill interval, not one per message (no backscatter).
 */
let db: TestDatabase;
afterEach(async () => { await db?.close(); });

describe('mail: abuse limit on new requests per sender', () => {
  it('opens 2 of 6 applications in a burst, answers the other 4 with one "coba lagi" reply, and accepts again after the refill', async () => {
    db = await openTestDatabase('sqlite');
    let now = new Date('2026-11-25T08:00:00Z');
    const desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => now }, limits: { request: { perHour: 2 }, otp: { perHour: 20 }, upload: { perHour: 120 } } });
    await seedDesk(desk);
    const mail = createMailDesk({
      ds: db.ds, ports: desk.ports, mail: { ...mailConfig(''), authservId: null }, officialDomains: ['pontianak.go.id'],
      maxFileBytes: 10 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024, afterCommit: async () => { await desk.auditLog.checkpoint(); }, ca: null,
    });
    const siti = PEOPLE.siti;
    const application = (i: number, from: string = siti.email) => applicationMail({
      from, nik: siti.nik, nip: siti.nip, name: siti.name, messageId: `<burst-${i}-${from}>`,
      authResults: { serverId: AUTHSERV, result: 'pass' },
    });
    const ingest = async (raw: Buffer) => ingestMessage(mail.ingest, raw, { kind: 'file' }, now);
    const count = async () => ({
      requests: await db.ds.getRepository(RequestSchema).count(),
      documents: await db.ds.getRepository(DocumentSchema).count(),
      limitedReplies: await db.ds.getRepository(OutboxSchema).countBy({ template: 'rate-limited' }),
    });

    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await ingest(await application(i)));
    expect(outcomes.map((o) => `${o.outcome}:${o.reason}`)).toEqual([
      expect.stringMatching(/^request:/), expect.stringMatching(/^request:/),
      'refused:rate_limited', 'refused:rate_limited', 'refused:rate_limited', 'refused:rate_limited',
    ]);
    const afterBurst = await count();
    expect(afterBurst).toMatchObject({ requests: 2, limitedReplies: 1 });
    const reply = await db.ds.getRepository(OutboxSchema).findOneByOrFail({ template: 'rate-limited' });
    expect(reply.recipient).toBe(siti.email);
    expect(JSON.parse(reply.model)).toEqual({ minutes: 30 });

    // Another sender is not affected by Siti's bucket.
    expect((await ingest(await application(7, PEOPLE.budi.email))).outcome).toBe('request');

    // 29 minutes later: still refused, and still no second reply in the same window.
    now = new Date(now.getTime() + 29 * 60_000);
    expect((await ingest(await application(8))).reason).toBe('rate_limited');
    expect((await count()).limitedReplies).toBe(1);

    // After the refill interval a token is back: the application is opened.
    now = new Date(now.getTime() + 2 * 60_000);
    expect((await ingest(await application(9))).outcome).toBe('request');
    const end = await count();
    expect(end.requests).toBe(4);
    // Refused messages stored nothing: documents only for the 4 opened requests (the original message each).
    expect(end.documents).toBe((afterBurst.documents / 2) * 4);
  });
});
