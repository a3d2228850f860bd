import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, createTestTailor, KEYS, type TestTailor } from '../helpers/tailor.ts';

const SECRET = 'whsec-0123456789abcdef';
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SENDGRID_KEY = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const basic = (pass: string) => `Basic ${Buffer.from(`tailor:${pass}`).toString('base64')}`;

describe.each(dialects)('POST /v1/webhooks/bounce on $name', ({ url }) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function open(secrets: { webhookSecret?: string; sendgridPublicKey?: string } = { webhookSecret: SECRET }) {
    const t: TestTailor = await createTestTailor(loadConfig({}, { db: await url(), ...secrets }));
    const app = createServer(t, KEYS);
    close = async () => { await app.close(); await t.close(); };
    const post = (query: string, body: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: `/v1/webhooks/bounce${query}`, payload: body, headers: { 'content-type': 'application/json', ...headers } });
    return { t, app, post };
  }

  const generic = JSON.stringify([{ type: 'bounce', email: 'Gone@Example.com', severity: 'hard', status: '5.1.1', messageId: 'm1@shop.example', at: '2026-11-01T00:00:00Z' }]);

  it('with the shared secret (Basic password or header) applies the reports; a retry counts once', async () => {
    const { t, post } = await open();
    const first = await post('', generic, { authorization: basic(SECRET) });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ ok: true, applied: 1, hard: 1, unmatched: 1, duplicates: 0 });
    expect((await t.campaigns.suppressions.match(['gone@example.com'])).get('gone@example.com')).toMatchObject({ reason: 'hard_bounce', source: 'generic' });
    const retry = await post('?provider=generic', generic, { 'x-tailor-webhook-secret': SECRET });
    expect(retry.json()).toMatchObject({ applied: 0, duplicates: 1 });
  });

  it('refuses a wrong or missing secret and the admin key, with the error shape and a Basic challenge', async () => {
    const { post } = await open();
    for (const headers of [{}, { authorization: basic('wrong-secret-wrong') }, { authorization: ADMIN_AUTH }] as Record<string, string>[]) {
      const r = await post('', generic, headers);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect(r.headers['www-authenticate']).toMatch(/^Basic /);
    }
  });

  it('with no secret configured, refuses every request', async () => {
    const { post } = await open({});
    const r = await post('', generic, { authorization: basic(SECRET) });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toMatch(/no webhook secret is configured/);
  });

  it('a bad body is a 400 with the field; an unknown provider too', async () => {
    const { post } = await open();
    const bad = await post('', JSON.stringify([{ type: 'bounce', email: 'not an address' }]), { authorization: basic(SECRET) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: 'validation_failed', message: expect.any(String), field: '[0].email' } });
    const notJson = await post('', '{"type":', { authorization: basic(SECRET) });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_json');
    const provider = await post('?provider=mailgun', generic, { authorization: basic(SECRET) });
    expect(provider.statusCode).toBe(400);
    expect(provider.json().error.field).toBe('provider');
  });

  it('SES: an SNS SubscriptionConfirmation (as text/plain) is answered 200 without acting; a Complaint notification is applied', async () => {
    const { t, post } = await open();
    const confirm = JSON.stringify({ Type: 'SubscriptionConfirmation', MessageId: 'x', Token: 'tok', TopicArn: 'arn:aws:sns:us-east-1:1:bounces',
      SubscribeURL: 'http://127.0.0.1:1/should-never-be-fetched', Message: 'You have chosen to subscribe…', Timestamp: '2026-11-01T00:00:00Z' });
    const r = await post('?provider=ses', confirm, { authorization: basic(SECRET), 'content-type': 'text/plain; charset=UTF-8' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, applied: 0, subscription: { type: 'SubscriptionConfirmation', topicArn: 'arn:aws:sns:us-east-1:1:bounces' } });

    const complaint = JSON.stringify({ Type: 'Notification', TopicArn: 'arn', Message: JSON.stringify({ notificationType: 'Complaint',
      mail: { messageId: 'ses-1', timestamp: '2026-11-01T00:00:00Z' },
      complaint: { complainedRecipients: [{ emailAddress: 'angry@example.com' }], complaintFeedbackType: 'abuse', timestamp: '2026-11-01T00:00:01Z' } }) });
    const c = await post('?provider=ses', complaint, { authorization: basic(SECRET), 'content-type': 'text/plain; charset=UTF-8' });
    expect(c.json()).toMatchObject({ complaints: 1 });
    expect((await t.campaigns.suppressions.match(['angry@example.com'])).get('angry@example.com')?.reason).toBe('complaint');
  });

  it('SendGrid: its signature over the exact bytes authenticates; the shared secret then does not', async () => {
    const { post } = await open({ webhookSecret: SECRET, sendgridPublicKey: SENDGRID_KEY });
    const body = JSON.stringify([{ email: 'sg@example.com', timestamp: Math.floor(Date.now() / 1000), event: 'spamreport', sg_message_id: 'x' }]);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(ts + body), privateKey).toString('base64');
    const headers = { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': ts };
    const ok = await post('?provider=sendgrid', body, headers);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ complaints: 1 });
    expect((await post('?provider=sendgrid', body.replace('sg@', 'xx@'), headers)).statusCode).toBe(401);
    expect((await post('?provider=sendgrid', body, { authorization: basic(SECRET) })).statusCode).toBe(401);
  });

  it('Postmark: a bounce record', async () => {
    const { post } = await open();
    const r = await post('?provider=postmark', JSON.stringify({ RecordType: 'Bounce', Type: 'HardBounce', Email: 'pm@example.com', MessageID: 'pm-1',
      BouncedAt: '2026-11-05T16:33:54.9070259Z', Details: 'smtp;550 5.1.1 unknown' }), { 'x-tailor-webhook-secret': SECRET });
    expect(r.json()).toMatchObject({ applied: 1, hard: 1 });
  });
});
