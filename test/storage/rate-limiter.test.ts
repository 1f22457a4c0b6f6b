import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { createTestDesk, PEOPLE } from '../support/storage-desk.ts';
import { limitSubject, takeAllowance } from '../../domain/use-cases/take-allowance.ts';

describe.each(DATABASES)('abuse limits stored in rate_buckets on %s', (kind) => {
  let db: TestDatabase;
  afterEach(async () => { await db?.close(); });

  it('keeps one bucket per sender and kind, refuses without writing, refills with time, and stores no address', async () => {
    db = await openTestDatabase(kind);
    let now = new Date('2026-11-25T08:00:00Z');
    const desk = createTestDesk(db.ds, db.dataDir, { clock: { now: () => now }, limits: { request: { perHour: 2 }, otp: { perHour: 1 }, upload: { perHour: 0 } } });
    const p = desk.ports;
    const siti = limitSubject('mail', PEOPLE.siti.email);
    const take = (k: 'request' | 'otp' | 'upload', subject = siti) => p.uow.run((tx) => takeAllowance(p, k, subject, tx));

    expect((await take('request')).ok).toBe(true);
    expect((await take('request')).ok).toBe(true);
    const rows = async () => db.ds.query('SELECT key, tokens_milli AS "tokensMilli", updated_at AS "updatedAt" FROM rate_buckets ORDER BY key') as Promise<unknown[]>;
    const before = await rows();
    expect(await take('request')).toMatchObject({ ok: false, code: 'LIMIT.request', params: { minutes: 30 } });
    expect(await rows()).toEqual(before); // the refusal wrote nothing

    // Other kinds and other senders have their own buckets; upload 0 = unlimited.
    expect((await take('otp')).ok).toBe(true);
    expect((await take('request', limitSubject('mail', PEOPLE.budi.email))).ok).toBe(true);
    expect((await take('request', limitSubject('telegram', '8100001'))).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect((await take('upload')).ok).toBe(true);

    now = new Date(now.getTime() + 30 * 60_000);
    expect((await take('request')).ok).toBe(true);
    expect((await take('request')).ok).toBe(false);

    const dump = JSON.stringify(await rows());
    expect(dump).not.toContain('siti');
    expect(dump).not.toContain('8100001');
    expect(await rows()).toHaveLength(4);
  });
});
