import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  detectAutomated, extractBouncedMessageId, headerValues, isDeliveryReport, summariseDeliveryReport, type AutomatedReason,
} from '../../../mail/understanding/automated-mail.ts';

const OURS = 'op@pontianak.go.id';

/** Headers as inbound/parse-message.ts builds them: lower-case name → every value, topmost first. */
const headers = (entries: Record<string, string | string[]>): Map<string, string[]> =>
  new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? [v] : v]));

const HUMAN = { from: 'Budi <budi@pontianak.go.id>', subject: 'Permohonan penerbitan', 'message-id': '<a1@mail.pontianak.go.id>' };

describe('detectAutomated flags machine mail', () => {
  it.each<[string, Record<string, string | string[]>, string, string | null, AutomatedReason]>([
    ['Auto-Submitted: auto-replied', { 'auto-submitted': 'auto-replied' }, 'text/plain', null, 'auto_submitted'],
    ['Auto-Submitted: auto-generated', { 'auto-submitted': 'auto-generated' }, 'text/plain', null, 'auto_submitted'],
    ['Auto-Submitted: auto-notified', { 'auto-submitted': 'auto-notified' }, 'text/plain', null, 'auto_submitted'],
    ['Auto-Submitted with a parameter', { 'auto-submitted': 'auto-replied; owner-email="x@y.id"' }, 'text/plain', null, 'auto_submitted'],
    ['Auto-Submitted in capitals', { 'auto-submitted': 'AUTO-REPLIED' }, 'text/plain', null, 'auto_submitted'],
    ['Auto-Submitted with an unknown value', { 'auto-submitted': 'yes' }, 'text/plain', null, 'auto_submitted'],
    ['an empty Auto-Submitted', { 'auto-submitted': '' }, 'text/plain', null, 'auto_submitted'],
    ['a second Auto-Submitted other than no', { 'auto-submitted': ['no', 'auto-generated'] }, 'text/plain', null, 'auto_submitted'],
    ['Precedence: bulk', { precedence: 'bulk' }, 'text/plain', null, 'precedence'],
    ['Precedence: list', { precedence: 'list' }, 'text/plain', null, 'precedence'],
    ['Precedence: junk', { precedence: 'Junk' }, 'text/plain', null, 'precedence'],
    ['Precedence: auto_reply', { precedence: 'auto_reply' }, 'text/plain', null, 'precedence'],
    ['List-Id', { 'list-id': 'Pengumuman ASN <pengumuman.pontianak.go.id>' }, 'text/plain', null, 'list'],
    ['List-Unsubscribe', { 'list-unsubscribe': '<mailto:unsub@news.example.com>' }, 'text/plain', null, 'list'],
    ['X-Auto-Response-Suppress: All', { 'x-auto-response-suppress': 'All' }, 'text/plain', null, 'auto_response_suppress'],
    ['X-Auto-Response-Suppress: OOF, AutoReply', { 'x-auto-response-suppress': 'OOF, AutoReply' }, 'text/plain', null, 'auto_response_suppress'],
    ['X-Auto-Response-Suppress: DR, RN, NRN', { 'x-auto-response-suppress': 'DR, RN, NRN' }, 'text/plain', null, 'auto_response_suppress'],
    ['a null Return-Path "<>"', {}, 'text/plain', '<>', 'null_return_path'],
    ['a null Return-Path passed bare', {}, 'text/plain', '', 'null_return_path'],
    ['a null return-path header', { 'return-path': '<>' }, 'text/plain', null, 'null_return_path'],
    ['a DSN', {}, 'multipart/report; report-type=delivery-status; boundary="b1"', '<>', 'delivery_report'],
    ['a DSN with a real Return-Path', {}, 'multipart/report; report-type="delivery-status";\r\n\tboundary="b1"', '<x@y.id>', 'delivery_report'],
    ['a read receipt', {}, 'multipart/report; report-type=disposition-notification; boundary=b2', '<b@pontianak.go.id>', 'delivery_report'],
    ['an abuse feedback report', {}, 'multipart/report; report-type=feedback-report; boundary=b3', '<x@y.id>', 'report'],
    ['X-Autoreply: yes', { 'x-autoreply': 'yes' }, 'text/plain', null, 'autoreply_header'],
    ['X-Autorespond', { 'x-autorespond': 'Out of office' }, 'text/plain', null, 'autoreply_header'],
    ['X-Loop naming our address', { 'x-loop': 'OP@Pontianak.go.id' }, 'text/plain', null, 'loop'],
    ['X-Loop naming our address in brackets', { 'x-loop': ['list@else.id', 'Desk <op@pontianak.go.id>'] }, 'text/plain', null, 'loop'],
    ['X-Failed-Recipients', { 'x-failed-recipients': 'budi@pontianak.go.id' }, 'text/plain', '<x@mx.id>', 'bounce_header'],
    ['From MAILER-DAEMON', { from: 'Mail Delivery System <MAILER-DAEMON@mx.pontianak.go.id>' }, 'text/plain', '<x@y.id>', 'mailer_daemon'],
  ])('%s', (_case, h, contentType, returnPath, reason) => {
    expect(detectAutomated(headers({ ...HUMAN, ...h }), contentType, returnPath, OURS)).toEqual({ automated: true, reason });
  });

  it('reads the Content-Type header when the caller passes none', () => {
    const h = headers({ 'content-type': 'multipart/report; report-type=delivery-status; boundary=b' });
    expect(detectAutomated(h, '', null).reason).toBe('delivery_report');
  });

  it('accepts mailparser-style structured headers', () => {
    const parsed = new Map<string, unknown>([
      ['from', { value: [{ address: 'budi@pontianak.go.id', name: 'Budi' }], text: 'Budi <budi@pontianak.go.id>' }],
      ['list', { id: { id: 'pengumuman.pontianak.go.id' } }],
    ]);
    expect(detectAutomated(parsed, 'text/plain', null)).toEqual({ automated: true, reason: 'list' });
  });

  it('accepts any object with a get', () => {
    const lookup = { get: (name: string) => (name === 'auto-submitted' ? 'auto-generated' : undefined) };
    expect(detectAutomated(lookup, 'text/plain', null).automated).toBe(true);
  });
});

