import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplates } from '../../templates/catalog.ts';
import { MAIL_TEMPLATES, renderMail, type MailTemplate, type RenderedMail } from '../../mail/outbox/render-mail.ts';
import { classifyKind } from '../../mail/understanding/classify-kind.ts';
import { isRaError } from '../../domain/shared/ra-error.ts';
import { CASE_KINDS, type CaseKind } from '../../domain/requests/case-kind.ts';
import { ALL_RULE_CODES } from '../../domain/issuance/verification-rules.ts';
import type { Params } from '../../domain/shared/result.ts';
import type { Notification } from '../../domain/ports/notifier.ts';
import { submitApplication, type ApplicationInput } from '../../domain/use-cases/submit-application.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';
import { openTicket } from '../../domain/use-cases/open-ticket.ts';
import type { DecisionOutcome } from '../../domain/requests/case-record.ts';
import { createFakeDesk, passingChecks, PEOPLE, type FakeDesk } from '../support/fake-ports.ts';
import { tinyJpeg, tinyPdf, tinyPng } from '../support/sample-files.ts';

/**
 * Every e-mail the desk sends (STYLE.md §10): each template renders with realistic data in both parts,
 * threads by its `[OP-…]` / `[TK-…]` subject tag, explains every missing item (Pasal 15(5)), shows a
 * hostile filename safely, and refuses a broken model without echoing its values.
 */
const t = createTemplates();

type Model = Readonly<Record<string, unknown>>;

/** The outbox stores models as JSON; render what a sender would read back. */
const asStored = (model: Model): Model => JSON.parse(JSON.stringify(model)) as Model;

const render = (template: MailTemplate, model: Model): RenderedMail => renderMail(t, template, asStored(model));

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };

