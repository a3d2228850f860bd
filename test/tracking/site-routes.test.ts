import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { identifyToken, IDENTIFY_TTL_MS } from '../../src/core/tracking/site-identify.ts';
import { signToken } from '../../src/core/tracking/tokens.ts';
import { createServer } from '../../src/http.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, createTestTailor, jsonRequest, KEYS, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

const SECRET = 'site-routes-test-secret-0123456789';
const SHOP = 'https://shop.example';
const PUBLIC_URL = 'https://tailor.example.com/base';

/** A body as analytics-next sends it: JSON as text/plain, the write key inside (and, from 1.84 on, as HTTP Basic too). */
function sdkPost(app: FastifyInstance, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: path, headers: { 'content-type': 'text/plain', ...headers }, payload: JSON.stringify(body) });
}

describe.each(dialects)('site tracking routes on $name', ({ url }) => {
  let t: TestTailor;
  let app: FastifyInstance;
  let now = Date.UTC(2026, 5, 1, 12);

  beforeAll(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url(), secret: SECRET, publicUrl: PUBLIC_URL, corsOrigins: [SHOP] }), { clock: { now: () => now } });
    app = createServer(t, KEYS);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const eventsOf = async (ref: { userId?: string; anonymousId?: string; email?: string }) => {
    const id = await t.profiles.resolve(ref);
    expect(id, JSON.stringify(ref)).toBeTruthy();
    return (await t.profiles.get(id!, 50))!;
  };

  describe('the SDK short routes', () => {
    it('land every message type with the write key in the body, as text/plain', async () => {
      const anonymousId = 'anon-short-1';
      const sent = [
        ['/v1/p', { name: 'Home', properties: { path: '/' } }],
        ['/v1/t', { event: 'Product Viewed', properties: { sku: 'A1' } }],
        ['/v1/s', { name: 'Screen A' }],
        ['/v1/g', { groupId: 'g-1', traits: { plan: 'pro' } }],
        ['/v1/i', { traits: { color: 'blue' } }],
      ] as const;
      for (const [path, body] of sent) {
        const r = await sdkPost(app, path, { ...body, anonymousId, writeKey: KEYS.writeKey });
        expect(r.statusCode, `${path} ${r.body}`).toBe(200);
        expect(r.json()).toEqual({ success: true });
      }
      const p = await eventsOf({ anonymousId });
      expect(p.eventCounts.byType).toMatchObject({ page: 1, track: 1, screen: 1, group: 1, identify: 1 });
      expect(p.eventCounts.byName).toMatchObject({ 'Product Viewed': 1 });
      expect(p.traits).toMatchObject({ color: 'blue' });
    });

    it('take HTTP Basic as well, and alias and batch (the SDK\'s batching dispatcher)', async () => {
      const basic = { authorization: WRITE_AUTH };
      expect((await sdkPost(app, '/v1/t', { event: 'Signed Up', anonymousId: 'anon-short-2' }, basic)).statusCode).toBe(200);
      const a = await sdkPost(app, '/v1/a', { previousId: 'anon-short-2', userId: 'user-short-2' }, basic);
      expect(a.statusCode, a.body).toBe(200);
      expect(await t.profiles.resolve({ userId: 'user-short-2' })).toBe(await t.profiles.resolve({ anonymousId: 'anon-short-2' }));

      const b = await sdkPost(app, '/v1/b', {
        writeKey: KEYS.writeKey, sentAt: new Date(now).toISOString(),
        batch: [
          { type: 'page', name: 'Pricing', anonymousId: 'anon-short-3', writeKey: KEYS.writeKey, _metadata: { bundled: ['Segment.io'] } },
          { type: 'track', event: 'Plan Chosen', anonymousId: 'anon-short-3', writeKey: KEYS.writeKey },
        ],
      });
      expect(b.statusCode, b.body).toBe(200);
      expect((await eventsOf({ anonymousId: 'anon-short-3' })).eventCounts.byType).toMatchObject({ page: 1, track: 1 });
    });

    it('refuse a wrong or missing write key with 401 and the error body, and the admin key outside a Bearer header', async () => {
      for (const [body, headers] of [
        [{ writeKey: 'wk_wrong_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd' }, {}],
        [{}, {}],
        [{}, { authorization: `Basic ${Buffer.from('wk_wrong_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd:').toString('base64')}` }],
        [{ writeKey: KEYS.adminKey }, {}],
      ] as const) {
        const r = await sdkPost(app, '/v1/t', { event: 'X', anonymousId: 'anon-refused', ...body }, headers);
        expect(r.statusCode, r.body).toBe(401);
        expect(r.json().error.code).toBe('unauthorized');
        expect(typeof r.json().error.message).toBe('string');
      }
      expect(await t.profiles.resolve({ anonymousId: 'anon-refused' })).toBeNull();
    });

    it('validate as the long routes do, with the same error bodies', async () => {
      for (const [short, long, body] of [
        ['/v1/t', '/v1/track', { anonymousId: 'anon-bad' }],
        ['/v1/p', '/v1/page', { name: 'no one' }],
        ['/v1/b', '/v1/batch', { batch: [{ type: 'nope', anonymousId: 'x' }] }],
        ['/v1/b', '/v1/batch', {}],
      ] as const) {
        const s = await sdkPost(app, short, { ...body, writeKey: KEYS.writeKey });
        const l = await jsonRequest(app, 'POST', long, body, WRITE_AUTH);
        expect(s.statusCode, s.body).toBe(400);
        expect(s.json()).toEqual(l.json());
      }
    });
  });

  describe('the SDK settings', () => {
    it('point analytics-next at this server, for the write key only', async () => {
      const r = await app.inject({ method: 'GET', url: `/v1/projects/${KEYS.writeKey}/settings` });
      expect(r.statusCode, r.body).toBe(200);
      const s = r.json();
      expect(s.integrations['Segment.io']).toMatchObject({ apiKey: KEYS.writeKey, apiHost: 'tailor.example.com/base/v1', protocol: 'https' });
      // Nothing else to load, and no metrics for Segment's own API.
      expect(Object.keys(s.integrations)).toEqual(['Segment.io']);
      expect(s).toMatchObject({ analyticsNextEnabled: true, edgeFunction: {}, remotePlugins: [], enabledMiddleware: {}, metrics: { sampleRate: 0 } });
      expect(s.plan.track.__default.enabled).toBe(true);

      for (const key of ['wk_wrong_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd', KEYS.adminKey]) {
        const bad = await app.inject({ method: 'GET', url: `/v1/projects/${key}/settings` });
        expect(bad.statusCode).toBe(404);
        expect(bad.json().error).toMatchObject({ code: 'not_found', field: 'writeKey' });
        expect(bad.body).not.toContain(KEYS.writeKey);
      }
    });
  });

  describe('CORS', () => {
    const preflight = (path: string, origin: string) => app.inject({
      method: 'OPTIONS', url: path,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

    it('answers a preflight from a configured origin on the browser routes', async () => {
      for (const path of ['/v1/t', '/v1/b', '/t/i', `/v1/projects/${KEYS.writeKey}/settings`]) {
        const r = await preflight(path, SHOP);
        expect(r.statusCode, path).toBe(204);
        expect(r.headers['access-control-allow-origin']).toBe(SHOP);
        expect(String(r.headers['access-control-allow-methods'])).toContain('POST');
        expect(String(r.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
        expect(String(r.headers.vary)).toContain('Origin');
      }
    });

    it('gives another origin no Access-Control-Allow-Origin', async () => {
      const r = await preflight('/v1/t', 'https://evil.example');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      const post = await sdkPost(app, '/v1/t', { event: 'X', anonymousId: 'anon-evil', writeKey: KEYS.writeKey }, { origin: 'https://evil.example' });
      expect(post.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('adds the headers to answers, refusals included, for a configured origin', async () => {
      const ok = await sdkPost(app, '/v1/t', { event: 'X', anonymousId: 'anon-cors', writeKey: KEYS.writeKey }, { origin: SHOP });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
      const refused = await sdkPost(app, '/v1/t', { event: 'X', anonymousId: 'anon-cors', writeKey: 'wk_wrong_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd' }, { origin: SHOP });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe(SHOP);
      expect(refused.json().error.code).toBe('unauthorized');
    });

    it('never reaches the admin routes or the long ingest routes', async () => {
      for (const path of ['/v1/profiles', '/v1/segments', '/v1/track', '/v1/keys']) {
        const r = await preflight(path, SHOP);
        expect(r.statusCode, path).toBe(404);
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
        expect(r.json().error.code).toBe('not_found');
      }
      const get = await app.inject({ method: 'GET', url: '/v1/profiles', headers: { origin: SHOP, authorization: ADMIN_AUTH } });
      expect(get.statusCode).toBe(200);
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('a click from an email identifies the browser', () => {
    let recipient: string;
    let emailOnly: string;

    beforeAll(async () => {
      const r = await jsonRequest(app, 'POST', '/v1/batch', { batch: [
        { type: 'identify', userId: 'recipient-1', traits: { email: 'Ann@Example.com', name: 'Ann' } },
        { type: 'identify', anonymousId: 'tailor-email:bob@example.com', traits: { email: 'bob@example.com' } },
      ] }, WRITE_AUTH);
      expect(r.statusCode, r.body).toBe(200);
      recipient = (await t.profiles.resolve({ userId: 'recipient-1' }))!;
      emailOnly = (await t.profiles.resolve({ email: 'bob@example.com' }))!;
      expect(recipient && emailOnly).toBeTruthy();
    });

    const identify = (body: unknown, origin = SHOP) => app.inject({
      method: 'POST', url: '/t/i', headers: { 'content-type': 'text/plain', origin }, payload: JSON.stringify(body),
    });

    it('merges the anonymous visitor, and the events it already had, into the recipient', async () => {
      now += 60_000;
      const visitor = 'anon-visitor-1';
      for (const name of ['Landing', 'Shoes']) {
        expect((await sdkPost(app, '/v1/p', { name, anonymousId: visitor, writeKey: KEYS.writeKey })).statusCode).toBe(200);
      }
      expect(await t.profiles.resolve({ anonymousId: visitor })).not.toBe(recipient);

      const r = await identify({ token: identifyToken(recipient, SECRET, now - 60_000), anonymousId: visitor });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ success: true, userId: 'recipient-1' });
      expect(r.headers['access-control-allow-origin']).toBe(SHOP);
      expect(r.headers['cache-control']).toBe('no-store');

      const live = await t.profiles.resolve({ userId: 'recipient-1' });
      expect(await t.profiles.resolve({ anonymousId: visitor })).toBe(live);
      const p = await eventsOf({ userId: 'recipient-1' });
      expect(p.lastEvents.filter((e) => e.type === 'page').map((e) => e.name).sort()).toEqual(['Landing', 'Shoes']);
      expect(p.traits).toMatchObject({ name: 'Ann' });
      // Later events from the same browser land on the recipient too.
      expect((await sdkPost(app, '/v1/t', { event: 'Added to Cart', anonymousId: visitor, writeKey: KEYS.writeKey })).statusCode).toBe(200);
      expect((await eventsOf({ userId: 'recipient-1' })).eventCounts.byName).toMatchObject({ 'Added to Cart': 1 });
    });

    it('ties a recipient known by email only, and answers no user id (never the email)', async () => {
      const visitor = 'anon-visitor-2';
      expect((await sdkPost(app, '/v1/p', { name: 'Sale', anonymousId: visitor, writeKey: KEYS.writeKey })).statusCode).toBe(200);
      const r = await identify({ token: identifyToken(emailOnly, SECRET, now), anonymousId: visitor });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ success: true, userId: null });
      expect(r.body).not.toContain('bob@');
      expect(await t.profiles.resolve({ anonymousId: visitor })).toBe(await t.profiles.resolve({ email: 'bob@example.com' }));
      expect((await eventsOf({ email: 'bob@example.com' })).lastEvents.some((e) => e.type === 'page' && e.name === 'Sale')).toBe(true);
    });

    it('refuses a tampered, foreign-kind or expired token with 400 and merges nothing', async () => {
      const visitor = 'anon-visitor-3';
      expect((await sdkPost(app, '/v1/p', { name: 'Elsewhere', anonymousId: visitor, writeKey: KEYS.writeKey })).statusCode).toBe(200);
      const valid = identifyToken(recipient, SECRET, now);
      const [claims, sig] = valid.split('.') as [string, string];
      const forged = `${Buffer.from(JSON.stringify({ p: emailOnly, k: 'identify', x: now + IDENTIFY_TTL_MS })).toString('base64url')}.${sig}`;
      for (const token of [
        `${claims}.${sig.slice(0, 5)}${sig[5] === 'A' ? 'B' : 'A'}${sig.slice(6)}`,
        forged,
        identifyToken(recipient, 'another-secret-0123456789abcdef', now),
        signToken({ p: recipient, k: 'open' }, SECRET),
        identifyToken(recipient, SECRET, now - IDENTIFY_TTL_MS - 1),
        'not-a-token',
      ]) {
        const r = await identify({ token, anonymousId: visitor });
        expect(r.statusCode, token).toBe(400);
        expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'token' });
      }
      expect(await t.profiles.resolve({ anonymousId: visitor })).not.toBe(await t.profiles.resolve({ userId: 'recipient-1' }));
      expect(await t.profiles.resolve({ anonymousId: visitor })).not.toBe(await t.profiles.resolve({ email: 'bob@example.com' }));
    });

    it('names a missing field', async () => {
      const r = await identify({ token: identifyToken(recipient, SECRET, now) });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'missing_field', field: 'anonymousId' });
      const none = await app.inject({ method: 'POST', url: '/t/i', headers: { 'content-type': 'text/plain' }, payload: 'not json' });
      expect(none.statusCode).toBe(400);
      expect(none.json().error.code).toBe('invalid_json');
    });

    it('serves the snippet for other origins\' pages, cached', async () => {
      const r = await app.inject({ method: 'GET', url: '/t/tailor.js' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^application\/javascript/);
      expect(r.headers['cache-control']).toMatch(/public, max-age=\d+/);
      expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(r.body).toContain('"_tailor"');
      expect(r.body).toContain('replaceState');
      expect(r.body).toContain('"https://tailor.example.com/base"');
    });
  });
});

describe('TAILOR_CORS_ORIGINS', () => {
  it('is a comma-separated list of origins, none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ TAILOR_CORS_ORIGINS: 'https://shop.example, http://127.0.0.1:8080' }).corsOrigins).toEqual(['https://shop.example', 'http://127.0.0.1:8080']);
    for (const bad of ['https://shop.example/path', '*', 'shop.example', 'https://*.example']) {
      expect(() => loadConfig({ TAILOR_CORS_ORIGINS: bad }), bad).toThrow(/TAILOR_CORS_ORIGINS/);
    }
  });
});

describe('the site identify route', () => {
  it('is rate-limited per address like the other public routes', async () => {
    const t = await createTestTailor(loadConfig({}, { db: await dialects[0]!.url(), secret: SECRET, rateLimitPublic: 2 }));
    const app = createServer(t, KEYS);
    try {
      const post = () => app.inject({ method: 'POST', url: '/t/i', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ token: 'x.y', anonymousId: 'a' }) });
      expect((await post()).statusCode).toBe(400);
      expect((await post()).statusCode).toBe(400);
      const limited = await post();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('rate_limited');
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe('CORS with no configured origins', () => {
  it('answers no preflight at all', async () => {
    const t = await createTestTailor(loadConfig({}, { db: await dialects[0]!.url(), secret: SECRET }));
    const app = createServer(t, KEYS);
    try {
      const r = await app.inject({ method: 'OPTIONS', url: '/v1/t', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
      expect(r.statusCode).toBe(404);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      const post = await sdkPost(app, '/v1/t', { event: 'X', anonymousId: 'a', writeKey: KEYS.writeKey }, { origin: SHOP });
      expect(post.statusCode).toBe(200);
      expect(post.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
      await t.close();
    }
  });
});
