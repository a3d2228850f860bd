import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MAX_TRAIT_KEYS, TOO_LARGE, TOO_MANY_KEYS } from '../../src/core/identity/trait-limits.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

/**
 * Input that used to poison queries or answer 500 (the "Hardening what exists" probe): nesting
 * past the databases' and the encoder's limits, lone UTF-16 surrogates and NUL in ids, names, paths
 * and values, feature names that are Object.prototype properties, odd trait paths, profiles without
 * a size limit, and ids too long to look up. Each is refused with a 400 naming the field, or stored
 * the same way on both dialects. One app per dialect: each test uses its own ids, traits and names.
 */
type App = Awaited<ReturnType<typeof openApp>>;

const nested = (depth: number): string => `${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`;

describe.each(dialects)('hostile input on $name', ({ name: dialect, url }) => {
  let h: App;
  beforeAll(async () => {
    h = await openApp(await url());
  });
  afterAll(async () => h?.close());

  /** Raw JSON text, so that escapes such as \ud800 and \u0000 reach the server as sent. */
  const post = (path: string, text: string) =>
    h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', authorization: WRITE_AUTH }, payload: text });
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) => jsonRequest(h.app, method, path, body);
  const error = (r: { statusCode: number; json(): unknown }) => ({ status: r.statusCode, ...(r.json() as { error: { code: string; field?: string } }).error });
  const eventsOf = async (...users: string[]) =>
    Number((await h.t.db.kysely.selectFrom('events').select(sql<number>`count(*)`.as('n')).where('user_id', 'in', users).executeTakeFirstOrThrow()).n);
  const profile = async (id: string) => (await admin('GET', `/v1/profiles/${encodeURIComponent(id)}`)).json() as { traits: Record<string, unknown> };

  describe('nesting (item 2)', () => {
    it('takes documents 32 levels deep and refuses 33, naming the document', async () => {
      // traits = level 1, then 31 arrays: 32 levels.
      expect((await post('/v1/identify', `{"userId":"d","traits":{"x":${nested(32)}}}`)).statusCode).toBe(200);
      expect(error(await post('/v1/identify', `{"userId":"d","traits":{"x":${nested(33)}}}`)))
        .toMatchObject({ status: 400, code: 'validation_failed', field: 'traits' });
      expect(error(await post('/v1/track', `{"userId":"d","event":"E","properties":{"x":${nested(33)}}}`)))
        .toMatchObject({ status: 400, field: 'properties' });
      expect(error(await post('/v1/batch', `{"batch":[{"type":"track","userId":"d","event":"E"},{"type":"page","userId":"d","context":{"x":${nested(40)}}}]}`)))
        .toMatchObject({ status: 400, field: 'batch.1.context' });
    });

    it('refuses bodies nested past what the encoder and SQLite take, before any route reads them', async () => {
      for (const depth of [1000, 5000]) {
        const r = error(await post('/v1/identify', `{"userId":"d2","traits":{"x":${nested(depth)}}}`));
        expect(r).toMatchObject({ status: 400, code: 'validation_failed' });
        expect(r.field).toMatch(/^traits/);
      }
      const r = error(await post('/v1/batch', `{"batch":${nested(200_000)}}`));
      expect(r).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(r.field).toMatch(/^batch/);
      // Admin bodies too, and text/plain (sendBeacon) bodies.
      expect(error(await h.app.inject({ method: 'POST', url: '/v1/segments/preview', headers: { 'content-type': 'application/json', authorization: ADMIN_AUTH }, payload: `{"rules":${nested(5000)}}` })).status).toBe(400);
      expect((await h.app.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'text/plain', authorization: WRITE_AUTH }, payload: `{"userId":"d2","event":"E","properties":{"x":${nested(5000)}}}` })).statusCode).toBe(400);
      expect(await eventsOf('d2')).toBe(0);
    });

    it('answers trait and event rules and trait lists even with a document SQLite cannot parse stored', async () => {
      await post('/v1/identify', JSON.stringify({ userId: 'ok3', traits: { tier: 'pro' } }));
      await post('/v1/track', JSON.stringify({ userId: 'ok3', event: 'DeepE', properties: { tier: 'pro' }, messageId: 'ok-e' }));
      await post('/v1/identify', JSON.stringify({ userId: 'deep3', traits: { tier: 'pro' } }));
      await post('/v1/track', JSON.stringify({ userId: 'deep3', event: 'DeepE', properties: { tier: 'pro' }, messageId: 'deep-e' }));
      // As a row stored before ingest had a depth limit: over SQLite's 1000 levels.
      const deep = `{"tier":"pro","x":${nested(1001)}}`;
      const k = h.t.db.kysely;
      const deepId = (await k.selectFrom('identities').select('profile_id').where('kind', '=', 'user_id').where('value', '=', 'deep3').executeTakeFirstOrThrow()).profile_id;
      await k.updateTable('profiles').set({ traits: deep } as never).where('id', '=', deepId).execute();
      await k.updateTable('events').set({ properties: deep } as never).where('message_id', '=', 'deep-e').execute();

      // SQLite reads such a document as none at all; PostgreSQL's jsonb holds it as it is.
      const n = dialect === 'sqlite' ? 1 : 2;
      const preview = await admin('POST', '/v1/segments/preview', { rules: { trait: 'tier', op: 'eq', value: 'pro' } });
      expect(preview.statusCode).toBe(200);
      expect(preview.json().count).toBe(n);
      const events = await admin('POST', '/v1/segments/preview', { rules: { event: 'DeepE', where: [{ property: 'tier', op: 'eq', value: 'pro' }] } });
      expect(events.statusCode).toBe(200);
      expect(events.json().count).toBe(n);
      const created = await admin('POST', '/v1/segments', { name: 'deep-tier', rules: { trait: 'tier', op: 'exists' } });
      expect(created.statusCode).toBe(201);
      expect(created.json().size).toBe(n);
      const list = await admin('GET', '/v1/profiles?trait.tier=pro');
      expect(list.statusCode).toBe(200);
      expect(list.json().profiles).toHaveLength(n);
    });
  });

  describe('lone surrogates and NUL in ids and names (items 3, 7)', () => {
    it('refuses an id with a lone surrogate every time, and the whole batch naming the item', async () => {
      for (let i = 0; i < 2; i++) {
        expect(error(await post('/v1/identify', '{"userId":"\\ud800x"}'))).toMatchObject({ status: 400, code: 'validation_failed', field: 'userId' });
      }
      const batch = '{"batch":[{"type":"track","userId":"fine","event":"E"},{"type":"identify","userId":"\\udc00"}]}';
      expect(error(await post('/v1/batch', batch))).toMatchObject({ status: 400, code: 'validation_failed', field: 'batch.1.userId' });
      expect(error(await post('/v1/track', '{"anonymousId":"a\\u0000","event":"E"}'))).toMatchObject({ status: 400, field: 'anonymousId' });
      expect(error(await post('/v1/track', '{"userId":"u","messageId":"m\\ud83d","event":"E"}'))).toMatchObject({ status: 400, field: 'messageId' });
      expect(error(await post('/v1/group', '{"userId":"u","groupId":"g\\u0000"}'))).toMatchObject({ status: 400, field: 'groupId' });
      expect(error(await post('/v1/alias', '{"userId":"u","previousId":"\\ud800"}'))).toMatchObject({ status: 400, field: 'previousId' });
      expect(error(await post('/v1/track', '{"userId":"u","event":"E\\u0000"}'))).toMatchObject({ status: 400, field: 'event' });
      expect(error(await post('/v1/page', '{"userId":"u","name":"Home\\ud800"}'))).toMatchObject({ status: 400, field: 'name' });
      expect(await eventsOf('fine', 'fixed')).toBe(0);
      // The retrying client, with the bad item fixed, gets its batch stored.
      expect((await post('/v1/batch', batch.replace('\\udc00', 'fixed'))).statusCode).toBe(200);
      expect(await eventsOf('fine', 'fixed')).toBe(2);
    });

    it('stores values and keys with lone surrogates or NUL the same way on both dialects: U+FFFD, NUL removed', async () => {
      expect((await post('/v1/identify', '{"userId":"v","traits":{"a":"x\\ud800y","n1":"n\\u0000ul","k\\udc00":1,"nested":{"c":["\\ud83d"]}}}')).statusCode).toBe(200);
      expect((await post('/v1/track', '{"userId":"v","event":"SurrogateE","properties":{"p":"\\ud800","q":"a\\u0000b"}}')).statusCode).toBe(200);
      const p = await profile('v');
      expect(p.traits).toEqual({ a: 'x\ufffdy', n1: 'nul', 'k\ufffd': 1, nested: { c: ['\ufffd'] } });
      const e = await h.t.db.kysely.selectFrom('events').select('properties').where('name', '=', 'SurrogateE').executeTakeFirstOrThrow();
      expect(JSON.parse(e.properties as string)).toEqual({ p: '\ufffd', q: 'ab' });
      // Rules see what is stored.
      expect((await admin('POST', '/v1/segments/preview', { rules: { trait: 'n1', op: 'eq', value: 'nul' } })).json().count).toBe(1);
    });

    it('refuses NUL in profile look-ups instead of finding another id (PostgreSQL dropped it)', async () => {
      await post('/v1/identify', JSON.stringify({ userId: 'a' }));
      expect(error(await admin('GET', '/v1/profiles/a%00'))).toMatchObject({ status: 400, field: 'id' });
      expect(error(await admin('GET', '/v1/profiles/lookup?userId=a%00'))).toMatchObject({ status: 400, field: 'userId' });
      expect(error(await admin('GET', '/v1/profiles?trait.plan=a%00'))).toMatchObject({ status: 400, field: 'trait.plan' });
      expect(error(await admin('GET', '/v1/profiles?trait.pl%00an=a'))).toMatchObject({ status: 400, field: 'trait.pl\u0000an' });
    });

    it('refuses NUL and lone surrogates in segment, template and experiment names', async () => {
      const rules = { trait: 'plan', op: 'exists' };
      expect(error(await admin('POST', '/v1/segments', { name: 'vip\u0000', rules }))).toMatchObject({ status: 400, field: 'name' });
      expect(error(await admin('POST', '/v1/segments', { name: 'vip\ud800', rules }))).toMatchObject({ status: 400, field: 'name' });
      const t = error(await admin('POST', '/v1/templates', { name: 't\u0000', subject: 'Hi', body: '<mjml><mj-body></mj-body></mjml>' }));
      expect(t).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(t.field).toMatch(/name$/);
      const x = error(await admin('POST', '/v1/experiments', { name: 'x\ud800', vary: 'subject', variants: [{ key: 'a' }, { key: 'b' }] }));
      expect(x).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(x.field).toMatch(/name$/);
    });
  });

  describe('rules (items 7, 8)', () => {
    beforeAll(async () => {
      await post('/v1/identify', JSON.stringify({ userId: 'p1', traits: { rplan: 'pro', 'a\\': 1, tags: ['x'] } }));
      await post('/v1/identify', JSON.stringify({ userId: 'p2', traits: { rplan: 'free' } }));
      await post('/v1/track', JSON.stringify({ userId: 'p1', event: 'E', properties: { k: 'v' } }));
    });

    it.each([
      [{ trait: 'plan\u0000zzz', op: 'exists' }, 'rules.trait'],
      [{ all: [{ trait: 'plan', op: 'exists' }, { trait: 'k\u0000', op: 'exists' }] }, 'rules.all[1].trait'],
      [{ trait: 'plan', op: 'contains', value: '\u0000' }, 'rules.value'],
      [{ trait: 'plan', op: 'contains', value: '\ud800' }, 'rules.value'],
      [{ trait: 'tags', op: 'in', value: ['x', 'y\udfff'] }, 'rules.value[1]'],
      [{ trait: 'plan', op: 'between', value: ['a', 'z\u0000'] }, 'rules.value[1]'],
      [{ feature: 'top_category\u0000', op: 'exists' }, 'rules.feature'],
      [{ event: 'E\u0000' }, 'rules.event'],
      [{ event: 'E', where: [{ property: 'k\u0000', op: 'exists' }] }, 'rules.where[0].property'],
      [{ event: 'E', notFollowedBy: { event: 'F', within: '1d', where: [{ property: 'k', op: 'eq', value: 'v\u0000' }] } }, 'rules.notFollowedBy.where[0].value'],
      [{ not: { segment: 'vip\u0000' } }, 'rules.not.segment'],
      [{ consent: 'email\ud800' }, 'rules.consent'],
    ])('refuses %j on preview and create, naming %s', async (rules, field) => {
      for (const [path, body] of [['/v1/segments/preview', { rules }], ['/v1/segments', { name: 's', rules }]] as const) {
        expect(error(await admin('POST', path, body)), path).toMatchObject({ status: 400, code: 'validation_failed', field });
      }
      expect((await admin('GET', '/v1/segments')).json().segments.map((x: { name: string }) => x.name)).not.toContain('s');
    });

    it('reads feature names that are Object.prototype properties as unknown features (always missing)', async () => {
      for (const feature of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const rules = { all: [{ trait: 'rplan', op: 'exists' }, { not: { feature, op: 'gt', value: 1 } }] };
        const preview = await admin('POST', '/v1/segments/preview', { rules });
        expect(preview.statusCode, feature).toBe(200);
        expect(preview.json().count, feature).toBe(2);
        const created = await admin('POST', '/v1/segments', { name: `f-${feature}`, rules });
        expect(created.statusCode, feature).toBe(201);
        expect((await admin('POST', '/v1/segments/preview', { rules: { feature, op: 'exists' } })).json().count, feature).toBe(0);
        expect(created.json().warnings).toContain(`unknown feature ${JSON.stringify(feature)}: it has no value for anyone`);
      }
    });

    it('reads a trait key ending in a backslash, in rules, warnings and trait lists', async () => {
      const created = await admin('POST', '/v1/segments', { name: 'bs', rules: { trait: 'a\\', op: 'eq', value: 1 } });
      expect(created.statusCode).toBe(201);
      expect(created.json().size).toBe(1);
      expect(created.json().warnings).toEqual([]);
      const unknown = await admin('POST', '/v1/segments', { name: 'bs2', rules: { trait: 'b\\', op: 'exists' } });
      expect(unknown.json().warnings).toEqual(['no profile has the trait "b\\\\" yet']);
      const list = await admin('GET', `/v1/profiles?${encodeURIComponent('trait.a\\')}=1`);
      expect(list.statusCode).toBe(200);
      expect(list.json().profiles).toHaveLength(1);
      expect(error(await admin('GET', `/v1/profiles?${encodeURIComponent('trait.a"b')}=1`))).toMatchObject({ status: 400, field: 'trait.a"b' });
    });
  });

  describe('profile size (item 11)', () => {
    const identify = (userId: string, traits: Record<string, unknown>) => post('/v1/identify', JSON.stringify({ userId, traits }));
    const quality = async () => (await admin('GET', '/v1/quality?recent=50')).json() as { recent: { field: string; reason: string; value: { keys: string[]; count: number } }[] };
    const keys = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${from + i}`, 1]));

    it(`keeps at most ${MAX_TRAIT_KEYS} trait keys; the rest is left out and reported, not a 500`, async () => {
      for (let i = 0; i < 990; i += 495) expect((await identify('big1', keys(i, 495))).statusCode).toBe(200);
      const r = await identify('big1', { ...keys(990, 20), k0: 2 });
      expect(r.statusCode).toBe(200);
      const p = await profile('big1');
      expect(Object.keys(p.traits)).toHaveLength(MAX_TRAIT_KEYS);
      expect(p.traits.k0).toBe(2); // changing a key it holds still works
      expect(p.traits.k999).toBe(1);
      expect(p.traits.k1000).toBeUndefined();
      const q = (await quality()).recent.find((x) => x.reason === TOO_MANY_KEYS)!;
      expect(q).toMatchObject({ field: 'traits', value: { count: 10, keys: Array.from({ length: 10 }, (_, i) => `k${1000 + i}`) } });
      // Unsetting makes room again.
      await identify('big1', { k1: null });
      await identify('big1', { k2000: 1 });
      expect((await profile('big1')).traits.k2000).toBe(1);
    });

    it('keeps the traits document within 256 KB; a value that would pass it is left out and reported', async () => {
      const big = 'x'.repeat(30_000);
      for (let i = 0; i < 8; i++) expect((await identify('big2', { [`s${i}`]: big })).statusCode).toBe(200);
      expect((await identify('big2', { s8: big, small: 1 })).statusCode).toBe(200);
      const p = await profile('big2');
      expect(p.traits.s8).toBeUndefined();
      expect(p.traits.small).toBe(1);
      expect(Buffer.byteLength(JSON.stringify(p.traits))).toBeLessThanOrEqual(256 * 1024);
      expect((await quality()).recent.find((x) => x.reason === TOO_LARGE)).toMatchObject({ field: 'traits', value: { count: 1, keys: ['s8'] } });
      // A smaller value in place of a big one fits.
      await identify('big2', { s0: 'short' });
      await identify('big2', { s8: big });
      expect((await profile('big2')).traits.s8).toBe(big);
    });
  });

  describe('id length (item 12)', () => {
    it('takes ids up to 256 characters, finds them at /v1/profiles/:id, and refuses longer ones naming the field', async () => {
      const id = `u${'é'.repeat(255)}`;
      expect((await post('/v1/identify', JSON.stringify({ userId: id, traits: { plan: 'pro' } }))).statusCode).toBe(200);
      const r = await admin('GET', `/v1/profiles/${encodeURIComponent(id)}`);
      expect(r.statusCode).toBe(200);
      expect(r.json().traits).toEqual({ plan: 'pro' });
      expect((await admin('GET', `/v1/profiles/${encodeURIComponent(id)}/history`)).statusCode).toBe(200);
      expect(error(await post('/v1/identify', JSON.stringify({ userId: `${id}x` })))).toMatchObject({ status: 400, code: 'validation_failed', field: 'userId' });
      expect(error(await post('/v1/batch', JSON.stringify({ batch: [{ type: 'track', anonymousId: 'x'.repeat(257), event: 'E' }] })))).toMatchObject({ status: 400, field: 'batch.0.anonymousId' });
    });
  });
});