/** What a reader of the HTML part sees: tags out, entities decoded, whitespace collapsed. */
const visible = (html: string): string =>
  squash(html.replace(/<head>[\s\S]*<\/head>/, ' ').replace(/<br>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&[#\w]+;/g, (e) => ENTITIES[e] ?? e));

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

const LEFTOVERS = /undefined|\[object Object\]|NaN|\{\{|\}\}/;
const CLOSING = 'Hormat kami,\nOtoritas Pendaftaran Sertifikat Elektronik\nDinas Komunikasi dan Informatika Kota Pontianak';
const NEVER_ASKS = /tidak akan pernah meminta passphrase, PIN, atau kunci privat/;
const HOSTILE_FILENAME = '<script>alert(1)</script>.pdf';

// ------------------------------------------------------------------------------------- samples

interface Sample {
  readonly title: string;
  readonly template: MailTemplate;
  readonly model: Model;
  /** The case id the subject must carry in square brackets; null for a mail about no case. */
  readonly tag: string | null;
}

const MISSING = [
  { rule: 'cover_letter', code: 'VERIFY.COVER_LETTER_MISSING', params: {} },
  { rule: 'official_email', code: 'VERIFY.EMAIL_NOT_OFFICIAL', params: { domains: 'pontianak.go.id' } },
  { rule: 'ktp_scan', code: 'VERIFY.KTP_SCAN_MISSING', params: {} },
  { rule: 'identity', code: 'NIK.BAD_LENGTH', params: { length: 15 } },
] as const;

const REFUSED = [
  { filename: HOSTILE_FILENAME, code: 'DOCUMENT.EMPTY', params: {} },
  { filename: 'Scan KTP Budi Santoso.jpg', code: 'DOCUMENT.TOO_LARGE', params: { sizeMb: 14, maxMb: 10 } },
  { filename: 'rekomendasi_kabid.docx', code: 'DOCUMENT.UNSUPPORTED_TYPE', params: { allowed: 'PDF, JPG, atau PNG' } },
] as const;

const REASONS = [
  'Surat rekomendasi belum ditandatangani oleh atasan langsung.',
  'Nama pada surat pengantar (Siti Aminah, S.Kom.) berbeda dengan nama pada e-KTP.',
];

const decisionModel = (outcome: DecisionOutcome, kind: 'issuance' | 'renewal' | 'revocation', reasons: readonly string[] = REASONS): Model => ({
  requestId: 'OP-2026-000123', kind, outcome, reasons, note: outcome === 'approve' ? '' : 'Silakan hubungi kami bila ada pertanyaan.\nTerima kasih.',
});

const SAMPLES: readonly Sample[] = [
  {
    title: 'complete, with a name and a refused extra file', template: 'application-received', tag: 'OP-2026-000123',
    model: { requestId: 'OP-2026-000123', name: 'Siti Aminah', missing: [], refusedDocuments: [REFUSED[2]] },
  },
  {
    title: 'complete, as the use case queues it (no name)', template: 'application-received', tag: 'OP-2026-000124',
    model: { requestId: 'OP-2026-000124', missing: [], refusedDocuments: [] },
  },
  {
    title: 'four items missing, three files refused', template: 'application-incomplete', tag: 'OP-2026-000125',
    model: { requestId: 'OP-2026-000125', missing: MISSING, refusedDocuments: REFUSED },
  },
  { title: 'issuance approved', template: 'decision-approve', tag: 'OP-2026-000123', model: decisionModel('approve', 'issuance', []) },
  { title: 'renewal approved', template: 'decision-approve', tag: 'OP-2026-000123', model: decisionModel('approve', 'renewal', []) },
  { title: 'revocation approved', template: 'decision-approve', tag: 'OP-2026-000123', model: decisionModel('approve', 'revocation', []) },
  { title: 'issuance rejected', template: 'decision-reject', tag: 'OP-2026-000123', model: decisionModel('reject', 'issuance') },
  { title: 'issuance returned', template: 'decision-return', tag: 'OP-2026-000123', model: decisionModel('return', 'issuance') },
  { title: 'revocation returned', template: 'decision-return', tag: 'OP-2026-000123', model: decisionModel('return', 'revocation') },
  {
    title: 'sent from gmail.com', template: 'not-official-address', tag: null,
    model: { fromDomain: 'gmail.com', officialDomains: ['pontianak.go.id', 'diskominfo.pontianak.go.id'] },
  },
  { title: 'sender domain unknown', template: 'not-official-address', tag: null, model: { fromDomain: '', officialDomains: ['pontianak.go.id'] } },
  { title: 'too many new requests from one address', template: 'rate-limited', tag: null, model: { minutes: 12 } },
  { title: 'a colleague writes on the thread', template: 'thread-not-applicant', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123' } },
  { title: 'incident', template: 'ticket-received', tag: 'TK-2026-000045', model: { ticketId: 'TK-2026-000045', kind: 'incident' } },
  { title: 'help', template: 'ticket-received', tag: 'TK-2026-000046', model: { ticketId: 'TK-2026-000046', kind: 'help', name: 'Budi Santoso' } },
  { title: 'complaint', template: 'ticket-received', tag: 'TK-2026-000047', model: { ticketId: 'TK-2026-000047', kind: 'complaint' } },
  { title: 'the reporter writes again after an answer', template: 'ticket-follow-up', tag: 'TK-2026-000046', model: { ticketId: 'TK-2026-000046', status: 'open', reopened: 'yes' } },
  { title: 'the reporter writes again while BSrE is asked', template: 'ticket-follow-up', tag: 'TK-2026-000046', model: { ticketId: 'TK-2026-000046', status: 'escalated', reopened: 'no' } },
  { title: 'the complainant writes again after it was resolved', template: 'ticket-follow-up', tag: 'TK-2026-000047', model: { ticketId: 'TK-2026-000047', status: 'resolved', reopened: 'no' } },
  {
    title: 'an officer answers', template: 'ticket-answered', tag: 'TK-2026-000046',
    model: {
      ticketId: 'TK-2026-000046', name: 'Budi Santoso',
      answer: 'Selamat siang Pak Budi,\n\nGagal tanda tangan di aplikasi SRIKANDI biasanya karena sertifikat belum diaktifkan.\n1. Buka menu Profil.\n2. Pilih "Aktivasi sertifikat".',
    },
  },
  { title: 'unclassified message', template: 'desk-capabilities', tag: 'TK-2026-000048', model: { ticketId: 'TK-2026-000048', kind: 'help' } },
  { title: 'Telegram binding code', template: 'otp-code', tag: null, model: { code: '482913', name: 'Siti Aminah' } },
  { title: 'subscriber agreement', template: 'subscriber-agreement', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123' } },
  { title: 'agreement accepted', template: 'agreement-accepted', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123' } },
  {
    title: 'lost key, evidence missing', template: 'revocation-received', tag: 'OP-2026-000124',
    model: {
      requestId: 'OP-2026-000124', serial: '4F1A9C2B7D', ground: 'lost', incidentId: 'TK-2026-000049', reapply: 'yes', name: 'Siti Aminah',
      missing: [{ rule: 'police_report', code: 'VERIFY.POLICE_REPORT_MISSING', params: {} }, { rule: 'owner_statement', code: 'VERIFY.OWNER_STATEMENT_MISSING', params: {} }],
      refusedDocuments: [],
    },
  },
  {
    title: 'moved to another city, complete', template: 'revocation-received', tag: 'OP-2026-000125',
    model: { requestId: 'OP-2026-000125', serial: '4F1A9C2B7E', ground: 'moved_retired', incidentId: '', reapply: 'no', missing: [], refusedDocuments: [] },
  },
  {
    title: 'revoked', template: 'revocation-completed', tag: 'OP-2026-000124',
    model: { requestId: 'OP-2026-000124', serial: '4F1A9C2B7D', ground: 'lost', revokedAt: '2026-11-25T03:04:05.000Z', name: 'Siti Aminah' },
  },
  { title: 'renewal of an unknown certificate', template: 'request-refused', tag: null, model: { kind: 'renewal', code: 'RENEW.CERTIFICATE_UNKNOWN', params: {} } },
  { title: 'revocation without a serial', template: 'request-refused', tag: null, model: { kind: 'revocation', code: 'MAIL.SERIAL_REQUIRED', params: {} } },
  { title: 'agreement accepted, CSR by mail (sandbox)', template: 'agreement-accepted', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123', csrByMail: 'yes' } },
  {
    title: 'certificate delivered', template: 'certificate-issued', tag: 'OP-2026-000123',
    model: {
      requestId: 'OP-2026-000123', serial: '4f1a9c2b7d', notAfter: '2028-11-25T03:00:00.000Z', fingerprint: 'ab'.repeat(32), name: 'Siti Aminah',
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
    },
  },
  { title: 'weak CSR', template: 'csr-refused', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123', code: 'CSR.WEAK_KEY', params: { bits: 1024, minBits: 2048 } } },
  { title: 'receipt', template: 'receipt-confirmed', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123', at: '2026-11-25T03:04:05.000Z' } },
  {
    title: 'incident report to the Walikota, lost token with personal data', template: 'incident-report', tag: 'TK-2026-000050',
    model: {
      ticketId: 'TK-2026-000050', category: 'key_lost_damaged', openedAt: '2026-11-25T02:00:00.000Z', reportedAt: '2026-11-25T02:20:00.000Z',
      channel: 'telegram', agency: 'Dinas Komunikasi dan Informatika', description: 'Token hilang bersama tas di angkot, NIK [nomor identitas disamarkan].',
      revocationId: 'OP-2026-000124', serial: '4F1A9C2B7D', personalData: 'yes', pdpDeadline: '2026-11-28T02:00:00.000Z', timeZone: 'Asia/Pontianak', addressee: 'walikota',
    },
  },
  {
    title: 'incident report to an untagged address, no personal data', template: 'incident-report', tag: 'TK-2026-000051',
    model: {
      ticketId: 'TK-2026-000051', category: 'authenticity', openedAt: '2026-11-25T02:00:00.000Z', reportedAt: '2026-11-25T03:00:00.000Z',
      channel: 'email', agency: '', description: 'Dokumen ditandatangani atas nama saya tanpa izin.', revocationId: '', serial: '', personalData: 'no', pdpDeadline: '', addressee: '',
    },
  },
  {
    title: 'help request to BSrE', template: 'help-escalation', tag: 'TK-2026-000052',
    model: { ticketId: 'TK-2026-000052', description: 'Gagal tanda tangan di SRIKANDI: "pengguna tidak terdaftar".', openedAt: '2026-11-25T02:00:00.000Z', channel: 'email' },
  },
  {
    title: 'complaint about an officer to BSrE', template: 'complaint-forward', tag: 'TK-2026-000053',
    model: {
      ticketId: 'TK-2026-000053', requestId: 'OP-2026-000123', openedAt: '2026-11-25T02:00:00.000Z', forwardedAt: '2026-11-26T02:00:00.000Z',
      officerName: 'Andi Pratama', appointmentRef: '800/12/DISKOMINFO/2026', description: 'Permohonan saya ditolak tanpa alasan yang jelas.', addressee: 'bsre',
    },
  },
  {
    title: 'needs inventory recorded', template: 'needs-received', tag: null,
    model: { outcome: 'recorded', agency: 'Dinas Kesehatan', year: '2026', individual: '20', position: '3', system: '0', total: '23' },
  },
  { title: 'needs inventory refused', template: 'needs-received', tag: null, model: { outcome: 'refused', code: 'NEEDS.BAD_COUNTS', params: { max: 20000 } } },
  { title: 'BSrE waits for the identity form (bsre-manual)', template: 'bsre-stalled', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123', kind: 'identity_form_done', step: 'identity_form_done', days: 3, name: 'Siti Aminah' } },
  { title: 'BSrE waits for the passphrase (bsre-manual)', template: 'bsre-stalled', tag: 'OP-2026-000123', model: { requestId: 'OP-2026-000123', kind: 'passphrase_set', step: 'passphrase_set', days: 4 } },
  {
    title: 'annual report to the Pasal 23(4) addressees', template: 'annual-report', tag: null,
    model: { year: '2026', html: '<!DOCTYPE html>\n<html lang="id"><body><h1>Laporan 2026</h1></body></html>\n', csv: 'permohonan_per_bulan\r\ntahun,bulan\r\n2026,1\r\n' },
  },
  {
    title: 'breach notice (Pasal 46 UU 27/2022)', template: 'breach-notice', tag: null,
    model: {
      name: 'Siti Aminah', reference: 'TK-2026-000050',
      what: 'Nama, NIP, alamat e-mail dinas, dan pindaian e-KTP yang Bapak/Ibu lampirkan pada permohonan OP-2026-000123.',
      when: 'Antara 20 November 2026 pukul 22.00 WIB dan 21 November 2026 pukul 06.00 WIB.',
      how: 'Salinan cadangan server OP tersimpan tanpa kata sandi pada folder bersama yang dapat dibuka pegawai lain.',
      remedy: 'Folder telah ditutup dan salinan dihapus pada 21 November 2026; kunci induk arsip telah diganti.\nWaspadai pesan yang mengatasnamakan OP; laporkan bila e-KTP Bapak/Ibu disalahgunakan.',
    },
  },
  { title: 'expiry reminder, 14 days', template: 'reminder-expiry', tag: null, model: { certificateId: 'c0ffee00-0000-4000-8000-000000000001', serial: '4F1A9C2B7D', notAfter: '2026-12-09T02:00:00.000Z', daysBefore: 14, daysLeft: 14, expiry: '9 Desember 2026', asOf: '2026-11-25T02:00:00.000Z', name: 'Siti Aminah' } },
];

// ------------------------------------------------------------------------------------ every mail

describe('mail templates (templates/id/mail)', () => {
  it('has a sample for every template', () => {
    expect(new Set(SAMPLES.map((s) => s.template))).toEqual(new Set(MAIL_TEMPLATES));
  });

  it.each(SAMPLES.map((s) => [`${s.template}: ${s.title}`, s] as const))('renders %s', (_title, sample) => {
    const mail = render(sample.template, sample.model);
    if (sample.tag) expect(mail.subject).toContain(`[${sample.tag}]`);
    else expect(mail.subject).not.toMatch(/\[(OP|TK)-/);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part.trim().length).toBeGreaterThan(0);
      expect(part).not.toMatch(LEFTOVERS);
    }
    // Reports to authorities (Pasal 9(7), 22(2), 24(1)) greet the office: "Yth. Wali Kota Pontianak,".
    expect(mail.text).toMatch(/^Yth\. (?:Bapak\/Ibu|Wali Kota|Kepala|Gubernur|Tim Layanan).*,\n\nDengan hormat,\n/);
    expect(mail.text.trimEnd().endsWith(CLOSING)).toBe(true);
    expect(mail.text).not.toMatch(/\n{3,}/);
    expect(visible(mail.html)).toMatch(/^Yth\. (?:Bapak\/Ibu|Wali Kota|Kepala|Gubernur|Tim Layanan).*, Dengan hormat, /);
    expect(visible(mail.html).endsWith(squash(CLOSING))).toBe(true);
    // The body names the case too, for readers whose client hides the subject.
    if (sample.tag) {
      expect(mail.text).toContain(sample.tag);
      expect(visible(mail.html)).toContain(sample.tag);
    }
  });

  it.each(SAMPLES.map((s) => [`${s.template}: ${s.title}`, s] as const))('keeps the HTML of %s self-contained: no scripts, images, links or remote styles', (_title, sample) => {
    const { html } = render(sample.template, sample.model);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="id">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script|<img|<iframe|<object|<embed|<link|<style|<form|\son\w+=|src=|href=|url\(|@import/i);
  });

  it('greets the applicant by name when the model has one, and politely without one', () => {
    expect(render('application-received', SAMPLES[0]!.model).text).toMatch(/^Yth\. Bapak\/Ibu Siti Aminah,\n/);
    expect(render('application-received', SAMPLES[1]!.model).text).toMatch(/^Yth\. Bapak\/Ibu Pemohon Sertifikat Elektronik,\n/);
  });

  it('does not greet anyone by an e-mail address (the register falls back to it when there is no name)', () => {
    const mail = render('ticket-received', { ticketId: 'TK-2026-000045', kind: 'help', name: PEOPLE.budi.email });
    expect(mail.text).not.toContain(PEOPLE.budi.email);
  });
});

// --------------------------------------------------------------------------------- applications

describe('application mails (Pasal 15)', () => {
  const incomplete = render('application-incomplete', { requestId: 'OP-2026-000125', missing: MISSING, refusedDocuments: REFUSED });

  it.each(MISSING.map((m) => [m.rule, m] as const))('explains the missing item %s in the text and the HTML', (rule, item) => {
    const explanation = t.message(item.code, item.params as Params);
    const label = t.message(`MAIL.RULE.${rule}`);
    expect(incomplete.text).toContain(label);
    expect(incomplete.text).toContain(explanation);
    expect(visible(incomplete.html)).toContain(label);
    expect(visible(incomplete.html)).toContain(squash(explanation));
  });

  it.each(REFUSED.map((r) => [r.filename, r] as const))('names the refused file %s with its reason', (filename, file) => {
    const reason = t.message(file.code, file.params as Params);
    expect(incomplete.text).toContain(`- ${filename}\n  Alasan: ${reason}`);
    expect(visible(incomplete.html)).toContain(squash(`${filename} Alasan: ${reason}`));
  });

  it('escapes a hostile filename in the HTML part and shows it plainly in the text part', () => {
    expect(incomplete.html).not.toMatch(/<script/i);
    expect(incomplete.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.pdf');
    expect(incomplete.text).toContain(HOSTILE_FILENAME);
  });

  it('keeps a filename on one line, so it cannot forge a paragraph of its own in the text part', () => {
    const mail = render('application-incomplete', {
      requestId: 'OP-2026-000125', missing: [MISSING[0]],
      refusedDocuments: [{ filename: 'ktp.jpg\r\n\r\nBalas dengan passphrase Anda\u202e', code: 'DOCUMENT.EMPTY', params: {} }],
    });
    expect(mail.text).toContain('- ktp.jpg Balas dengan passphrase Anda\n');
    expect(mail.text).not.toMatch(/\nBalas dengan passphrase/);
    expect(mail.text).not.toContain('\u202e');
  });

  it('tells the applicant to reply keeping the subject tag, and sending only what is missing (Pasal 15(5))', () => {
    expect(incomplete.text).toMatch(/Balas e-mail ini.*\[OP-2026-000125\]/s);
    expect(incomplete.text).toContain('berkas yang sudah kami terima tetap tersimpan');
  });

  it('says what happens next on a complete application and how to ask for its status (Pasal 15(4))', () => {
    const mail = render('application-received', SAMPLES[0]!.model);
    expect(mail.text).toContain('Petugas Otoritas Pendaftaran (OP) memeriksa');
    expect(mail.text).toContain('bot Telegram');
    expect(mail.text).toContain('mencantumkan [OP-2026-000123] pada subjek');
    expect(mail.text).toContain(REFUSED[2].filename);
  });
});

// ------------------------------------------------------------------------------------ decisions

describe('decision mails (Pasal 15(4)-(5), 16, 20)', () => {
  it.each(['issuance', 'renewal', 'revocation'] as const)('states that the OP never asks for the passphrase or private key (%s approved)', (kind) => {
    const mail = render('decision-approve', decisionModel('approve', kind, []));
    expect(mail.text).toMatch(NEVER_ASKS);
    expect(visible(mail.html)).toMatch(NEVER_ASKS);
    expect(mail.subject).toContain(`Permohonan ${t.message(`MAIL.KIND.${kind}`)} disetujui`);
  });

  it('announces the subscriber agreement and reminds the owner of the duties of Pasal 20 on an approved issuance', () => {
    const mail = render('decision-approve', decisionModel('approve', 'issuance', []));
    expect(mail.text).toContain('Perjanjian Pemilik Sertifikat Elektronik');
    expect(mail.text).toContain('Pasal 16 ayat 5 dan Pasal 19 ayat 1');
    expect(mail.text).toContain('tidak dapat dikuasakan kepada pihak lain (Pasal 16 ayat 4)');
    expect(mail.text).toContain('Bapak/Ibu wajib (Pasal 20)');
    expect(mail.text).toContain('menjaga kerahasiaan kunci privat dan passphrase');
  });

  it('does not announce an agreement for an approved revocation, and points to reissuance (Pasal 18(2)b)', () => {
    const mail = render('decision-approve', decisionModel('approve', 'revocation', []));
    expect(mail.text).not.toContain('Perjanjian Pemilik');
    expect(mail.text).toContain('Pasal 18 ayat 2 huruf b');
  });

  it.each(['decision-reject', 'decision-return'] as const)('%s lists every reason and the officer note in both parts', (template) => {
    const mail = render(template, decisionModel(template === 'decision-reject' ? 'reject' : 'return', 'issuance'));
    REASONS.forEach((reason, i) => {
      expect(mail.text).toContain(`${i + 1}. ${reason}`);
      expect(visible(mail.html)).toContain(reason);
    });
    expect(mail.text).toContain('Catatan petugas:\nSilakan hubungi kami bila ada pertanyaan.\nTerima kasih.');
    expect(mail.html).toContain('white-space:pre-wrap;">Silakan hubungi kami bila ada pertanyaan.\nTerima kasih.</p>');
  });

  it('explains a reason given as a message code, and escapes an officer note in the HTML', () => {
    const mail = render('decision-return', { ...decisionModel('return', 'issuance', ['VERIFY.RECOMMENDATION_MISSING']), note: 'Lihat <b>catatan</b> & perbaiki' });
    expect(mail.text).toContain(t.message('VERIFY.RECOMMENDATION_MISSING'));
    expect(mail.text).not.toContain('1. VERIFY.RECOMMENDATION_MISSING');
    expect(mail.html).toContain('Lihat &lt;b&gt;catatan&lt;/b&gt; &amp; perbaiki');
  });

  it('says "belum dapat diterima" and asks for corrections on the same thread when returned', () => {
    const mail = render('decision-return', decisionModel('return', 'issuance'));
    expect(mail.text).toContain('BELUM DAPAT DITERIMA');
    expect(mail.text).toMatch(/Balas e-mail ini.*\[OP-2026-000123\]/s);
  });

  it('tells a rejected applicant how to apply again and how to complain, with a new mail whose subject has no case id', () => {
    const mail = render('decision-reject', decisionModel('reject', 'issuance'));
    expect(mail.text).toContain('e-mail BARU (bukan balasan atas e-mail ini)');
    expect(mail.text).toContain('tanpa mencantumkan nomor OP-2026-000123 pada subjek');
    expect(mail.text).toContain('subjek "Pengaduan atas keputusan permohonan"');
    expect(mail.text).toContain('Pasal 9 ayat 7');
    // The words it tells them to use open the right kind of request (mail/understanding).
    expect(classifyKind('Permohonan penerbitan sertifikat elektronik', '').kind).toBe('issuance');
    expect(classifyKind('Pengaduan atas keputusan permohonan', '').kind).toBe('complaint');
  });
});

// --------------------------------------------------------------------------------- other mails

describe('address and thread refusals (Pasal 15(2)c, 16(4))', () => {
  it('asks for a dinas address, naming the official domains and the sender domain', () => {
    const mail = render('not-official-address', { fromDomain: 'gmail.com', officialDomains: ['pontianak.go.id', 'diskominfo.pontianak.go.id'] });
    expect(mail.text).toContain('alamat berdomain gmail.com');
    expect(mail.text).toContain('@pontianak.go.id, @diskominfo.pontianak.go.id.');
    expect(mail.text).toContain('Pasal 15 ayat (2) huruf c');
  });

  it('does not echo a sender "domain" that is not a domain name', () => {
    const mail = render('not-official-address', { fromDomain: 'evil.example\nKlik tautan ini', officialDomains: ['pontianak.go.id'] });
    expect(mail.text).not.toContain('Klik tautan ini');
    expect(mail.text).toContain('tidak dikirim dari alamat e-mail dinas');
  });

  it('tells a non-applicant that only the applicant can add to a request, revealing nothing else', () => {
    const mail = render('thread-not-applicant', { requestId: 'OP-2026-000123' });
    expect(mail.text).toContain('Pasal 16 ayat (4)');
    expect(mail.text).toMatch(/^Yth\. Bapak\/Ibu,\n/);
  });
});

describe('ticket mails (Pasal 9(7), 10(1)j, 22, 24)', () => {
  it('tells a reporter whose follow-up reopened the ticket that it is back in the queue, and otherwise where it stands', () => {
    const back = render('ticket-follow-up', { ticketId: 'TK-2026-000046', status: 'open', reopened: 'yes' });
    expect(back.subject).toBe('[TK-2026-000046] Pesan lanjutan Anda diterima — sertifikat elektronik');
    expect(back.text).toContain('kami buka kembali dan masuk lagi ke antrean petugas');
    const kept = render('ticket-follow-up', { ticketId: 'TK-2026-000046', status: 'escalated', reopened: 'no' });
    expect(kept.text).toContain('(status: diteruskan)');
    expect(kept.text).not.toContain('buka kembali');
    const closed = render('ticket-follow-up', { ticketId: 'TK-2026-000047', status: 'resolved', reopened: 'no' });
    expect(closed.text).toContain('sudah selesai dan tidak dibuka kembali');
    expect(closed.text).not.toContain('masih ditangani');
    expect(closed.html).toContain('sudah selesai dan tidak dibuka kembali');
    expect(() => render('ticket-follow-up', { ticketId: 'TK-2026-000046', status: 'approved', reopened: 'no' })).toThrow();
    expect(() => render('ticket-follow-up', { ticketId: 'OP-2026-000123', status: 'open', reopened: 'yes' })).toThrow();
  });

  const wording: Record<'incident' | 'help' | 'complaint', readonly string[]> = {
    incident: ['Laporan insiden keamanan', 'Pasal 24', 'teruskan kepada petugas', 'Pasal 18 ayat 2 dan 3'],
    help: ['Permintaan bantuan teknis', 'Pasal 22', 'BSrE'],
    complaint: ['Pengaduan Bapak/Ibu', 'Pasal 10 ayat 1 huruf j', 'Pasal 9 ayat 7'],
  };
  it.each(Object.entries(wording))('words the %s acknowledgement for its kind', (kind, phrases) => {
    const mail = render('ticket-received', { ticketId: 'TK-2026-000045', kind });
    for (const phrase of phrases) expect(mail.text).toContain(phrase);
    for (const [other, otherPhrases] of Object.entries(wording)) {
      if (other !== kind) expect(mail.text).not.toContain(otherPhrases[0]);
    }
    expect(mail.subject).toBe(`[TK-2026-000045] Tiket ${t.message(`MAIL.KIND.${kind}`)} diterima — sertifikat elektronik`);
  });

  it('quotes the officer answer with its line breaks', () => {
    const mail = render('ticket-answered', SAMPLES.find((s) => s.template === 'ticket-answered')!.model);
    expect(mail.text).toContain('\n1. Buka menu Profil.\n2. Pilih "Aktivasi sertifikat".\n');
    expect(mail.html).toContain('2. Pilih &quot;Aktivasi sertifikat&quot;.');
  });

  const CAPABILITIES: ReadonlyArray<readonly [CaseKind, string]> = [
    ['issuance', 'Permohonan penerbitan sertifikat elektronik'],
    ['renewal', 'Pembaruan sertifikat elektronik'],
    ['revocation', 'Pencabutan sertifikat elektronik'],
    ['incident', 'Laporan insiden keamanan sertifikat elektronik'],
    ['help', 'Bantuan teknis sertifikat elektronik'],
    ['complaint', 'Pengaduan layanan sertifikat elektronik'],
  ];
  it.each(CAPABILITIES)('lists what the desk does for %s, with an example subject the desk really understands', (kind, subject) => {
    const mail = render('desk-capabilities', { ticketId: 'TK-2026-000048', kind: 'help' });
    expect(mail.text).toContain(`Contoh subjek: ${subject}`);
    expect(visible(mail.html)).toContain(`Contoh subjek: ${subject}`);
    expect(classifyKind(subject, '')).toMatchObject({ kind, fallback: false });
  });

  it('lists the fields and attachment names an application needs', () => {
    const { text } = render('desk-capabilities', { ticketId: 'TK-2026-000048', kind: 'help' });
    for (const field of ['- NIK:', '- NIP:', '- Nama:', '- Jenis sertifikat:', '- Penggunaan:', '"pengantar"', '"rekomendasi"', '"ktp"']) {
      expect(text).toContain(field);
    }
    expect(text).toContain('e-mail baru (bukan balasan atas e-mail ini)');
  });
});

// ------------------------------------------------------------------ models as the use cases queue them

describe('models queued by the use cases', () => {
  const lastMail = (desk: FakeDesk): Notification => {
    const n = desk.state.notifications.at(-1);
    if (!n) throw new Error('nothing queued');
    return n;
  };
  const renderQueued = (n: Notification): RenderedMail => {
    expect(MAIL_TEMPLATES).toContain(n.template);
    return renderMail(t, n.template, asStored(n.model));
  };
  const application = (patch: Partial<ApplicationInput>): ApplicationInput => ({
    channel: 'email', email: PEOPLE.siti.email, nik: PEOPLE.siti.nik, nip: PEOPLE.siti.nip, name: PEOPLE.siti.name,
    certificateType: 'individual', uses: [],
    documents: [
      { kind: 'cover_letter', filename: 'pengantar.pdf', bytes: tinyPdf() },
      { kind: 'recommendation', filename: 'rekomendasi.png', bytes: tinyPng() },
      { kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() },
    ],
    ...patch,
  });

  it('renders the incomplete-application mail submitApplication queues, with its refused file', async () => {
    const desk = createFakeDesk();
    desk.state.seedPerson(PEOPLE.siti);
    const r = await submitApplication(desk.ports, application({
      documents: [{ kind: 'ktp_scan', filename: 'ktp.jpg', bytes: tinyJpeg() }, { kind: 'other', filename: HOSTILE_FILENAME, bytes: new Uint8Array(0) }],
    }));
    expect(r.ok && r.value.status).toBe('incomplete');
    const mail = renderQueued(lastMail(desk));
    expect(mail.subject).toContain(`[${r.ok ? r.value.requestId : ''}]`);
    expect(mail.text).toContain(t.message('VERIFY.COVER_LETTER_MISSING'));
    expect(mail.text).toContain(t.message('VERIFY.RECOMMENDATION_MISSING'));
    expect(mail.text).toContain(HOSTILE_FILENAME);
    expect(mail.html).not.toMatch(/<script/i);
  });

  it('renders the application-received mail submitApplication queues', async () => {
    const desk = createFakeDesk();
    desk.state.seedPerson(PEOPLE.siti);
    const r = await submitApplication(desk.ports, application({}));
    expect(r.ok && r.value.status).toBe('pending_review');
    expect(lastMail(desk).template).toBe('application-received');
    expect(renderQueued(lastMail(desk)).text).toMatch(/Permohonan sertifikat elektronik Bapak\/Ibu telah kami terima/);
  });

  it.each(['approve', 'return', 'reject'] as const)('renders the decision-%s mail decideRequest queues', async (outcome) => {
    const desk = createFakeDesk();
    const officer = desk.state.seedPerson(PEOPLE.andi);
    const applicant = desk.state.seedPerson(PEOPLE.siti);
    desk.state.seedOfficer({ telegramId: '5550002', person: officer });
    desk.state.seedCase({
      id: 'OP-2026-000007', checks: passingChecks(),
      applicant: { personId: applicant.personId, nip: applicant.nip, email: applicant.email, name: applicant.name },
    });
    const r = await decideRequest(desk.ports, {
      requestId: 'OP-2026-000007', officerTelegramId: '5550002', outcome, reasons: outcome === 'approve' ? [] : ['Cap dinas pada surat pengantar tidak terbaca.'],
    });
    expect(r.ok).toBe(true);
    const mail = renderQueued(lastMail(desk));
    expect(mail.subject).toContain('[OP-2026-000007]');
    if (outcome !== 'approve') expect(mail.text).toContain('1. Cap dinas pada surat pengantar tidak terbaca.');
  });

  it.each([['incident', false], ['help', false], ['complaint', false], ['help', true]] as const)('renders the mail openTicket queues for a %s ticket (unclassified: %s)', async (kind, unclassified) => {
    const desk = createFakeDesk();
    const r = await openTicket(desk.ports, { kind, channel: 'email', email: PEOPLE.budi.email, subject: 'Token hilang', unclassified });
    expect(r.ok).toBe(true);
    const n = lastMail(desk);
    expect(n.template).toBe(unclassified ? 'desk-capabilities' : 'ticket-received');
    expect(renderQueued(n).subject).toContain(`[${r.ok ? r.value.ticketId : ''}]`);
  });
});

// ---------------------------------------------------------------------------------- broken models

describe('model validation', () => {
  const NIK = PEOPLE.siti.nik;
  const incomplete = { requestId: 'OP-2026-000125', missing: [MISSING[0]], refusedDocuments: [] };
  const BROKEN: ReadonlyArray<readonly [MailTemplate, Model, string, string | null]> = [
    ['application-incomplete', { ...incomplete, requestId: NIK }, 'requestId', NIK],
    ['application-incomplete', { requestId: 'OP-2026-000125', refusedDocuments: [] }, 'missing', null],
    ['application-incomplete', { ...incomplete, missing: [] }, 'missing', null],
    ['application-incomplete', { ...incomplete, missing: [{ rule: 'cover_letter', code: 'Siti Aminah', params: {} }] }, 'missing[0].code', 'Siti Aminah'],
    ['application-incomplete', { ...incomplete, missing: [{ rule: 'nik_hint', code: 'VERIFY.NIK_MISSING', params: {} }] }, 'missing[0].rule', 'nik_hint'],
    ['application-incomplete', { ...incomplete, missing: [{ rule: 'official_email', code: 'VERIFY.EMAIL_NOT_OFFICIAL', params: { nik: NIK } }] }, 'missing[0].params', NIK],
    ['application-incomplete', { ...incomplete, refusedDocuments: [{ filename: Number(NIK), code: 'DOCUMENT.EMPTY', params: {} }] }, 'refusedDocuments[0].filename', NIK],
    ['application-received', { ...incomplete }, 'missing', null],
    ['decision-reject', { ...decisionModel('reject', 'issuance'), reasons: [] }, 'reasons', null],
    ['decision-reject', { ...decisionModel('reject', 'issuance'), reasons: ['   '] }, 'reasons', null],
    ['decision-approve', decisionModel('reject', 'issuance'), 'outcome', null],
    ['decision-return', { ...decisionModel('return', 'issuance'), kind: PEOPLE.siti.email }, 'kind', PEOPLE.siti.email],
    ['ticket-received', { ticketId: 'OP-2026-000123', kind: 'help' }, 'ticketId', 'OP-2026-000123'],
    ['ticket-answered', { ticketId: 'TK-2026-000046' }, 'answer', null],
    ['not-official-address', { fromDomain: 'gmail.com', officialDomains: [] }, 'officialDomains', null],
  ];

  it.each(BROKEN.map(([template, model, field, secret]) => [`${template} / ${field}`, template, model, field, secret] as const))(
    'refuses %s, naming the field but not its value',
    (_title, template, model, field, secret) => {
      let error: unknown;
      try {
        render(template, model);
      } catch (e) {
        error = e;
      }
      expect(isRaError(error, 'MAIL.BAD_MODEL'), String(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`template ${template} needs field ${field} (`);
      if (secret !== null) expect(message).not.toContain(secret);
    },
  );

  it('refuses an unknown template with its own code', () => {
    expect(() => renderMail(t, 'officer-mail-bounced', {})).toThrow(expect.objectContaining({ code: 'MAIL.UNKNOWN_TEMPLATE' }));
  });
});

// ------------------------------------------------------------------------------------ the files

describe('template files and labels', () => {
  const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

  it('has exactly a .txt.hbs and an .html.hbs file for each of MAIL_TEMPLATES', () => {
    const files = readdirSync(here('../../templates/id/mail')).sort();
    expect(files).toEqual(MAIL_TEMPLATES.flatMap((name) => [`${name}.html.hbs`, `${name}.txt.hbs`]).sort());
  });

  it('has a subject for each template, a label for each kind and each verification rule, and nothing else', () => {
    const keys = Object.keys(JSON.parse(readFileSync(here('../../templates/id/messages/mail.json'), 'utf8')) as Record<string, string>);
    expect(keys.sort()).toEqual([
      ...MAIL_TEMPLATES.map((name) => `MAIL.SUBJECT.${name}`),
      ...CASE_KINDS.map((kind) => `MAIL.KIND.${kind}`),
      ...ALL_RULE_CODES.map((rule) => `MAIL.RULE.${rule}`),
      'MAIL.UNNAMED_FILE',
    ].sort());
  });
});

describe('reports to authorities (Pasal 9(7), 22(2), 24(1))', () => {
  const sample = (title: string) => SAMPLES.find((s) => s.title.startsWith(title))!;

  it('addresses the incident report to its addressee, with category, times in WIB and the PDP deadline', () => {
    const mail = render('incident-report', sample('incident report to the Walikota').model);
    expect(mail.text).toMatch(/^Yth\. Wali Kota Pontianak,\n/);
    expect(mail.text).toContain('Pasal 24 ayat (1)');
    expect(mail.text).toContain('Pasal 24 ayat 3 huruf a');
    expect(mail.text).toContain('25 November 2026 pukul 09.00 WIB (melalui bot Telegram)');
    expect(mail.text).toContain('28 November 2026 pukul 09.00 WIB (UU 27/2022 Pasal 46)');
    expect(mail.text).toContain('permohonan pencabutan OP-2026-000124');
    expect(mail.subject).toContain('[TK-2026-000050]');
  });

  it('says plainly when no personal data is known to be involved, and greets an untagged address neutrally', () => {
    const mail = render('incident-report', sample('incident report to an untagged').model);
    expect(mail.text).toMatch(/^Yth\. Bapak\/Ibu,\n/);
    expect(mail.text).toContain('tidak diketahui melibatkan data pribadi');
    expect(mail.text).not.toContain('Perangkat Daerah pemilik sertifikat');
  });

  it('names the officer complained about and keeps the complainant at the desk', () => {
    const mail = render('complaint-forward', sample('complaint about an officer').model);
    expect(mail.text).toMatch(/^Yth\. Kepala Balai Besar Sertifikasi Elektronik \(BSrE\),\n/);
    expect(mail.text).toContain('Andi Pratama (surat penunjukan 800/12/DISKOMINFO/2026)');
    expect(mail.text).toContain('Identitas pengadu disimpan oleh Pengelola');
  });

  it('refuses an incident report with an unknown category, naming the field only', () => {
    expect(() => render('incident-report', { ...sample('incident report to the Walikota').model, category: 'alien' })).toThrow(/category/);
  });
});
