import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

// Client input never produces a 5xx: a corpus of valid payloads, mutated at random, is sent to every
// ingest route, and every answer is a 2xx or a 4xx with the documented error body.
const SEEDS: [string, Record<string, unknown>][] = [
  ['/v1/identify', { userId: 'u1', anonymousId: 'a1', traits: { email: 'a@b.co', phone: '+14155550100', country: 'US', birthday: '1990-01-01', address: { country: 'France' } }, timestamp: '2026-01-01T00:00:00Z', sentAt: '2026-01-01T00:00:01Z', context: { ip: '1.2.3.4' } }],
  ['/v1/track', { userId: 'u1', event: 'Order Completed', properties: { total: 12.5, products: [{ sku: 'x', price: 1 }] }, messageId: 'm1', integrations: { All: true } }],
  ['/v1/page', { anonymousId: 'a1', name: 'Home', category: 'Docs', properties: { url: 'https://x.test' } }],
  ['/v1/screen', { userId: 'u2', name: 'Cart' }],
  ['/v1/group', { userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } }],
  ['/v1/alias', { previousId: 'a1', userId: 'u1' }],
  ['/v1/batch', { batch: [{ type: 'track', userId: 'u1', event: 'E' }, { type: 'identify', anonymousId: 'z', traits: { email: 'Q@Q.io' } }], sentAt: '2026-01-01T00:00:00Z' }],
];

const weird = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1e21, '', ' ', '\u0000', '\u0000\u0000x', '\\u0000', '\ud800',
    '🙂'.repeat(50), 'x'.repeat(5000), '__proto__', 'constructor', '9999-99-99', '+275760-09-13T00:00:00Z', '2026-13-45T99:99:99Z',
    '1e400', 'NaN', 'Infinity', [], {}, [[[]]], { __proto__: { polluted: 1 } }, { constructor: { prototype: { x: 1 } } }),
  fc.string(), fc.double(), fc.integer(), fc.json().map((j) => JSON.parse(j) as unknown),
);

type Mutation = (v: Record<string, unknown>) => unknown;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.string({ maxLength: 12 }), weird).map(([k, w]): Mutation => (v) => ({ ...v, [k]: w })),
  fc.tuple(fc.nat(), weird).map(([i, w]): Mutation => (v) => { const keys = Object.keys(v); return keys.length ? { ...v, [keys[i % keys.length]!]: w } : v; }),
  fc.nat().map((i): Mutation => (v) => { const keys = Object.keys(v); const o = { ...v }; if (keys.length) delete o[keys[i % keys.length]!]; return o; }),
  fc.tuple(fc.nat(), weird).map(([i, w]): Mutation => (v) => {
    const o = structuredClone(v);
    const nested = Object.values(o).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x));
    if (nested.length) nested[i % nested.length]!.k = w;
    if (Array.isArray(o.batch) && o.batch.length) o.batch[i % o.batch.length] = w;
    return o;
  }),
  weird.map((w): Mutation => () => w),
  fc.integer({ min: 1, max: 60 }).map((depth): Mutation => (v) => { let x: unknown = v; for (let i = 0; i < depth * 10; i++) x = { x }; return { ...v, traits: x, properties: x }; }),
);
const rawText = fc.oneof(
  fc.tuple(fc.constantFrom(...SEEDS), fc.nat()).map(([[, b], n]) => { const s = JSON.stringify(b); return s.slice(0, n % s.length); }),
  fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([[, b], n, c]) => {
    const s = JSON.stringify(b); const i = n % s.length; return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
  }),
  fc.string(),
);

describe.each(dialects)('fuzzed client input on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  beforeAll(async () => {
    h = await openApp(await url());
  });
  afterAll(async () => h.close());

  const check = (r: { statusCode: number; body: string }) => {
    expect(r.statusCode, r.body).toBeLessThan(500);
    if (r.statusCode >= 400) {
      const body = JSON.parse(r.body) as { error: { code: unknown; message: unknown } };
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  };

  it('never answers a mutated JSON payload with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 3 }), async ([path, seed], muts) => {
      const body = muts.reduce<unknown>((v, m) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? m(v as Record<string, unknown>) : m({ v })), seed);
      check(await h.app.inject({ method: 'POST', url: path, headers: { authorization: WRITE_AUTH, 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' }));
    }), { numRuns: 400, seed: 20261122 });
  });

  it('never answers mangled JSON text or odd headers with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SEEDS.map(([p]) => p)), rawText,
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''), async (path, text, type) => {
        const headers: Record<string, string> = { authorization: WRITE_AUTH };
        if (type) headers['content-type'] = type;
        check(await h.app.inject({ method: 'POST', url: path, headers, payload: text }));
      }), { numRuns: 300, seed: 7 });
  });

  it('never answers odd admin queries with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.string(), fc.string(), fc.constantFrom('/v1/profiles', '/v1/profiles/lookup', '/v1/quality'), async (a, b, base) => {
      const q = `?limit=${encodeURIComponent(a)}&cursor=${encodeURIComponent(b)}&trait.${encodeURIComponent(a)}=${encodeURIComponent(b)}&email=${encodeURIComponent(b)}&recent=${encodeURIComponent(a)}`;
      check(await h.app.inject({ url: base + q, headers: { authorization: ADMIN_AUTH } }));
      check(await h.app.inject({ url: `/v1/profiles/${encodeURIComponent(a || 'x')}/history?cursor=${encodeURIComponent(b)}`, headers: { authorization: ADMIN_AUTH } }));
    }), { numRuns: 200, seed: 11 });
  });
});
