import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedbackId } from '../../core/campaigns/report-intake.ts';
import { parseReportEmail } from './parse-dsn.ts';

const DIR = path.join(import.meta.dirname, '../../../test/fixtures/delivery-reports');
const parse = (name: string) => parseReportEmail(fs.readFileSync(path.join(DIR, name)));

describe('report emails: the corpus', () => {
  it('a Postfix hard bounce: the Original-Recipient lower-cased, status 5.1.1, our id from X-Tailor-Message', async () => {
    expect(await parse('dsn-hard-user-unknown.eml')).toEqual([{
      kind: 'bounce', severity: 'hard', email: 'nobody@example.org', messageId: 'k3Jd9aQx0Lr2VwYp5TzB8nCe4F@shop.example',
      feedbackId: 'cmp_november:1:k3Jd9aQx0Lr2VwYp5TzB8nCe4F:tailor', at: Date.parse('2026-11-02T10:15:02Z'), status: '5.1.1',
      reason: 'smtp; 550 5.1.1 user unknown', source: 'dsn',
    }]);
  });

  it('a failed action with a 4.x.x status (mailbox full) is a soft bounce', async () => {
    expect(await parse('dsn-soft-mailbox-full.eml')).toMatchObject([{ kind: 'bounce', severity: 'soft', email: 'carol@example.net', status: '4.2.2',
      messageId: 'Xq7bT1mZ0aL9pQe3rWs5uVy2Hk@shop.example' }]);
  });

  it('a delayed DSN is not a hard bounce', async () => {
    const [r, ...rest] = await parse('dsn-delayed.eml');
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ kind: 'bounce', severity: 'soft', email: 'dave@example.com', status: '4.4.1' });
    // The folded diagnostic comes back on one line.
    expect(r!.reason).toBe('X-Postfix; connect to mail.example.com[203.0.113.9]:25: Connection timed out');
  });

  it('folded fields, a value that starts on the next line, folded X-Tailor-Message and Message-ID', async () => {
    expect(await parse('dsn-folded.eml')).toMatchObject([{
      kind: 'bounce', severity: 'hard', email: 'heidi.long-name@example.org', status: '5.7.1', messageId: 'Fo1dEdHe4derValue0000000@shop.example',
      feedbackId: 'cmp_folded:2:Fo1dEdHe4derValue0000000:tailor', at: Date.parse('2026-11-07T18:19:55Z'),
      reason: "smtp; 550 5.7.1 Message rejected: the recipient's mailbox policy does not accept mail from your domain",
    }]);
  });

  it("Gmail's DSN, with a multipart/related first part", async () => {
    expect(await parse('dsn-gmail.eml')).toMatchObject([{ kind: 'bounce', severity: 'hard', email: 'ivan.nonexistent@gmail.com', status: '5.1.1',
      messageId: 'Gm4ilSty1eBounce000000000@shop.example' }]);
  });

  it("Microsoft's NDR with a four-digit status detail", async () => {
    expect(await parse('dsn-microsoft.eml')).toMatchObject([{ kind: 'bounce', severity: 'hard', email: 'judy@contoso.example', status: '5.1.10',
      messageId: 'Ms0ftNdrExample00000000000@shop.example', feedbackId: null }]);
  });

  it('only the headers returned (text/rfc822-headers): the id from Message-ID', async () => {
    expect(await parse('dsn-headers-only.eml')).toMatchObject([{ kind: 'bounce', severity: 'hard', email: 'grace@example.info', status: '5.2.1',
      messageId: 'Hj2Kl4Mn6Pq8Rs0Tu2Vw4Xy6Z@shop.example' }]);
  });

  it('one report per recipient: the failed one by its Original-Recipient, the delivered one as delivered', async () => {
    const rs = await parse('dsn-two-recipients.eml');
    expect(rs.map((r) => [r.kind, r.severity, r.email, r.status])).toEqual([
      ['bounce', 'hard', 'eve@example.edu', '5.1.1'],
      ['delivered', undefined, 'frank@example.edu', '2.0.0'],
    ]);
    expect(new Set(rs.map((r) => r.messageId))).toEqual(new Set(['tx-Ab3dE5fG7hJ9kL1mN3pQ5r@shop.example']));
  });

  it('an ARF complaint with the recipient redacted maps back by X-Tailor-Message and Feedback-ID', async () => {
    const [r] = await parse('arf-abuse-redacted.eml');
    expect(r).toEqual({
      kind: 'complaint', email: null, messageId: 'Rd4ctEdArfReport000000000@shop.example', feedbackId: 'cmp_weekly:3:Rd4ctEdArfReport000000000:tailor',
      at: Date.parse('2026-11-11T04:18:02Z'), status: null, reason: 'abuse', source: 'arf',
    });
  });

  it('an ARF complaint whose headers were cut to the Feedback-ID keeps it, and its token names the message', async () => {
    const [r] = await parse('arf-feedback-id-only.eml');
    expect(r).toMatchObject({ kind: 'complaint', email: null, messageId: null, feedbackId: 'cmp_weekly:3:Fb1dOnlyArfT0ken0000000000:tailor' });
    expect(parseFeedbackId(r!.feedbackId)).toEqual({ campaignId: 'cmp_weekly', step: 3, token: 'Fb1dOnlyArfT0ken0000000000' });
  });

  it('an ARF complaint with Original-Rcpt-To gives the address', async () => {
    expect(await parse('arf-original-rcpt-to.eml')).toMatchObject([{ kind: 'complaint', email: 'kim@isp.example', messageId: 'Or1gRcptToArf000000000000@shop.example' }]);
  });

  it('a plain email (an out-of-office reply quoting our message) gives nothing', async () => {
    expect(await parse('plain-email.eml')).toEqual([]);
  });

  it('every fixture is covered by a test above', () => {
    expect(fs.readdirSync(DIR).filter((f) => f.endsWith('.eml')).length).toBe(12);
  });
});

