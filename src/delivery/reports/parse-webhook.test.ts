import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTailorError } from '../../core/errors.ts';
import { parseWebhook } from './parse-webhook.ts';
import { MAX_SIGNATURE_AGE_MS } from './sendgrid-signature.ts';
import { verifyWebhook } from './verify-webhook.ts';

/** The error code and field a call throws. */
function failure(fn: () => unknown): { code: string; field: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (isTailorError(e)) return { code: e.code, field: e.field };
    throw e;
  }
  throw new Error('expected a TailorError');
}

// The shapes of "Amazon SNS notification contents for Amazon SES" (identity notifications), ids ours.
const sesMail = {
  timestamp: '2026-11-10T14:59:37.000Z', source: 'news@shop.example', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/shop.example',
  sourceIp: '198.51.100.7', sendingAccountId: '123456789012', messageId: '0100018d1c2b3a4f-ses-own-id-000000',
  destination: ['jane@example.com'], headersTruncated: false,
  headers: [{ name: 'From', value: 'news@shop.example' }, { name: 'Message-ID', value: '<SesMsg0000000000000000000@shop.example>' },
    { name: 'X-Tailor-Message', value: 'SesMsg0000000000000000000@shop.example' }, { name: 'Feedback-ID', value: 'cmp1:0:SesMsg0000000000000000000:tailor' }],
  commonHeaders: { from: ['news@shop.example'], to: ['jane@example.com'], subject: 'Hello' },
};
const sns = (message: unknown) => ({
  Type: 'Notification', MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324', TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-bounces',
  Message: JSON.stringify(message), Timestamp: '2026-11-10T14:59:39.000Z', SignatureVersion: '1', Signature: 'EXAMPLE==',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem', UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
});
const sesBounce = (bounceType: string, status: string) => sns({
  notificationType: 'Bounce', mail: sesMail,
  bounce: { feedbackId: '0100018d-fb', bounceType, bounceSubType: 'General', timestamp: '2026-11-10T14:59:38.237Z', reportingMTA: 'dsn; a27-23.smtp-out.amazonses.com',
    bouncedRecipients: [{ emailAddress: 'Jane@Example.com', action: 'failed', status, diagnosticCode: `smtp; 550 ${status} user unknown` }] },
});

describe('SES through SNS', () => {
  it('a Permanent bounce is hard, with our id from the original headers and the Feedback-ID', () => {
    expect(parseWebhook('ses', JSON.stringify(sesBounce('Permanent', '5.1.1')))).toEqual([{
      kind: 'bounce', severity: 'hard', email: 'jane@example.com', messageId: 'SesMsg0000000000000000000@shop.example',
      feedbackId: 'cmp1:0:SesMsg0000000000000000000:tailor', at: Date.parse('2026-11-10T14:59:38.237Z'), status: '5.1.1',
      reason: 'smtp; 550 5.1.1 user unknown', source: 'ses',
    }]);
  });

  it('a Transient bounce is soft; without original headers, SES’s own message id is the last resort', () => {
    const body = sns({ notificationType: 'Bounce', mail: { ...sesMail, headers: undefined },
      bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'jane@example.com' }], timestamp: '2026-11-10T15:00:00Z' } });
    expect(parseWebhook('ses', body)).toMatchObject([{ kind: 'bounce', severity: 'soft', messageId: sesMail.messageId, status: null, reason: 'Transient MailboxFull' }]);
  });

  it('a Complaint, and a raw (unwrapped) notification', () => {
    const complaint = { notificationType: 'Complaint', mail: sesMail,
      complaint: { userAgent: 'AnyCompany Feedback Loop (V0.01)', complainedRecipients: [{ emailAddress: 'jane@example.com' }], complaintFeedbackType: 'abuse',
        arrivalDate: '2026-11-10T14:59:38.237Z', timestamp: '2026-11-10T14:59:38.237Z', feedbackId: '0100018d-fc' } };
    const expected = [{ kind: 'complaint', email: 'jane@example.com', messageId: 'SesMsg0000000000000000000@shop.example', reason: 'abuse', source: 'ses' }];
    expect(parseWebhook('ses', sns(complaint))).toMatchObject(expected);
    expect(parseWebhook('ses', complaint)).toMatchObject(expected);
  });

  it('a SubscriptionConfirmation and other notification types report nothing', () => {
    expect(parseWebhook('ses', { Type: 'SubscriptionConfirmation', Token: 't', SubscribeURL: 'https://sns.example/confirm', TopicArn: 'arn' })).toEqual([]);
    expect(parseWebhook('ses', sns({ notificationType: 'Open', mail: sesMail }))).toEqual([]);
  });

  it('a bad body names the bad field', () => {
    expect(failure(() => parseWebhook('ses', '{"Type":'))).toMatchObject({ code: 'invalid_json' });
    expect(failure(() => parseWebhook('ses', sns({ notificationType: 'Bounce', mail: sesMail, bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'nope' }] } }))))
      .toEqual({ code: 'validation_failed', field: 'Message.bounce.bouncedRecipients[0].emailAddress' });
  });
});

