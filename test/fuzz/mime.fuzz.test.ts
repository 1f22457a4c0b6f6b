import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInbound, type ParseCode } from '../../mail/inbound/parse-message.ts';
import { detectAutomated, extractBouncedMessageId, summariseDeliveryReport } from '../../mail/understanding/automated-mail.ts';
import { classifyAttachment } from '../../mail/understanding/classify-attachment.ts';
import { classifyKind } from '../../mail/understanding/classify-kind.ts';
import { parseCertificateFields } from '../../mail/understanding/parse-certificate-fields.ts';
import { parseApplicantFields } from '../../mail/understanding/parse-fields.ts';
import { detectReplyCommand } from '../../mail/understanding/reply-keywords.ts';
import { evaluateSenderAuth } from '../../mail/understanding/sender-auth.ts';
import { applicationMail, automatedMails, hostileMails } from '../support/mail-corpus.ts';
import { PEOPLE } from '../support/people.ts';
import { tinyJpeg, tinyPdf } from '../support/sample-files.ts';
import { fuzzBudget, mutatedBytes, withinHangGuard } from './fuzz-support.ts';
import { createMailDesk } from '../../mail/mail-desk.ts';
import { ingestMessage } from '../../mail/inbound/ingest.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { mailConfig } from '../support/mail-harness.ts';
import { createTestDesk, seedDesk } from '../support/storage-desk.ts';

const LIMITS = { maxMessageBytes: 25 * 1024 * 1024 };
const PARSE_CODES: readonly ParseCode[] = ['MAIL.TOO_LARGE', 'MAIL.HEADERS_TOO_LARGE', 'MAIL.TOO_COMPLEX', 'MAIL.MALFORMED'];

/** What makes MIME interesting to break: boundaries, encodings, folded and encoded headers. */
const SNIPPETS = [
  '\r\n--', '--\r\n', '\r\n\r\n', '\r\n ', '\n', '\r', '\0',
  'Content-Type: multipart/mixed; boundary="x"\r\n', 'Content-Type: multipart/alternative; boundary=\r\n',
  'Content-Transfer-Encoding: base64\r\n', 'Content-Transfer-Encoding: quoted-printable\r\n', '=\r\n', '=ZZ', '=3D',
  '=?utf-8?B?', '=?iso-2022-jp?Q?', '?=', 'Content-Disposition: attachment; filename*=utf-8\'\'%E2%80%AE', ';;;;',
  'From: <<@@>>\r\n', 'From: "a" <a@pontianak.go.id>, (((\r\n', 'Auto-Submitted: auto-replied\r\n', 'Message-ID: <>\r\n',
  'NIK: 6171011203850003\r\n', 'Content-Type: message/rfc822\r\n\r\n', 'Content-Type: message/delivery-status\r\n',
].map((s) => Buffer.from(s, 'latin1'));

/** Everything the mail handlers do with a parsed message before storage: it must all terminate quietly. */
function understand(message: Extract<Awaited<ReturnType<typeof parseInbound>>, { ok: true }>['value']): void {
  classifyKind(message.subject, message.text);
  parseApplicantFields(message.text);
  parseCertificateFields(message.subject, message.text);
  detectReplyCommand(message.text);
  detectAutomated(message.headers, message.contentType, message.returnPath, 'ra@pontianak.go.id');
  summariseDeliveryReport(message.text);
  extractBouncedMessageId(message.text);
  evaluateSenderAuth({ from: message.from ?? '', authservId: 'mx.pontianak.go.id', officialDomains: ['pontianak.go.id'],
    authResultsHeaders: message.headers.get('authentication-results') ?? [] });
  for (const a of message.attachments) classifyAttachment(a.filename);
}

describe('fuzz: MIME messages (mutated real-looking mail)', () => {
  let seeds: Buffer[] = [];
  beforeAll(async () => {
    const andi = PEOPLE.andi;
    seeds = [
      await applicationMail({ from: andi.email, nik: andi.nik, nip: andi.nip, name: andi.name,
        attachments: [{ filename: 'ktp.jpg', content: tinyJpeg() }, { filename: 'surat pengantar.pdf', content: tinyPdf() }],
        authResults: { serverId: 'mx.pontianak.go.id', result: 'pass' } }),
      await applicationMail({ from: andi.email, subject: 'Re: [RA-2026-0001] Permohonan', text: 'SETUJU\n\n> kutipan', html: '<p>SETUJU</p>', inReplyTo: 'x@pontianak.go.id' }),
      ...automatedMails(andi.email).slice(0, 6).map((m) => m.raw),
      // The small hostile ones; the megabyte ones are covered as they are in mail-channel.test.ts.
      ...hostileMails().filter((m) => m.raw.length < 64 * 1024).map((m) => m.raw),
    ];
  });

  it('parses or refuses with a known code, and the understanding step terminates, within 5 s each', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }).chain((i) => mutatedBytes(seeds[i]!, SNIPPETS)), async (raw) => {
        const result = await withinHangGuard(() => parseInbound(raw, LIMITS));
        if (!result.ok) {
          expect(PARSE_CODES).toContain(result.code);
          return;
        }
        await withinHangGuard(() => understand(result.value));
      }),
      fuzzBudget(1000, 30_000),
    );
  });

  it('arbitrary bytes: parsed or refused, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const result = await withinHangGuard(() => parseInbound(Buffer.from(bytes), LIMITS));
        if (!result.ok) expect(PARSE_CODES).toContain(result.code);
        else await withinHangGuard(() => understand(result.value));
      }),
      fuzzBudget(500, 15_000),
    );
  });

  it('the whole ingest (understanding, use cases, vault, one commit) handles every mutated mail once, without throwing, within 5 s', async () => {
    const db: TestDatabase = await openTestDatabase('sqlite');
    try {
      const desk = createTestDesk(db.ds, db.dataDir);
      await seedDesk(desk);
      const mail = createMailDesk({
        ds: db.ds, ports: desk.ports, mail: mailConfig(''), officialDomains: ['pontianak.go.id'],
        maxFileBytes: 10 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024, afterCommit: async () => { await desk.auditLog.checkpoint(); }, ca: null,
      });
      const OUTCOMES = ['request', 'supplement', 'ticket', 'quarantined', 'ignored', 'refused'];
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }).chain((i) => mutatedBytes(seeds[i]!, SNIPPETS)), async (raw) => {
          const result = await withinHangGuard(() => ingestMessage(mail.ingest, raw, { kind: 'file' }, new Date()));
          expect(OUTCOMES).toContain(result.outcome);
          const again = await ingestMessage(mail.ingest, raw, { kind: 'file' }, new Date());
          expect(again.duplicate).toBe(true);
        }),
        fuzzBudget(150, 30_000),
      );
    } finally {
      await db.close();
    }
  }, 120_000);
});