describe('report emails: edge cases', () => {
  const arf = (type: string) => [
    'From: fbl@isp.example', 'To: abuse@shop.example', 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'report', '',
    '--b', 'Content-Type: message/feedback-report', '', `Feedback-Type: ${type}`, 'Version: 1', '',
    '--b', 'Content-Type: text/rfc822-headers', '', 'Message-ID: <abc@shop.example>', '', '--b--', '',
  ].join('\r\n');

  it('not-spam and auth-failure feedback is not a complaint', async () => {
    expect(await parseReportEmail(arf('not-spam'))).toEqual([]);
    expect(await parseReportEmail(arf('auth-failure'))).toEqual([]);
    expect(await parseReportEmail(arf('abuse'))).toMatchObject([{ kind: 'complaint', messageId: 'abc@shop.example' }]);
  });

  it('a failed recipient without any status is a hard bounce (the MTA gave up)', async () => {
    const raw = ['From: MAILER-DAEMON@mx.example', 'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"', '',
      '--b', 'Content-Type: text/plain', '', 'failed', '',
      '--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example', '',
      'Final-Recipient: rfc822; <X@Example.com>', 'Action: failed', '', '--b--', ''].join('\r\n');
    expect(await parseReportEmail(raw)).toMatchObject([{ kind: 'bounce', severity: 'hard', email: 'x@example.com', messageId: null, status: null }]);
  });
});

describe('parseFeedbackId', () => {
  it('reads <campaign>:<step>:<token>:tailor, a campaign id with colons included, and refuses others', () => {
    expect(parseFeedbackId('c1:0:tok:tailor')).toEqual({ campaignId: 'c1', step: 0, token: 'tok' });
    expect(parseFeedbackId('a:b:2:tok:tailor')).toEqual({ campaignId: 'a:b', step: 2, token: 'tok' });
    expect(parseFeedbackId('c1:x:tok:tailor')).toBeNull();
    expect(parseFeedbackId('c1:0:tok:other')).toBeNull();
    expect(parseFeedbackId('1234:5678')).toBeNull();
    expect(parseFeedbackId(null)).toBeNull();
  });
});