describe('detectAutomated leaves human mail alone', () => {
  it.each<[string, Record<string, string | string[]>, string, string | null]>([
    ['a plain message', {}, 'text/plain; charset=utf-8', '<budi@pontianak.go.id>'],
    ['Auto-Submitted: no', { 'auto-submitted': 'no' }, 'text/plain', '<budi@pontianak.go.id>'],
    ['Auto-Submitted: No (with a comment)', { 'auto-submitted': 'No (manual)' }, 'text/plain', null],
    ['X-Auto-Response-Suppress: None', { 'x-auto-response-suppress': 'None' }, 'text/plain', null],
    ['Precedence: normal', { precedence: 'normal' }, 'text/plain', null],
    ['Precedence: first-class', { precedence: 'first-class' }, 'text/plain', null],
    ['X-Autoreply: no', { 'x-autoreply': 'no' }, 'text/plain', null],
    ['an X-Loop naming someone else', { 'x-loop': 'helpdesk@diskominfo.pontianak.go.id' }, 'text/plain', null],
    ['a multipart with attachments', {}, 'multipart/mixed; boundary="----=_Part_1"', '<budi@pontianak.go.id>'],
    ['no Return-Path known', {}, 'multipart/alternative; boundary=x', null],
    ['a report-like subject only', { subject: 'Undeliverable: laporan' }, 'text/plain', '<budi@pontianak.go.id>'],
  ])('%s', (_case, h, contentType, returnPath) => {
    expect(detectAutomated(headers({ ...HUMAN, ...h }), contentType, returnPath, OURS)).toEqual({ automated: false, reason: null });
  });

  it('ignores X-Loop when the caller does not say which address is ours', () => {
    expect(detectAutomated(headers({ 'x-loop': OURS }), 'text/plain', null).automated).toBe(false);
  });

  it('matches our address exactly, not as part of a longer one', () => {
    expect(detectAutomated(headers({ 'x-loop': 'xop@pontianak.go.id' }), 'text/plain', null, OURS).automated).toBe(false);
    expect(detectAutomated(headers({ 'x-loop': OURS }), 'text/plain', null, ['ra@pontianak.go.id', OURS]).reason).toBe('loop');
  });
});

