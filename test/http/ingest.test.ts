import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, KEYS, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;

describe.each(dialects)('HTTP ingest on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => {
    h = await openApp(await url());
  });
  afterEach(async () => h.close());

  const post = (path: string, payload: unknown, headers: Record<string, string> = { authorization: WRITE_AUTH }) =>
    h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const events = async () => Number((await h.t.db.kysely.selectFrom('events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  it('accepts every Segment call type and answers {success: true}', async () => {
    const calls: [string, object][] = [
      ['/v1/identify', { userId: 'u1', traits: { email: 'u1@example.com' } }],
      ['/v1/track', { userId: 'u1', event: 'Order Completed', properties: { total: 10 } }],
      ['/v1/page', { userId: 'u1', name: 'Home', properties: { path: '/' } }],
      ['/v1/screen', { anonymousId: 'dev-1', name: 'Cart' }],
      ['/v1/group', { userId: 'u1', groupId: 'acme', traits: { plan: 'team' } }],
      ['/v1/alias', { previousId: 'dev-1', userId: 'u1' }],
    ];
    for (const [path, body] of calls) {
      const r = await post(path, body);
      expect(r.statusCode, path).toBe(200);
      expect(r.json()).toEqual({ success: true });
    }
    expect(await events()).toBe(6);
    const p = await h.app.inject({ url: '/v1/profiles/u1', headers: { authorization: ADMIN_AUTH } });
    expect(p.json().eventCounts.byType).toEqual({ identify: 1, track: 1, page: 1, screen: 1, group: 1, alias: 1 });
  });

  it('accepts the write key in the body, and JSON sent as text/plain (sendBeacon)', async () => {
    expect((await post('/v1/track', { writeKey: KEYS.writeKey, userId: 'u', event: 'E' }, {})).statusCode).toBe(200);
    const r = await h.app.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'text/plain', authorization: WRITE_AUTH }, payload: JSON.stringify({ userId: 'u', event: 'F' }) });
    expect(r.statusCode).toBe(200);
  });

  it('corrects client clock skew: timestamp = receivedAt − (sentAt − originalTimestamp)', async () => {
    // The device clock is 1 hour fast: both times carry the same error.
    const skew = 3600_000;
    const before = Date.now();
    await post('/v1/track', { userId: 'sk', event: 'E', messageId: 'skew-1', timestamp: new Date(before - 60_000 + skew).toISOString(), sentAt: new Date(before + skew).toISOString() });
    const row = await h.t.db.kysely.selectFrom('events').select(['timestamp', 'received_at', 'original_timestamp']).where('message_id', '=', 'skew-1').executeTakeFirstOrThrow();
    const ts = new Date(row.timestamp as number).getTime();
    const received = new Date(row.received_at as number).getTime();
    expect(received - ts).toBe(60_000);
    expect(new Date(row.original_timestamp as number).getTime()).toBe(before - 60_000 + skew);
  });

  it('keeps context and integrations, and applies batch-level context to items', async () => {
    await post('/v1/batch', { context: { library: { name: 'x' } }, batch: [{ type: 'track', userId: 'c', event: 'E', messageId: 'ctx-1', integrations: { All: false } }] });
    const row = await h.t.db.kysely.selectFrom('events').select(['context', 'integrations']).where('message_id', '=', 'ctx-1').executeTakeFirstOrThrow();
    expect(JSON.parse(row.context as string)).toEqual({ library: { name: 'x' } });
    expect(JSON.parse(row.integrations as string)).toEqual({ All: false });
  });

  it('stores a repeated messageId once', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/v1/track', { userId: 'd', event: 'E', messageId: 'same' })).statusCode).toBe(200);
    expect(await events()).toBe(1);
  });

  it('rejects a whole batch when one item is bad, naming the item field, and stores nothing', async () => {
    const r = await post('/v1/batch', { batch: [{ type: 'track', userId: 'a', event: 'ok' }, { type: 'track', userId: 'b' }] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'missing_field', message: 'batch.1.event is required', field: 'batch.1.event' } });
    expect(await events()).toBe(0);
  });

  it.each([
    ['/v1/track', { event: 'E' }, 'userId'],
    ['/v1/track', { userId: 'u' }, 'event'],
    ['/v1/group', { userId: 'u' }, 'groupId'],
    ['/v1/alias', { userId: 'u' }, 'previousId'],
    ['/v1/identify', { traits: {} }, 'userId'],
    ['/v1/batch', {}, 'batch'],
    ['/v1/batch', { batch: [{ userId: 'u' }] }, 'batch.0.type'],
  ])('%s without a required field gets 400 naming it (%j)', async (path, body, field) => {
    const r = await post(path, body);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'missing_field', field });
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const r = await post('/v1/track', '{"userId": "u", "event": ');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('invalid_json');
  });

  it('rejects a call over 32 KB and a batch over 500 KB with 413', async () => {
    const big = 'x'.repeat(33 * 1024);
    const one = await post('/v1/track', { userId: 'u', event: 'E', properties: { big } });
    expect(one.statusCode).toBe(413);
    expect(one.json().error.code).toBe('payload_too_large');
    const item = await post('/v1/batch', { batch: [{ type: 'track', userId: 'u', event: 'E', properties: { big } }] });
    expect(item.statusCode).toBe(413);
    expect(item.json().error).toMatchObject({ code: 'payload_too_large', field: 'batch.0' });
    const batch = await post('/v1/batch', { batch: Array.from({ length: 20 }, () => ({ type: 'track', userId: 'u', event: 'E', properties: { s: 'y'.repeat(30 * 1024) } })) });
    expect(batch.statusCode).toBe(413);
    expect(await events()).toBe(0);
  });

  it('answers 401 without or with a wrong key, and 403 for the write key on admin routes', async () => {
    expect((await post('/v1/track', { userId: 'u', event: 'E' }, {})).statusCode).toBe(401);
    const wrong = await post('/v1/track', { userId: 'u', event: 'E' }, { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');
    const forbidden = await h.app.inject({ url: '/v1/profiles', headers: { authorization: WRITE_AUTH } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    expect((await h.app.inject({ url: '/v1/profiles' })).statusCode).toBe(401);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const r = await h.app.inject({ url: '/v1/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });

  it('serves profiles by id, userId, anonymousId and email, their history, and the quality report', async () => {
    await post('/v1/identify', { userId: 'p1', anonymousId: 'an1', traits: { email: 'P1@Example.com', country: 'Germany', phone: '12' } });
    await post('/v1/identify', { userId: 'p1', traits: { plan: 'pro' } });
    const admin = { authorization: ADMIN_AUTH };
    const byUser = (await h.app.inject({ url: '/v1/profiles/p1', headers: admin })).json();
    expect(byUser.traits).toEqual({ email: 'P1@example.com', country: 'DE', plan: 'pro' });
    for (const ref of [byUser.id, 'an1', 'p1@example.com']) {
      expect((await h.app.inject({ url: `/v1/profiles/${encodeURIComponent(ref)}`, headers: admin })).json().id).toBe(byUser.id);
    }
    expect((await h.app.inject({ url: '/v1/profiles/lookup?email=P1%40EXAMPLE.com', headers: admin })).json().id).toBe(byUser.id);
    expect((await h.app.inject({ url: '/v1/profiles?trait.plan=pro', headers: admin })).json().profiles.map((p: { id: string }) => p.id)).toEqual([byUser.id]);
    expect((await h.app.inject({ url: '/v1/profiles/nobody', headers: admin })).statusCode).toBe(404);
    const hist = (await h.app.inject({ url: '/v1/profiles/p1/history', headers: admin })).json();
    expect(hist.changes.filter((c: { kind: string }) => c.kind === 'trait_set').map((c: { field: string }) => c.field)).toEqual(['email', 'country', 'plan']);
    const q = (await h.app.inject({ url: '/v1/quality', headers: admin })).json();
    expect(q.byField).toEqual([expect.objectContaining({ field: 'traits.phone', count: 1, example: '12' })]);
    expect((await h.app.inject({ url: '/v1/profiles?limit=0', headers: admin })).json().error.field).toBe('limit');
  });

  it('serves /health and a status page, with the store counts for the admin key only', async () => {
    expect((await h.app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok' });
    const page = await h.app.inject({ url: '/' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('href="/health"');
    expect(page.body).not.toContain('<table id="counts">');
    for (const auth of [WRITE_AUTH, `Basic ${Buffer.from(`${KEYS.adminKey}:`).toString('base64')}`]) {
      expect((await h.app.inject({ url: '/', headers: { authorization: auth } })).body).not.toContain('<table id="counts">');
    }
    expect((await h.app.inject({ url: '/', headers: { authorization: ADMIN_AUTH } })).body).toContain('<table id="counts">');
  });
});