// "Event Webhook Reference": a JSON array of events.
const sendgridEvents = [
  { email: 'a@example.com', timestamp: 1794300000, 'smtp-id': '<SgMsgA@shop.example>', event: 'bounce', category: ['news'], sg_event_id: 'e1',
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001', reason: '550 5.1.1 unknown recipient', status: '5.1.1', type: 'bounce' },
  { email: 'b@example.com', timestamp: 1794300001, 'smtp-id': '<SgMsgB@shop.example>', event: 'bounce', reason: '550 5.7.1 blocked by policy', status: '5.7.1', type: 'blocked' },
  { email: 'c@example.com', timestamp: 1794300002, 'smtp-id': '<SgMsgC@shop.example>', event: 'dropped', reason: 'Bounced Address', status: '5.0.0' },
  { email: 'd@example.com', timestamp: 1794300003, event: 'spamreport', sg_message_id: 'sg-d', tailor_message: 'SgMsgD@shop.example' },
  { email: 'e@example.com', timestamp: 1794300004, event: 'open', sg_message_id: 'sg-e' },
  { email: 'f@example.com', timestamp: 1794300005, event: 'deferred', response: '421 4.7.0 try again later', attempt: '2' },
];

describe('SendGrid', () => {
  it('bounce (hard), blocked (soft), dropped for a bounced address (hard), spamreport (complaint), deferred (soft); opens ignored', () => {
    const rs = parseWebhook('sendgrid', JSON.stringify(sendgridEvents));
    expect(rs.map((r) => [r.kind, r.severity, r.email, r.messageId, r.status])).toEqual([
      ['bounce', 'hard', 'a@example.com', 'SgMsgA@shop.example', '5.1.1'],
      ['bounce', 'soft', 'b@example.com', 'SgMsgB@shop.example', '5.7.1'],
      ['bounce', 'hard', 'c@example.com', 'SgMsgC@shop.example', '5.0.0'],
      ['complaint', undefined, 'd@example.com', 'SgMsgD@shop.example', null],
      ['bounce', 'soft', 'f@example.com', null, '4.7.0'],
    ]);
    expect(rs[0]!.at).toBe(1794300000 * 1000);
  });

  it('a dropped spam reporter is a complaint', () => {
    expect(parseWebhook('sendgrid', [{ email: 'x@example.com', timestamp: 1, event: 'dropped', reason: 'Spam Reporting Address' }]))
      .toMatchObject([{ kind: 'complaint', email: 'x@example.com' }]);
  });

  describe('its signed event webhook', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const now = Date.UTC(2026, 10, 10, 12);
    const body = JSON.stringify(sendgridEvents);
    const signed = (ts: number, payload = body) => ({
      'X-Twilio-Email-Event-Webhook-Signature': sign('sha256', Buffer.from(`${ts}${payload}`), privateKey).toString('base64'),
      'X-Twilio-Email-Event-Webhook-Timestamp': String(ts),
    });
    const ts = now / 1000;

    it('verifies with the base64 DER key and with a PEM copy', () => {
      expect(() => verifyWebhook('sendgrid', { headers: signed(ts), rawBody: body, now }, { sendgridPublicKey: key })).not.toThrow();
      expect(() => verifyWebhook('sendgrid', { headers: signed(ts), rawBody: body, now }, { sendgridPublicKey: pem })).not.toThrow();
    });

    it('refuses a changed body, a missing header, an old or future timestamp, another key', () => {
      const refused = (headers: Record<string, string>, rawBody = body, k = key) =>
        failure(() => verifyWebhook('sendgrid', { headers, rawBody, now }, { sendgridPublicKey: k })).code;
      expect(refused(signed(ts), body.replace('a@example.com', 'z@example.com'))).toBe('unauthorized');
      expect(refused({ 'X-Twilio-Email-Event-Webhook-Timestamp': String(ts) })).toBe('unauthorized');
      expect(refused(signed(ts - MAX_SIGNATURE_AGE_MS / 1000 - 1))).toBe('unauthorized');
      expect(refused(signed(ts + MAX_SIGNATURE_AGE_MS / 1000 + 1))).toBe('unauthorized');
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
      expect(refused(signed(ts), body, other)).toBe('unauthorized');
      expect(refused(signed(ts), body, 'not a key')).toBe('unauthorized');
    });

    it('without a configured key, SendGrid falls back to the shared secret', () => {
      const secret = 'a-shared-secret-of-some-length';
      expect(() => verifyWebhook('sendgrid', { headers: { 'x-tailor-webhook-secret': secret }, rawBody: body, now }, { sharedSecret: secret })).not.toThrow();
      expect(failure(() => verifyWebhook('sendgrid', { headers: signed(ts), rawBody: body, now }, { sharedSecret: secret })).code).toBe('unauthorized');
    });
  });
});

