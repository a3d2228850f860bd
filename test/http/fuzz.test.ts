import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

// Client input never produces a 5xx: a corpus of valid payloads, mutated at random, is sent to every
// ingest route and to the admin routes that take a body (segments, templates, experiments, models),
// and every answer is a 2xx or a 4xx with the documented error body. Run counts are bounded: 2 cores.
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
    '1e400', 'NaN', 'Infinity', [], {}, [[[]]],
    // JSON.parse, not an object literal: a literal `__proto__` sets the prototype, and JSON.stringify would send `{}`.
    JSON.parse('{"__proto__": {"polluted": 1}}') as unknown, { constructor: { prototype: { x: 1 } } }),
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

const section = (inner: string) => `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;
const SEGMENT = { name: 'fuzz-seg', rules: { all: [{ trait: 'region', op: 'eq', value: 'EU' }, { event: 'Product Added', within: '24h', notFollowedBy: { event: 'Order Completed', within: '24h' } }] }, options: { minDwell: '1h' } };
const TEMPLATE = { name: 'fuzz-tpl', kind: 'marketing', subject: 'Hi {{ profile.first_name }}', preheader: 'p', body: section('<mj-text>Hello {{ profile.first_name | default: "there" }}</mj-text>') };
const EXPERIMENT = { name: 'fuzz-exp', vary: 'subject', metric: 'click', rule: 'sequential', minPerArm: 20, holdout: 0.1,
  variants: [{ key: 'A', content: { subject: 'x' } }, { key: 'B', weight: 2, content: { subject: 'y' } }] };
type Method = 'POST' | 'PUT' | 'PATCH';
/** Admin routes that take a body, with a valid body for each; `:seg`, `:tpl`, `:exp`, `:camp` are made in beforeAll. */
const ADMIN_SEEDS: [Method, string, Record<string, unknown>][] = [
  ['POST', '/v1/segments', SEGMENT],
  ['POST', '/v1/segments/preview', { rules: SEGMENT.rules }],
  ['PUT', '/v1/segments/:seg', { description: 'd', rules: { any: [{ feature: 'frequency', op: 'gte', value: 2 }, { consent: 'email' }] } }],
  ['PATCH', '/v1/segments/:seg', { name: 'fuzz-seg-renamed', options: { minDwell: '2h' } }],
  ['POST', '/v1/templates', TEMPLATE],
  ['PUT', '/v1/templates/:tpl', { subject: 'New {{ profile.email }}', body: TEMPLATE.body }],
  ['PATCH', '/v1/templates/:tpl', { description: 'x' }],
  ['PUT', '/v1/templates/blocks/fuzz-block', { body: '<mj-text>block</mj-text>' }],
  ['POST', '/v1/templates/import', { from: 'mailchimp', name: 'mc', source: '<p>Hi *|FNAME|*</p>', subject: 'Hello *|FNAME|*' }],
  ['POST', '/v1/templates/import', { from: 'handlebars', name: 'hb', kind: 'transactional', source: 'Hi {{profile.first_name}}', subject: 'Yo' }],
  ['POST', '/v1/templates/:tpl/preview', { profileId: 'fuzz-user', event: { name: 'E' }, campaign: { team: 'T' } }],
  ['POST', '/v1/experiments', EXPERIMENT],
  ['POST', '/v1/experiments/analyze', { metric: 'click', rule: 'fixed', arms: [{ key: 'A', recipients: 100, clicks: 10 }, { key: 'B', recipients: 100, clicks: 15 }] }],
  ['POST', '/v1/experiments/plan', { baseline: 0.1, mde: 0.02, power: 0.8, alpha: 0.05 }],
  ['PUT', '/v1/experiments/:exp', EXPERIMENT],
  ['PATCH', '/v1/experiments/:exp', { minPerArm: 30 }],
  ['POST', '/v1/experiments/:exp/counts', { arms: [{ key: 'A', recipients: 10, clicks: 1 }, { key: 'B', recipients: 10, clicks: 2 }] }],
  ['POST', '/v1/models/train', { target: 'purchase_30d', algo: 'logistic', folds: 2 }],
  ['POST', '/v1/models/cluster', { algo: 'kmeans', k: 2, nInit: 1, save: false }],
  ['POST', '/v1/models/nope/score', {}],
  ['POST', '/v1/campaigns', { name: 'fuzz-camp', audience: { segments: ['fuzz-seg'], exclude: [] }, template: 'fuzz-tpl', topic: 'news',
    schedule: { localTime: '09:00' }, caps: [{ max: 1, per: 'day' }], quietHours: { start: '21:00', end: '08:00' } }],
  ['POST', '/v1/campaigns', { name: 'fuzz-trig', kind: 'triggered', trigger: { event: 'Product Added', where: [{ property: 'price', op: 'gte', value: 5 }] },
    steps: [{ delay: '1h', template: 'fuzz-tpl' }], exit: { event: 'Order Completed' }, reentry: { afterDays: 2 } }],
  ['PATCH', '/v1/campaigns/:camp', { from: 'Shop <shop@x.test>' }],
  ['POST', '/v1/campaigns/:camp/schedule', { at: '2999-01-01T09:00:00Z' }],
  ['POST', '/v1/campaigns/:camp/test', { to: 'qa@x.test', profileId: 'fuzz-user' }],
  ['POST', '/v1/messages', { template: 'fuzz-tpl', to: 'fuzz-user', data: { order: 1 }, idempotencyKey: 'k1' }],
];

describe.each(dialects)('fuzzed client input on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  const ids: Record<string, string> = {};
  const at = (path: string) => path.replace(/:(seg|tpl|exp|camp)\b/, (_m, k: string) => ids[k]!);
  beforeAll(async () => {
    h = await openApp(await url());
    const batch = Array.from({ length: 12 }, (_, i) => [
      { type: 'identify', userId: i === 0 ? 'fuzz-user' : `u${i}`, traits: { email: `u${i}@x.test`, region: i % 2 ? 'EU' : 'NA', first_name: `N${i}` } },
      { type: 'track', userId: i === 0 ? 'fuzz-user' : `u${i}`, event: 'Order Completed', properties: { revenue: i + 1 } },
    ]).flat();
    expect((await jsonRequest(h.app, 'POST', '/v1/batch', { batch }, WRITE_AUTH)).statusCode).toBe(200);
    const CAMPAIGN = { name: 'fuzz-draft', audience: { segments: ['fuzz-seg'] }, template: 'fuzz-tpl' };
    for (const [k, path, b] of [['seg', '/v1/segments', SEGMENT], ['tpl', '/v1/templates', TEMPLATE], ['exp', '/v1/experiments', EXPERIMENT],
      ['camp', '/v1/campaigns', CAMPAIGN]] as const) {
      const r = await jsonRequest(h.app, 'POST', path, b);
      expect(r.statusCode, r.body).toBe(201);
      ids[k] = r.json().id as string;
    }
  });
  afterAll(async () => h.close());

  const check = (r: { statusCode: number; body: string }, what = '') => {
    expect(r.statusCode, `${what} ${r.body.slice(0, 500)}`).toBeLessThan(500);
    if (r.statusCode >= 400) {
      const body = JSON.parse(r.body) as { error: { code: unknown; message: unknown; field?: unknown } };
      expect(Object.keys(body), what).toEqual(['error']);
      expect(typeof body.error.code, what).toBe('string');
      expect(typeof body.error.message, what).toBe('string');
      if (body.error.field !== undefined) expect(typeof body.error.field, what).toBe('string');
    }
  };
  const mutate = (seed: Record<string, unknown>, muts: Mutation[]) =>
    muts.reduce<unknown>((v, m) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? m(v as Record<string, unknown>) : m({ v })), seed);

  it('never answers a mutated JSON payload with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 3 }), async ([path, seed], muts) => {
      const body = mutate(seed, muts);
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

  it('never answers a mutated admin body (segments, templates, experiments, models) with a 5xx', async () => {
    let ok = 0;
    let clientErrors = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ADMIN_SEEDS), fc.array(mutation, { minLength: 0, maxLength: 3 }), async ([method, path, seed], muts) => {
      const body = mutate(seed, muts);
      const r = await h.app.inject({ method, url: at(path), headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
      check(r, `${method} ${path} ${JSON.stringify(body)?.slice(0, 300)}`);
      if (r.statusCode < 300) ok++; else clientErrors++;
    }), { numRuns: 300, seed: 20261123 });
    // Both outcomes occur, or the fuzz would only be exercising the validators (or only the happy paths).
    expect(ok).toBeGreaterThan(20);
    expect(clientErrors).toBeGreaterThan(100);
  }, 120_000);

  it('never answers mangled admin JSON text with a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ADMIN_SEEDS), fc.nat(), fc.integer({ min: 0, max: 255 }), async ([method, path, seed], n, c) => {
      const s = JSON.stringify(seed);
      const i = n % s.length;
      const text = n % 3 === 0 ? s.slice(0, i) : s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
      check(await h.app.inject({ method, url: at(path), headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' }, payload: text }), `${method} ${path} ${text}`);
    }), { numRuns: 200, seed: 13 });
  }, 120_000);

  // Guards prototype-pollution handling with the key actually on the wire: `__proto__` and
  // `constructor` as raw JSON text, at the top level and nested, on every route that takes a body.
  // As application/json, fastify's parser refuses them (400 invalid_json); as text/plain (the
  // sendBeacon path, parsed by our own JSON.parse) the ingest routes receive them as own keys.
  it('takes raw JSON with __proto__ and constructor keys without a 5xx or a polluted prototype', async () => {
    const hostile = '"__proto__": {"polluted": 1, "userId": "evil"}, "constructor": {"prototype": {"polluted": 2}}';
    const inject = (text: string) => text.replace(/^\{/, `{${hostile}, `).replace(/"(traits|properties|context|rules|content)": \{/g, `"$1": {${hostile}, `);
    const spaced = (b: unknown) => JSON.stringify(b, null, 1).replace(/\n\s*/g, ' ');
    const routes: [Method, string, string, string][] = [
      ...SEEDS.flatMap(([p, b]): [Method, string, string, string][] => [['POST', p, spaced(b), 'application/json'], ['POST', p, spaced(b), 'text/plain']]),
      ...ADMIN_SEEDS.map(([m, p, b]): [Method, string, string, string] => [m, p, spaced(b), 'application/json']),
    ];
    const statuses = new Map<string, number>();
    for (const [method, path, text, type] of routes) {
      const payload = inject(text);
      expect(payload).toContain('"__proto__": {"polluted"');
      const auth = /^\/v1\/(segments|templates|experiments|models|campaigns|messages)/.test(path) ? ADMIN_AUTH : WRITE_AUTH;
      const r = await h.app.inject({ method, url: at(path), headers: { authorization: auth, 'content-type': type }, payload });
      check(r, `${method} ${path} ${type} ${payload}`);
      if (type === 'application/json') expect(r.json().error?.code, `${method} ${path}`).toBe('invalid_json');
      statuses.set(`${type} ${r.statusCode}`, (statuses.get(`${type} ${r.statusCode}`) ?? 0) + 1);
      expect(({} as Record<string, unknown>).polluted, `${method} ${path} polluted Object.prototype`).toBeUndefined();
    }
    // The text/plain requests were parsed and accepted, so the keys reached validation and the store.
    expect(statuses.get('text/plain 200')).toBe(SEEDS.length);
    // The hostile top level's "userId" did not become an identity.
    const evil = await h.app.inject({ url: '/v1/profiles/lookup?userId=evil', headers: { authorization: ADMIN_AUTH } });
    expect(evil.statusCode).toBe(404);
    const u1 = await h.app.inject({ url: '/v1/profiles/lookup?userId=u1', headers: { authorization: ADMIN_AUTH } });
    expect(u1.statusCode).toBe(200);
    expect(Object.getPrototypeOf(u1.json().traits)).toBe(Object.prototype);
    expect(u1.json().traits.polluted).toBeUndefined();
  });
});
