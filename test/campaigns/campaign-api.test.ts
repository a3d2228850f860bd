import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { createTestTailor, jsonRequest, KEYS, msg, type TestTailor } from '../helpers/tailor.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.first_name | default: "there" }}! '
  + '<a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>';

type Res = { statusCode: number; body: string; json(): any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const expectError = (r: Res, status: number, code: string, field?: string) => {
  expect(r.statusCode, r.body).toBe(status);
  const e = r.json().error;
  expect(e.code, r.body).toBe(code);
  expect(typeof e.message).toBe('string');
  if (field !== undefined) expect(e.field, r.body).toBe(field);
};

describe.each(dialects)('campaign and message API on $name', ({ url }) => {
  let t: TestTailor;
  let app: FastifyInstance;
  let outbox: string;
  const ids: Record<string, string> = {};

  const call = (method: Parameters<typeof jsonRequest>[1], p: string, payload?: unknown) => jsonRequest(app, method, p, payload);
  const ok = async (method: Parameters<typeof jsonRequest>[1], p: string, payload?: unknown, status = 200) => {
    const r = await call(method, p, payload);
    expect(r.statusCode, `${method} ${p}: ${r.body}`).toBe(status);
    return r.json();
  };
  const emls = () => fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
  /** The send loop until it has nothing left to do. */
  const drain = async () => {
    for (let i = 0; i < 50; i++) if ((await t.campaigns.work.tick()) === 0) return;
    throw new Error('the send loop never went idle');
  };

  beforeAll(async () => {
    outbox = tempDir('tailor-outbox-');
    t = await createTestTailor(loadConfig({}, { db: await url(), outbox, secret: 'campaign-api-test-secret-0123456789' }));
    app = createServer(t, KEYS);
    const person = (userId: string, consent: boolean | undefined, tier = 'gold') => msg({
      type: 'identify', userId, traits: { email: `${userId}@example.com`, first_name: userId, tier },
      ...(consent === undefined ? {} : { context: { consent: { categoryPreferences: { email_marketing: consent } } } }),
    });
    await t.ingest([person('ana', true), person('bob', true), person('cy', undefined), person('dee', true, 'silver')]);
    await t.realtime.drain();
    for (const u of ['ana', 'bob', 'cy', 'dee']) ids[u] = (await t.profiles.resolve({ id: u }))!;
    await ok('POST', '/v1/segments', { name: 'gold', rules: { trait: 'tier', op: 'eq', value: 'gold' } }, 201);
    await ok('POST', '/v1/templates', { name: 'news', subject: 'News for {{ profile.first_name }}', body: BODY }, 201);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('create → 201 draft; launch → sending; the loop sends to those with consent and suppresses the rest, with reasons', async () => {
    const created = await ok('POST', '/v1/campaigns', { name: 'spring', kind: 'broadcast', audience: { segments: ['gold'] }, template: 'news', topic: 'news' }, 201);
    expect(created).toMatchObject({
      name: 'spring', kind: 'broadcast', status: 'draft', template: 'news', topic: 'news', audience: { segments: ['gold'], exclude: [] },
      counts: { queued: 0, rendering: 0, sending: 0, sent: 0, deferred: 0, suppressed: 0, failed: 0, cancelled: 0 },
      launchedAt: null, finishedAt: null,
    });
    expect(created.id).toEqual(expect.any(String));
    expect(created.createdAt).toMatch(ISO);
    expect((await ok('GET', '/v1/campaigns')).campaigns.map((c: { name: string }) => c.name)).toContain('spring');

    const patched = await ok('PATCH', `/v1/campaigns/${created.id}`, { description: 'the spring news' });
    expect(patched).toMatchObject({ status: 'draft', description: 'the spring news', template: 'news' });

    const launched = await ok('POST', `/v1/campaigns/${created.id}/launch`);
    expect(launched.status).toBe('sending');
    expect(launched.launchedAt).toMatch(ISO);
    expect(launched.pinned).toEqual({ news: 1 });
    await drain();

    const got = await ok('GET', `/v1/campaigns/${created.id}`);
    expect(got.status).toBe('sent');
    expect(got.finishedAt).toMatch(ISO);
    expect(got.counts).toMatchObject({ sent: 2, suppressed: 1, queued: 0, failed: 0 });
    expect(emls()).toHaveLength(2);
    const mail = fs.readFileSync(path.join(outbox, emls()[0]!), 'utf8');
    expect(mail).toMatch(/^Subject: News for (ana|bob)/m);

    const report = await ok('GET', `/v1/campaigns/${created.id}/report`);
    expect(report).toMatchObject({ total: 3, delivered: 2, counts: { sent: 2, suppressed: 1 }, reasons: [{ state: 'suppressed', reason: 'no_consent', count: 1 }] });
    expect(report.firstSentAt).toMatch(ISO);
    expect(report.lastSentAt).toMatch(ISO);
    expect(report.note).toMatch(/opens/);

    const sent = await ok('GET', `/v1/campaigns/${created.id}/sends?state=sent`);
    expect(sent.sends.map((s: { email: string }) => s.email).sort()).toEqual(['ana@example.com', 'bob@example.com']);
    expect(sent.sends[0].sentAt).toMatch(ISO);
    expect(sent.sends[0].dueAt).toMatch(ISO);
    const page = await ok('GET', `/v1/campaigns/${created.id}/sends?limit=1`);
    expect(page.sends).toHaveLength(1);
    expect((await ok('GET', `/v1/campaigns/${created.id}/sends?limit=5&after=${page.next}`)).sends).toHaveLength(2);
    expectError(await call('GET', `/v1/campaigns/${created.id}/sends?state=nope`), 400, 'invalid_argument', 'state');

    // Explain, for the one suppressed and one who got it (by user id: any profile reference works).
    const cy = await ok('GET', `/v1/campaigns/spring/explain/cy`);
    expect(cy).toMatchObject({ profileId: ids.cy, campaign: { name: 'spring', status: 'sent' }, now: null,
      sends: [{ state: 'suppressed', reason: 'no_consent', detail: 'no email_marketing consent', step: 0, sentAt: null }] });
    expect(cy.sends[0].dueAt).toMatch(ISO);
    expect(cy.summary).toMatch(/not sent: no_consent/);
    const ana = await ok('GET', `/v1/campaigns/${created.id}/explain/${ids.ana}`);
    expect(ana.sends).toMatchObject([{ state: 'sent', email: 'ana@example.com', reason: null }]);
    expect(ana.sends[0].messageId).toMatch(/@example\.com$/);
    expect(ana.summary).toMatch(/^sent to ana@example.com at /);
    const dee = await ok('GET', `/v1/campaigns/${created.id}/explain/dee`);
    expect(dee.sends).toEqual([]);
    expect(dee.summary).toMatch(/not in the audience/);
    expectError(await call('GET', `/v1/campaigns/${created.id}/explain/nobody-at-all`), 404, 'not_found');

    // Over: no state change is allowed, and it cannot be edited.
    expectError(await call('POST', `/v1/campaigns/${created.id}/pause`), 409, 'conflict', 'status');
    expectError(await call('POST', `/v1/campaigns/${created.id}/cancel`), 409, 'conflict', 'status');
    expectError(await call('PATCH', `/v1/campaigns/${created.id}`, { description: 'x' }), 409, 'conflict', 'status');
  });

  it('a live campaign explains what would happen now; pause, resume and cancel follow the states (409 otherwise)', async () => {
    const c = await ok('POST', '/v1/campaigns', { name: 'later', audience: { segments: ['gold'] }, template: 'news' }, 201);
    expectError(await call('POST', `/v1/campaigns/${c.id}/pause`), 409, 'conflict', 'status');
    expectError(await call('POST', `/v1/campaigns/${c.id}/resume`), 409, 'conflict', 'status');
    expectError(await call('POST', `/v1/campaigns/${c.id}/schedule`, {}), 400, 'missing_field', 'at');
    expectError(await call('POST', `/v1/campaigns/${c.id}/schedule`, { at: 'tomorrow' }), 400, 'validation_failed', 'at');
    expectError(await call('POST', `/v1/campaigns/${c.id}/schedule`, { at: '2001-01-01T00:00:00Z' }), 400, 'validation_failed', 'at');

    const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const scheduled = await ok('POST', `/v1/campaigns/${c.id}/schedule`, { at });
    expect(scheduled).toMatchObject({ status: 'scheduled', schedule: { at }, nextRunAt: at });
    expectError(await call('POST', `/v1/campaigns/${c.id}/launch`), 409, 'conflict', 'status');

    const cy = await ok('GET', `/v1/campaigns/${c.id}/explain/cy`);
    expect(cy.sends).toEqual([]);
    expect(cy.now).toMatchObject({ action: 'suppress', reason: 'no_consent', email: 'cy@example.com', segments: { in: ['gold'], notIn: [] },
      consent: { email_marketing: null }, suppression: null });
    const ana = await ok('GET', `/v1/campaigns/${c.id}/explain/ana`);
    expect(ana.now).toMatchObject({ action: 'send', reason: null, email: 'ana@example.com', consent: { email_marketing: true } });
    expect(ana.summary).toMatch(/if sent now it would go to ana@example.com/);
    const dee = await ok('GET', `/v1/campaigns/${c.id}/explain/dee`);
    expect(dee.now).toMatchObject({ action: 'suppress', reason: 'left_audience', segments: { in: [], notIn: ['gold'] } });
    await t.campaigns.suppressions.add([{ kind: 'address', value: 'bob@example.com', reason: 'complaint', source: 'test', detail: null }], Date.now());
    const bob = await ok('GET', `/v1/campaigns/${c.id}/explain/bob`);
    expect(bob.now).toMatchObject({ action: 'suppress', reason: 'suppressed_address', suppression: { value: 'bob@example.com', reason: 'complaint' } });
    expect(bob.now.suppression.since).toMatch(ISO);

    expect((await ok('POST', `/v1/campaigns/${c.id}/pause`)).status).toBe('paused');
    expectError(await call('POST', `/v1/campaigns/${c.id}/pause`), 409, 'conflict', 'status');
    expect((await ok('POST', `/v1/campaigns/${c.id}/resume`)).status).toBe('scheduled');
    expectError(await call('DELETE', `/v1/campaigns/${c.id}`), 409, 'conflict', 'status');
    const cancelled = await ok('POST', `/v1/campaigns/${c.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledSends: 0 });
    expect(cancelled.finishedAt).toMatch(ISO);
    expectError(await call('POST', `/v1/campaigns/${c.id}/resume`), 409, 'conflict', 'status');
    expect((await call('DELETE', `/v1/campaigns/${c.id}`)).statusCode).toBe(204);
    expectError(await call('GET', `/v1/campaigns/${c.id}`), 404, 'not_found', 'campaign');
  });

  it('a test send renders for a real person and goes to one address, subject [Test], with no row', async () => {
    const c = await ok('POST', '/v1/campaigns', { name: 'tested', audience: { segments: ['gold'] }, template: 'news' }, 201);
    const before = new Set(emls());
    const r = await ok('POST', `/v1/campaigns/${c.id}/test`, { to: 'QA@Example.com', profileId: 'ana' });
    expect(r).toMatchObject({ to: 'QA@example.com', profileId: ids.ana });
    const file = emls().filter((f) => !before.has(f));
    expect(file).toHaveLength(1);
    const mail = fs.readFileSync(path.join(outbox, file[0]!), 'utf8');
    expect(mail).toMatch(/^Subject: \[Test\] News for ana/m);
    expect(mail).toMatch(/^To: QA@example.com/m);
    expect(mail).not.toMatch(/^List-Unsubscribe/m);
    // The body's unsubscribe link is inert: a tester's click must not unsubscribe ana.
    expect(mail).toContain('href=3D"#test-send"');
    expect(mail).not.toContain('/u/');
    // Without a profile: the first member of the audience.
    expect((await ok('POST', `/v1/campaigns/${c.id}/test`, { to: 'qa@example.com' })).profileId).toEqual(expect.any(String));
    expect((await ok('GET', `/v1/campaigns/${c.id}`)).counts.sent).toBe(0);
    expectError(await call('POST', `/v1/campaigns/${c.id}/test`, {}), 400, 'missing_field', 'to');
    expectError(await call('POST', `/v1/campaigns/${c.id}/test`, { to: 'not an address' }), 400, 'validation_failed', 'to');
    expectError(await call('POST', '/v1/campaigns/nope/test', { to: 'qa@example.com' }), 404, 'not_found');
  });

  it('bad bodies are 400 with the field; unknown campaigns 404', async () => {
    expectError(await call('POST', '/v1/campaigns', [1]), 400, 'validation_failed');
    expectError(await call('POST', '/v1/campaigns', { kind: 'broadcast', audience: { segments: ['gold'] }, template: 'news' }), 400, 'validation_failed', 'campaign.name');
    expectError(await call('POST', '/v1/campaigns', { name: 'x', kind: 'blast', audience: { segments: ['gold'] }, template: 'news' }), 400, 'validation_failed', 'campaign.kind');
    expectError(await call('POST', '/v1/campaigns', { name: 'x', audience: { segments: ['gold'] } }), 400, 'validation_failed', 'campaign.template');
    expectError(await call('POST', '/v1/campaigns', { name: 'x', audience: { segments: ['platinum'] }, template: 'news' }), 400, 'validation_failed', 'audience.segments');
    expectError(await call('POST', '/v1/campaigns', { name: 'x', audience: { segments: ['gold'] }, template: 'no-such' }), 400, 'validation_failed', 'template');
    expectError(await call('POST', '/v1/campaigns', { name: 'x', audience: { segments: ['gold'] }, template: 'news', from: 'nobody' }), 400, 'validation_failed', 'campaign.from');
    expectError(await call('POST', '/v1/campaigns', { name: 'spring', audience: { segments: ['gold'] }, template: 'news' }), 409, 'conflict');
    for (const p of ['/v1/campaigns/nope', '/v1/campaigns/nope/report', '/v1/campaigns/nope/sends', '/v1/campaigns/nope/explain/ana']) {
      expectError(await call('GET', p), 404, 'not_found', 'campaign');
    }
    expectError(await call('POST', '/v1/campaigns/nope/launch'), 404, 'not_found', 'campaign');
    expect((await jsonRequest(app, 'GET', '/v1/campaigns', undefined, null)).statusCode).toBe(401);
  });

  it('/v1/messages sends exactly once per idempotency key', async () => {
    const body = { template: 'news', to: 'ana', data: { order: 42 }, idempotencyKey: 'order-42' };
    const first = await call('POST', '/v1/messages', body);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ state: 'queued', duplicate: false });
    const again = await call('POST', '/v1/messages', body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ messageId: first.json().messageId, duplicate: true });
    const before = emls().length;
    await drain();
    await call('POST', '/v1/messages', body);
    await drain();
    expect(emls().length).toBe(before + 1);
    const status = await ok('GET', `/v1/messages/${encodeURIComponent(first.json().messageId)}`);
    expect(status).toMatchObject({ messageId: first.json().messageId, state: 'sent', duplicate: false });
    expect(status.sentAt).toMatch(ISO);
    const tx = (await ok('GET', '/v1/campaigns')).campaigns.find((c: { kind: string }) => c.kind === 'transactional');
    expect((await ok('GET', `/v1/campaigns/${tx.id}`)).counts.sent).toBe(1);

    expectError(await call('POST', '/v1/messages', { template: 'news', to: 'ana' }), 400, 'validation_failed', 'message.idempotencyKey');
    expectError(await call('POST', '/v1/messages', { ...body, idempotencyKey: 'k2', extra: 1 }), 400, 'validation_failed');
    expectError(await call('POST', '/v1/messages', { ...body, idempotencyKey: 'k3', template: 'no-such' }), 404, 'not_found');
    expectError(await call('GET', '/v1/messages/nope@example.com'), 404, 'not_found', 'messageId');
  });
});