describe('Postmark', () => {
  // "Bounce webhook" and "Spam complaint webhook" samples.
  const bounce = {
    RecordType: 'Bounce', MessageStream: 'outbound', ID: 4323372036854775807, Type: 'HardBounce', TypeCode: 1, Name: 'Hard bounce', Tag: 'Test',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483', Metadata: { tailor_message: 'PmMsg@shop.example' }, ServerID: 23,
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).', Details: 'smtp;550 5.1.1 The email account does not exist',
    Email: 'John@Example.com', From: 'news@shop.example', BouncedAt: '2026-11-05T16:33:54.9070259Z', DumpAvailable: true, Inactive: true, CanActivate: true, Subject: 'Test subject',
  };

  it('a HardBounce is hard, with our id from Metadata and the status from Details', () => {
    expect(parseWebhook('postmark', bounce)).toEqual([{ kind: 'bounce', severity: 'hard', email: 'john@example.com', messageId: 'PmMsg@shop.example',
      feedbackId: null, at: Date.parse('2026-11-05T16:33:54.907Z'), status: '5.1.1', reason: bounce.Details, source: 'postmark' }]);
  });

  it('a SoftBounce is soft; Postmark’s own id when Metadata has none; non-failures give nothing', () => {
    expect(parseWebhook('postmark', { ...bounce, Type: 'SoftBounce', Metadata: {} })).toMatchObject([{ severity: 'soft', messageId: bounce.MessageID }]);
    expect(parseWebhook('postmark', { ...bounce, Type: 'AutoResponder' })).toEqual([]);
  });

  it('a SpamComplaint record, and the older bounce record of Type SpamComplaint', () => {
    const spam = { ...bounce, RecordType: 'SpamComplaint', Type: 'SpamComplaint', TypeCode: 512, Details: 'Test spam complaint details' };
    expect(parseWebhook('postmark', spam)).toMatchObject([{ kind: 'complaint', email: 'john@example.com', reason: 'abuse' }]);
    expect(parseWebhook('postmark', { ...bounce, Type: 'SpamComplaint' })).toMatchObject([{ kind: 'complaint' }]);
  });

  it('a record without an Email is a 400 naming it', () => {
    const { Email: _e, ...rest } = bounce;
    expect(failure(() => parseWebhook('postmark', rest))).toEqual({ code: 'validation_failed', field: 'Email' });
  });
});

describe('generic JSON', () => {
  it('one event or a list; a bounce without a severity is soft', () => {
    expect(parseWebhook('generic', { type: 'bounce', email: 'A@x.example', messageId: '<m1@shop.example>', severity: 'hard', status: '5.1.1', at: '2026-11-01T00:00:00Z' }))
      .toEqual([{ kind: 'bounce', severity: 'hard', email: 'a@x.example', messageId: 'm1@shop.example', feedbackId: null, at: Date.parse('2026-11-01T00:00:00Z'),
        status: '5.1.1', reason: 'bounce', source: 'generic' }]);
    expect(parseWebhook('generic', [{ type: 'bounce', email: 'b@x.example' }, { type: 'complaint', email: 'c@x.example', reason: 'abuse' }]).map((r) => [r.kind, r.severity]))
      .toEqual([['bounce', 'soft'], ['complaint', undefined]]);
  });

  it('refuses an unknown type and a bad address with the field; an unknown provider', () => {
    expect(failure(() => parseWebhook('generic', [{ type: 'bounce', email: 'ok@x.example' }, { type: 'open', email: 'b@x.example' }]))).toEqual({ code: 'validation_failed', field: '[1].type' });
    expect(failure(() => parseWebhook('generic', { type: 'bounce', email: 'no-at' }))).toEqual({ code: 'validation_failed', field: 'email' });
    expect(failure(() => parseWebhook('mailgun' as never, {}))).toEqual({ code: 'validation_failed', field: 'provider' });
  });
});

describe('the shared secret', () => {
  const secret = 's3cret-s3cret-s3cret';
  const check = (headers: Record<string, string>, configured: { sharedSecret?: string } = { sharedSecret: secret }) =>
    verifyWebhook('generic', { headers, rawBody: '{}', now: 0 }, configured);
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('as the HTTP Basic password (any user name) or the X-Tailor-Webhook-Secret header', () => {
    expect(() => check({ Authorization: basic('tailor', secret) })).not.toThrow();
    expect(() => check({ 'X-Tailor-Webhook-Secret': secret })).not.toThrow();
  });

  it('refuses a wrong or missing secret, a secret as the user name, and everything when none is configured', () => {
    expect(failure(() => check({ Authorization: basic('tailor', `${secret}x`) })).code).toBe('unauthorized');
    expect(failure(() => check({ Authorization: basic(secret, '') })).code).toBe('unauthorized');
    expect(failure(() => check({})).code).toBe('unauthorized');
    expect(failure(() => check({ 'X-Tailor-Webhook-Secret': '' }, {})).code).toBe('unauthorized');
    expect(failure(() => check({ 'X-Tailor-Webhook-Secret': secret }, {})).code).toBe('unauthorized');
    expect(failure(() => check({ Authorization: basic('tailor', '') }, { sharedSecret: '' })).code).toBe('unauthorized');
  });
});