describe('headerValues', () => {
  it('unfolds continuation lines and trims', () => {
    expect(headerValues(headers({ 'auto-submitted': ' auto-replied;\r\n\towner=x ' }), 'Auto-Submitted')).toEqual(['auto-replied; owner=x']);
  });
});

describe('isDeliveryReport', () => {
  it.each([
    ['multipart/report; report-type=delivery-status; boundary="x"', true],
    ['Multipart/Report; Report-Type="Delivery-Status"', true],
    ['multipart/report; report-type=disposition-notification', true],
    ['multipart/report; boundary=x', true],
    ['multipart/report; report-type=feedback-report', false],
    ['multipart/mixed; boundary=x', false],
    ['text/plain', false],
    ['', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isDeliveryReport(contentType)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------------
// Delivery reports as MTAs write them.

const OUTGOING_ID = '<0f9c2a7e-1b2c@ra.pontianak.go.id>';

const postfixBounce = [
  'Return-Path: <>',
  'From: MAILER-DAEMON@mx.pontianak.go.id (Mail Delivery System)',
  'To: op@pontianak.go.id',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-Id: <20260105100000.ABC@mx.pontianak.go.id>',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="B3A1F.1736071200/mx.pontianak.go.id"',
  '',
  'This is a MIME-encapsulated message.',
  '',
  '--B3A1F.1736071200/mx.pontianak.go.id',
  'Content-Description: Notification',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'I\'m sorry to have to inform you that your message could not',
  'be delivered to one or more recipients. Message-ID: <decoy@nowhere.example>',
  '',
  '--B3A1F.1736071200/mx.pontianak.go.id',
  'Content-Description: Delivery report',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.pontianak.go.id',
  'X-Postfix-Queue-ID: B3A1F',
  'Arrival-Date: Mon,  5 Jan 2026 10:00:00 +0700 (WIB)',
  '',
  'Final-Recipient: rfc822; budi.salah@pontianak.go.id',
  'Original-Recipient: rfc822;budi.salah@pontianak.go.id',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <budi.salah@pontianak.go.id>: Recipient address rejected',
  '',
  '--B3A1F.1736071200/mx.pontianak.go.id',
  'Content-Description: Undelivered Message',
  'Content-Type: message/rfc822',
  '',
  'Return-Path: <op@pontianak.go.id>',
  'From: Otoritas Pendaftaran <op@pontianak.go.id>',
  'To: budi.salah@pontianak.go.id',
  'Subject: [OP-2026-000001] Permohonan Anda kami terima',
  'Message-ID:',
  ` ${OUTGOING_ID}`,
  'Auto-Submitted: auto-replied',
  '',
  'Yth. Bapak/Ibu, permohonan Anda telah kami terima.',
  '',
  '--B3A1F.1736071200/mx.pontianak.go.id--',
  '',
].join('\r\n');

const exchangeNdr = [
  'From: postmaster@outlook.com',
  'To: op@pontianak.go.id',
  'Subject: Undeliverable: [OP-2026-000002] Perbaikan berkas',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="_000_NDR_"',
  '',
  '--_000_NDR_',
  'Content-Type: multipart/alternative; boundary="_001_ALT_"',
  '',
  '--_001_ALT_',
  'Content-Type: text/plain; charset="us-ascii"',
  '',
  'Delivery has failed to these recipients or groups.',
  '--_001_ALT_',
  'Content-Type: text/html; charset="us-ascii"',
  '',
  '<p>Delivery has failed.</p>',
  '--_001_ALT_--',
  '',
  '--_000_NDR_',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
  'Received-From-MTA: dns;mx.pontianak.go.id',
  '',
  'Final-Recipient: rfc822;someone@outlook.com',
  'Action: failed',
  'Status: 5.2.2',
  'X-Display-Name: Someone',
  '',
  '--_000_NDR_',
  'Content-Type: text/rfc822-headers',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from(`From: op@pontianak.go.id\r\nTo: someone@outlook.com\r\nMessage-ID: <exch-1@ra.pontianak.go.id>\r\nSubject: x\r\n`).toString('base64'),
  '',
  '--_000_NDR_--',
].join('\r\n');

const delayed = postfixBounce.replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1', 'Status: 4.4.1');

const readReceipt = [
  'From: budi@pontianak.go.id',
  'Subject: Read: [OP-2026-000001]',
  'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"',
  '',
  '--mdn',
  'Content-Type: text/plain',
  '',
  'Your message was displayed.',
  '--mdn',
  'Content-Type: message/disposition-notification',
  '',
  'Reporting-UA: Thunderbird',
  'Final-Recipient: rfc822;budi@pontianak.go.id',
  `Original-Message-ID: ${OUTGOING_ID}`,
  'Disposition: manual-action/MDN-sent-manually; displayed',
  '--mdn--',
].join('\n');

const reportOnlyId = [
  'Content-Type: multipart/report; report-type=delivery-status; boundary=x',
  '',
  '--x',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.com',
  `Original-Message-ID: ${OUTGOING_ID}`,
  '',
  'Final-Recipient: rfc822; a@b.id',
  'Action: failed',
  '--x--',
].join('\n');

describe('extractBouncedMessageId', () => {
  it('finds the returned message\'s Message-ID in a Postfix bounce, not the bounce\'s own or one in prose', () => {
    expect(extractBouncedMessageId(postfixBounce)).toBe(OUTGOING_ID);
  });

  it('reads base64 text/rfc822-headers in an Exchange NDR with a nested alternative part', () => {
    expect(extractBouncedMessageId(exchangeNdr)).toBe('<exch-1@ra.pontianak.go.id>');
  });

  it('falls back to an Original-Message-ID field of the report part', () => {
    expect(extractBouncedMessageId(reportOnlyId)).toBe(OUTGOING_ID);
  });

  it('works when the caller passes only the body', () => {
    const body = postfixBounce.slice(postfixBounce.indexOf('\r\n\r\n') + 4);
    expect(extractBouncedMessageId(body)).toBe(OUTGOING_ID);
  });

  it('does not report a delay as a failure', () => {
    expect(extractBouncedMessageId(delayed)).toBeNull();
    expect(summariseDeliveryReport(delayed)).toEqual({ reportType: 'delivery-status', actions: ['delayed'], originalMessageId: OUTGOING_ID });
  });

  it('does not report a read receipt as a failure', () => {
    expect(extractBouncedMessageId(readReceipt)).toBeNull();
    expect(summariseDeliveryReport(readReceipt)).toMatchObject({ reportType: 'disposition-notification', originalMessageId: OUTGOING_ID });
  });

  it('finds a failure among several recipients', () => {
    const mixed = postfixBounce.replace('Action: failed', 'Action: failed\r\n\r\nFinal-Recipient: rfc822; ok@x.id\r\nAction: delivered');
    expect(extractBouncedMessageId(mixed)).toBe(OUTGOING_ID);
  });

  it.each([
    ['empty text', ''],
    ['a plain message', 'From: a@b.id\nSubject: hi\n\nhello'],
    ['a report without a returned message', 'Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: text/plain\n\nfailed\n--x--'],
    ['an unterminated multipart', 'Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/rfc822\n\nSubject: x'],
    ['a huge unstructured blob', '--'.repeat(2_000_000)],
  ])('returns null for %s', (_case, raw) => {
    expect(extractBouncedMessageId(raw)).toBeNull();
  });
});
