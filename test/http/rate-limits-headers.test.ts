import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, createTestTailor, KEYS, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

describe.each(dialects)('rate limits and security headers on $name', ({ url }) => {
  let t: TestTailor;
  let app: FastifyInstance;
  let open = false;
  const start = async (over: Partial<Config> = {}) => {
    t = await createTestTailor(loadConfig({}, { db: await url(), ...over }));
    app = createServer(t, KEYS);
    open = true;
  };
  afterEach(async () => {
    if (!open) return;
    open = false;
    await app.close();
    await t.close();
  });
  const track = (headers: Record<string, string>, remoteAddress = '10.0.0.1', payload: object = { userId: 'r', event: 'E' }) =>
    app.inject({ method: 'POST', url: '/v1/track', remoteAddress, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });

  it('limits ingest per key, and per IP address for a key in the body, with a 429, Retry-After and the error shape', async () => {
    await start({ rateLimitIngest: 5, rateLimitPublic: 3 });
    // The same key from two addresses shares one budget.
    for (let i = 0; i < 5; i++) expect((await track({ authorization: WRITE_AUTH }, i % 2 ? '10.0.0.1' : '10.0.0.2')).statusCode).toBe(200);
    const r = await track({ authorization: WRITE_AUTH }, '10.0.0.3');
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^too many requests: retry in /) } });
    // Keys in the body count per address.
    for (let i = 0; i < 5; i++) expect((await track({}, '10.0.0.9', { writeKey: KEYS.writeKey, userId: 'b', event: 'E' })).statusCode).toBe(200);
    expect((await track({}, '10.0.0.9', { writeKey: KEYS.writeKey, userId: 'b', event: 'E' })).statusCode).toBe(429);
    expect((await track({}, '10.0.0.8', { writeKey: KEYS.writeKey, userId: 'b', event: 'E' })).statusCode).toBe(200);
    // The public pages per address; the admin API is not limited.
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/health', remoteAddress: '10.0.1.1' })).statusCode).toBe(200);
    const page = await app.inject({ url: '/', remoteAddress: '10.0.1.1' });
    expect(page.statusCode).toBe(429);
    expect(page.json().error.code).toBe('rate_limited');
    expect((await app.inject({ url: '/health', remoteAddress: '10.0.1.2' })).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) expect((await app.inject({ url: '/v1/quality', remoteAddress: '10.0.1.1', headers: { authorization: ADMIN_AUTH } })).statusCode).toBe(200);
  });

  it('defaults leave room for the ingest benchmark (3,000 requests a second for a minute) and limit the public pages', () => {
    const c = loadConfig({});
    expect(c.rateLimitIngest).toBeGreaterThanOrEqual(3000 * 60);
    expect(c.rateLimitPublic).toBe(600);
    expect(loadConfig({ TAILOR_RATE_LIMIT_INGEST: '0' }).rateLimitIngest).toBe(0);
  });

  it('sends nosniff, frame denial and a content-security policy, and no-store on person-level answers', async () => {
    await start();
    await track({ authorization: WRITE_AUTH }, '10.0.0.1', { userId: 'h', event: 'E' });
    await t.realtime.drain();
    const seg = await app.inject({ method: 'POST', url: '/v1/segments', headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'all-e', rules: { event: 'E' } }) });
    expect(seg.statusCode).toBe(201);
    const page = await app.inject({ url: '/' });
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    for (const path of ['/v1/profiles/h', `/v1/segments/${seg.json().id}/members`, '/v1/profiles?limit=5']) {
      const r = await app.inject({ url: path, headers: { authorization: ADMIN_AUTH } });
      expect(r.statusCode, path).toBe(200);
      expect(r.headers['cache-control'], path).toBe('no-store');
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    // Refusals are no-store too, and carry the headers.
    const denied = await app.inject({ url: '/v1/profiles/h' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['cache-control']).toBe('no-store');
  });
});
