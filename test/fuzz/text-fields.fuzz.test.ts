import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NIK_CODES, parseNik } from '../../domain/identity/nik.ts';
import { NIP_CODES, parseNip } from '../../domain/identity/nip.ts';
import { validateRosterEntry, type RawRosterRow } from '../../domain/roster/roster-entry.ts';
import { classifyKind } from '../../mail/understanding/classify-kind.ts';
import { parseCertificateFields } from '../../mail/understanding/parse-certificate-fields.ts';
import { parseApplicantFields } from '../../mail/understanding/parse-fields.ts';
import { detectReplyCommand } from '../../mail/understanding/reply-keywords.ts';
import { stripQuoted } from '../../mail/understanding/strip-quoted.ts';
import { createTemplates } from '../../templates/catalog.ts';
import { applicationBody } from '../support/mail-corpus.ts';
import { PEOPLE, rosterRow } from '../support/storage-desk.ts';
import { fuzzBudget, withinHangGuard } from './fuzz-support.ts';

const t = createTemplates();

/** A clear refusal: a stable code with an Indonesian sentence for it, rendered with its params. */
function expectClearRefusal(code: string, params: Record<string, string | number>): void {
  expect(t.has(code), `no message for ${code}`).toBe(true);
  expect(t.message(code, params).length).toBeGreaterThan(0);
}

/** Pieces of the forms applicants write, glued in any order and repeated: labels, digits, separators. */
const formPiece = fc.oneof(
  fc.constantFrom('NIK', 'N.I.K', 'NIP.', 'Nama Lengkap', 'Nama', 'Jenis Sertifikat', 'Penggunaan', 'Nomor seri', 'Alasan',
    ':', ' : ', '=', '\t', ' ', '\n', '\r\n', '> ', '>>', '-', '.', ',', '(', ')', '/', 'dan', 'TTE', 'individu', 'jabatan',
    'SETUJU', 'TERIMA', 'hilang', 'bocor', 'Re: ', 'Fwd:', '6171', '0112', '19850312', '4F:1A:9C', '\u00a0', '\u200b', 'é', '\u202e'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.stringMatching(/^[0-9 .-]{1,40}$/),
);
const formText = fc.array(formPiece, { maxLength: 400 }).map((pieces) => pieces.join(''));
/** A real application body with pieces spliced in at random places. */
const mutatedBody = fc.tuple(fc.array(fc.tuple(fc.nat(), formPiece, fc.integer({ min: 1, max: 200 })), { maxLength: 6 })).map(([edits]) => {
  let body = applicationBody({ nik: PEOPLE.andi.nik, nip: PEOPLE.andi.nip, name: PEOPLE.andi.name });
  for (const [at, piece, times] of edits) {
    const i = at % (body.length + 1);
    body = body.slice(0, i) + piece.repeat(times) + body.slice(i);
  }
  return body;
});
const anyText = fc.oneof(formText, mutatedBody, fc.string({ unit: 'binary', maxLength: 5000 }));

describe('fuzz: the body field parsers (NIK, NIP, Nama, Jenis, Penggunaan, Nomor seri, Alasan)', () => {
  it('parseApplicantFields finds a compact NIK/NIP (then parsed or clearly refused) or nothing, within 5 s', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (body) => {
        const fields = await withinHangGuard(() => parseApplicantFields(body));
        // "As written" (a stray ';' stays and is refused below as NIK.NOT_DIGITS), but compact and bounded.
        for (const value of [fields.nik, fields.nip]) if (value !== null) expect(value).toMatch(/^\S{1,32}$/u);
        // What the domain then does with them: a parsed NIK/NIP or a clear refusal.
        for (const [value, parse] of [[fields.nik, parseNik], [fields.nip, parseNip]] as const) {
          if (value === null) continue;
          const r = parse(value);
          if (!r.ok) expectClearRefusal(r.code, r.params);
        }
      }),
      fuzzBudget(1000),
    );
  });

  it('parseCertificateFields, classifyKind, detectReplyCommand and stripQuoted terminate with a well-formed answer, within 5 s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), anyText, async (subject, body) => {
        const fields = await withinHangGuard(() => parseCertificateFields(subject, body));
        if (fields.serial !== null) expect(fields.serial).toMatch(/^[0-9A-F]+$/);
        if (fields.reason !== null) expect(fields.reason.length).toBeLessThanOrEqual(300);
        const kind = await withinHangGuard(() => classifyKind(subject, body));
        expect(kind).toBeTypeOf('object');
        expect([null, 'agree', 'receipt']).toContain(await withinHangGuard(() => detectReplyCommand(body)));
        expect(typeof (await withinHangGuard(() => stripQuoted(body)))).toBe('string');
      }),
      fuzzBudget(800),
    );
  });
});

describe('fuzz: NIK and NIP', () => {
  const digitsLike = fc.oneof(fc.stringMatching(/^[0-9]{0,20}$/), fc.stringMatching(/^[0-9 .\-\u0660-\u0669\uff10-\uff19]{0,24}$/), fc.string({ unit: 'binary', maxLength: 40 }));
  it('parseNik and parseNip answer a value or a clear refusal for any input', () => {
    fc.assert(
      fc.property(digitsLike, (input) => {
        const nik = parseNik(input);
        if (!nik.ok) { expect(NIK_CODES).toContain(nik.code); expectClearRefusal(nik.code, nik.params); }
        const nip = parseNip(input);
        if (!nip.ok) { expect(NIP_CODES).toContain(nip.code); expectClearRefusal(nip.code, nip.params); }
      }),
      fuzzBudget(2000),
    );
  });
});

describe('fuzz: roster rows', () => {
  const base = rosterRow(PEOPLE.andi);
  const cell = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.stringMatching(/^[0-9 ]{0,20}$/), fc.constantFrom('', ' ', 'asn', 'official', 'ASN ', 'pejabat', '"', ',', '\n'));
  const row = fc.record({
    nip: fc.oneof(fc.constant(base.nip), cell), nik: fc.oneof(fc.constant(base.nik), cell), name: fc.oneof(fc.constant(base.name), cell),
    email: fc.oneof(fc.constant(base.email), cell, fc.emailAddress()), agency: fc.oneof(fc.constant(base.agency), cell),
    position: fc.oneof(fc.constant(base.position), cell), superior_nip: fc.oneof(fc.constant(''), fc.constant(PEOPLE.siti.nip), cell),
    category: fc.oneof(fc.constant('asn'), cell),
  }) satisfies fc.Arbitrary<RawRosterRow>;

  it('validateRosterEntry accepts a row or refuses it with a code naming the column, never a value', () => {
    fc.assert(
      fc.property(row, (raw) => {
        const r = validateRosterEntry(raw, ['pontianak.go.id']);
        if (r.ok) return;
        expectClearRefusal(r.code, r.params);
        for (const value of Object.values(r.params)) {
          for (const secret of [raw.nik, raw.nip, raw.email, raw.name]) {
            if (secret.trim().length >= 6) expect(String(value)).not.toContain(secret.trim());
          }
        }
      }),
      fuzzBudget(2000),
    );
  });
});
