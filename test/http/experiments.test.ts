import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;
type Pair = [number, number];

/** Reference statistics from scipy/statsmodels (bench/reference/experiment_stats_reference.py). */
const ref = JSON.parse(readFileSync(new URL('../fixtures/experiment-stats-reference.json', import.meta.url), 'utf8')) as {
  pairs: { in: [number, number, number, number]; z: number; p: number; diffCi: Pair; liftCi?: Pair }[];
  chi2: { in: Pair[]; statistic: number; p: number; dof: number }[];
  welch: { in: [[number, number, number], [number, number, number]]; t: number; p: number; dof: number; ci: Pair }[];
  powerRates: { in: [number, number, number, number]; nPerArm: number }[];
};

/** Equal to relative 1e-6 (with an absolute floor for exact zeros). */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 1e-12;

function expectClose(actual: unknown, want: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  expect(close(actual as number, want), `${what}: ${String(actual)} vs ${want}`).toBe(true);
}

function expectCloseInterval(actual: unknown, want: Pair, what: string): void {
  expect(Array.isArray(actual), what).toBe(true);
  const got = actual as number[];
  expect(got).toHaveLength(2);
  expectClose(got[0], want[0], `${what}[0]`);
  expectClose(got[1], want[1], `${what}[1]`);
}

const ARM_KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe.each(dialects)('experiments API on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h.close());

  const call = (method: Parameters<typeof jsonRequest>[1], path: string, payload?: unknown, auth: string | null = ADMIN_AUTH) =>
    jsonRequest(h.app, method, path, payload, auth);

  it("known counts in, scipy's statistics out", async () => {
    for (const c of ref.pairs) {
      const [xa, na, xb, nb] = c.in;
      const res = await call('POST', '/v1/experiments/analyze', {
        metric: 'click', rule: 'fixed', arms: [{ key: 'A', recipients: na, clicks: xa }, { key: 'B', recipients: nb, clicks: xb }],
      });
      expect(res.statusCode, res.body).toBe(200);
      const what = `pair ${JSON.stringify(c.in)}`;
      const r = res.json();
      expect(r.arms.map((a: { key: string }) => a.key)).toEqual(['A', 'B']);
      expect(r.arms[0].vsControl).toBeNull();
      const cmp = r.arms[1].vsControl.click;
      expect(cmp.test).toBe('z');
      expectClose(cmp.statistic, c.z, `${what} z`);
      expectClose(cmp.p, c.p, `${what} p`);
      // Two arms: one comparison, so Holm changes nothing.
      expectClose(cmp.pHolm, c.p, `${what} pHolm`);
      expectCloseInterval(cmp.diffCi, c.diffCi, `${what} diffCi`);
      if (c.liftCi) expectCloseInterval(cmp.liftCi, c.liftCi, `${what} liftCi`);
      else expect(cmp.liftCi, `${what} liftCi`).toBeNull();
    }

    for (const c of ref.chi2) {
      const arms = c.in.map(([x, n], i) => ({ key: ARM_KEYS[i]!, recipients: n, clicks: x }));
      const res = await call('POST', '/v1/experiments/analyze', { metric: 'click', rule: 'fixed', arms });
      expect(res.statusCode, res.body).toBe(200);
      const what = `chi2 ${JSON.stringify(c.in)}`;
      const across = res.json().across.click;
      expectClose(across.statistic, c.statistic, `${what} statistic`);
      expectClose(across.p, c.p, `${what} p`);
      expect(across.dof).toBe(c.dof);
    }

    for (const c of ref.welch) {
      const arms = c.in.map(([mean, sd, n], i) => ({ key: ARM_KEYS[i]!, recipients: n, revenue: mean * n, revenueSd: sd }));
      const res = await call('POST', '/v1/experiments/analyze', { metric: 'revenue', rule: 'fixed', arms });
      expect(res.statusCode, res.body).toBe(200);
      const what = `welch ${JSON.stringify(c.in)}`;
      const r = res.json();
      expect(r.metric).toBe('revenue');
      const cmp = r.arms[1].vsControl.revenue;
      expect(cmp.test).toBe('welch-t');
      expectClose(cmp.statistic, c.t, `${what} t`);
      expectClose(cmp.p, c.p, `${what} p`);
      expectClose(cmp.dof, c.dof, `${what} dof`);
      expectCloseInterval(cmp.diffCi, c.ci, `${what} diffCi`);
    }

    for (const c of ref.powerRates) {
      const [baseline, mde, power, alpha] = c.in;
      const res = await call('POST', '/v1/experiments/plan', { baseline, mde, power, alpha });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().nPerArm, `plan ${JSON.stringify(c.in)}`).toBe(Math.ceil(c.nPerArm));
    }
  });

  it('runs an experiment over HTTP: create, start, send list, tracked clicks, results, decide', async () => {
    const N = 300;
    const users = Array.from({ length: N }, (_, i) => `user${String(i).padStart(3, '0')}`);
    const identify = users.map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com` } }));
    const ingested = await call('POST', '/v1/batch', { batch: identify }, WRITE_AUTH);
    expect(ingested.statusCode, ingested.body).toBe(200);

    // userId -> profile id, and back.
    const profileOf = new Map<string, string>();
    for (const u of users) {
      const r = await call('GET', `/v1/profiles/lookup?userId=${u}`);
      expect(r.statusCode, r.body).toBe(200);
      profileOf.set(u, r.json().id as string);
    }
    const profileIds = [...profileOf.values()];
    expect(new Set(profileIds).size).toBe(N);
    const userOf = new Map([...profileOf].map(([u, p]) => [p, u]));

    const created = await call('POST', '/v1/experiments', {
      name: 'subject line test', vary: 'subject', metric: 'click', rule: 'sequential', minPerArm: 20,
      variants: [{ key: 'A', content: { subject: 'x' } }, { key: 'B', content: { subject: 'y' } }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const exp = created.json();
    expect(exp).toMatchObject({
      name: 'subject line test', status: 'draft', looks: 0, startedAt: null, decision: null,
      arms: [{ key: 'A', weight: 1, content: { subject: 'x' } }, { key: 'B', weight: 1, content: { subject: 'y' } }],
    });
    expect((await call('GET', `/v1/experiments/${exp.id}`)).json()).toMatchObject({ id: exp.id, status: 'draft' });

    // Results before the start (and with no counts) are a conflict.
    const early = await call('GET', `/v1/experiments/${exp.id}/results`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('conflict');

    const started = await call('POST', `/v1/experiments/${exp.id}/start`, { profileIds });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ id: exp.id, status: 'testing', groups: { holdout: 0, test: N, rest: 0 } });
    expect(started.json().startedAt).toEqual(expect.any(String));

    // The design is frozen once started; so is a second start.
    const put = await call('PUT', `/v1/experiments/${exp.id}`, {
      name: 'subject line test', vary: 'subject', variants: [{ key: 'A' }, { key: 'C' }],
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().error.code).toBe('conflict');
    expect((await call('POST', `/v1/experiments/${exp.id}/start`, { profileIds })).statusCode).toBe(409);

    // The send list, paged.
    const armOf = new Map<string, string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await call('GET', `/v1/experiments/${exp.id}/assignments?group=test&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { assignments: { profileId: string; email: string | null; group: string; arm: string; sentAt: string }[]; nextCursor: string | null };
      expect(body.assignments.length).toBeLessThanOrEqual(100);
      for (const a of body.assignments) {
        expect(armOf.has(a.profileId), `${a.profileId} listed twice`).toBe(false);
        expect(a.group).toBe('test');
        expect(['A', 'B']).toContain(a.arm);
        // ISO times, as every other API gives them, and the recipient's address.
        expect(a.sentAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(a.email).toMatch(/@/);
        armOf.set(a.profileId, a.arm);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect([...armOf.keys()].sort()).toEqual([...profileIds].sort());
    const inArm = (k: string) => profileIds.filter((p) => armOf.get(p) === k);
    const [armA, armB] = [inArm('A'), inArm('B')];
    expect(armA.length).toBeGreaterThanOrEqual(20);
    expect(armB.length).toBeGreaterThanOrEqual(20);
    expect(armA.length + armB.length).toBe(N);

    // Every B recipient clicks; one in twenty A recipients does. Plus events that must not count:
    // a bot click, a click on another experiment and an open (not a click) from A recipients.
    const clickersA = armA.filter((_, i) => i % 20 === 0);
    const now = Date.now();
    const at = (k: number) => new Date(now + k).toISOString();
    const track = (profileId: string, event: string, properties: Record<string, unknown>, k: number) =>
      ({ type: 'track', userId: userOf.get(profileId)!, event, properties, timestamp: at(k) });
    const batch = [
      ...armB.map((p, i) => track(p, 'Email Clicked', { experiment_id: exp.id }, i)),
      ...clickersA.map((p, i) => track(p, 'Email Clicked', { experiment_id: exp.id }, i)),
      track(armA[1]!, 'Email Clicked', { experiment_id: exp.id, bot: true }, 1),
      track(armA[2]!, 'Email Clicked', { experiment_id: 'some-other-experiment' }, 2),
      track(armA[3]!, 'Email Opened', { experiment_id: exp.id }, 3),
    ];
    const sent = await call('POST', '/v1/batch', { batch }, WRITE_AUTH);
    expect(sent.statusCode, sent.body).toBe(200);

    // Each GET of the results is a look.
    for (let look = 1; look <= 2; look++) {
      const res = await call('GET', `/v1/experiments/${exp.id}/results`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.source).toBe('events');
      expect(body.experiment.looks).toBe(look);
      expect(body.results.looks).toBe(look);
      const [a, b] = body.results.arms;
      expect(a).toMatchObject({ key: 'A', role: 'control', recipients: armA.length, content: { subject: 'x' } });
      expect(b).toMatchObject({ key: 'B', role: 'variant', recipients: armB.length, content: { subject: 'y' } });
      expect(a.metrics.click.count).toBe(clickersA.length);
      expect(b.metrics.click.count).toBe(armB.length);
      expect(a.metrics.open.count).toBe(1);
      expect(b.metrics.open.count).toBe(0);
      expect(b.vsControl.click.significant).toBe(true);
      expect(body.results.recommendation).toMatchObject({ action: 'send', winner: 'B', leader: 'B' });
    }
    expect((await call('GET', `/v1/experiments/${exp.id}`)).json().looks).toBe(2);

    const decided = await call('POST', `/v1/experiments/${exp.id}/decide`);
    expect(decided.statusCode, decided.body).toBe(200);
    const d = decided.json();
    expect(d.decision).toMatchObject({ winner: 'B', basis: 'significant', early: true, forced: false });
    expect(d.experiment).toMatchObject({ status: 'decided', looks: 3, decision: { winner: 'B' } });
    expect(d.rolledOut).toBe(0);

    const again = await call('POST', `/v1/experiments/${exp.id}/decide`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    expect((await call('PUT', `/v1/experiments/${exp.id}`, { name: 'x', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }] })).statusCode).toBe(409);

    const listed = (await call('GET', '/v1/experiments')).json().experiments;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: exp.id, status: 'decided', decision: { winner: 'B', basis: 'significant' } });
  });

  it('answers bad input with 4xx and the path to the problem', async () => {
    const spec = { name: 'e', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }] };
    const bad = async (path: string, payload: unknown, status: number, error: Record<string, unknown>) => {
      const r = await call('POST', path, payload);
      expect(r.statusCode, `${path} ${JSON.stringify(payload)}: ${r.body}`).toBe(status);
      expect(r.json().error).toMatchObject(error);
      expect(r.json().error.message).toEqual(expect.any(String));
    };
    await bad('/v1/experiments', { ...spec, variants: [{ key: 'A' }] }, 400, { code: 'validation_failed', field: 'experiment.variants' });
    await bad('/v1/experiments', { name: 'e', variants: spec.variants }, 400, { code: 'validation_failed', field: 'experiment.vary' });
    await bad('/v1/experiments', { ...spec, holdout: 0.9 }, 400, { code: 'validation_failed', field: 'experiment.holdout' });
    await bad('/v1/experiments', { ...spec, variants: [{ key: 'A' }, { key: 'has space' }] }, 400, { code: 'validation_failed', field: 'experiment.variants[1].key' });
    await bad('/v1/experiments', [spec], 400, { code: 'validation_failed' });
    expect((await call('GET', '/v1/experiments')).json().experiments).toEqual([]);

    const nope = await call('GET', '/v1/experiments/nope');
    expect(nope.statusCode).toBe(404);
    expect(nope.json().error.code).toBe('not_found');
    expect((await call('POST', '/v1/experiments/nope/start', { profileIds: ['p'] })).statusCode).toBe(404);

    const created = await call('POST', '/v1/experiments', spec);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await bad(`/v1/experiments/${id}/counts`, { arms: [{ key: 'A', recipients: 10 }, { key: 'Z', recipients: 10 }] }, 400, { field: 'arms[1].key' });
    await bad(`/v1/experiments/${id}/counts`, { arms: [{ key: 'A', recipients: 10, clicks: 11 }] }, 400, { code: 'validation_failed', field: 'arms[0].clicks' });
    await bad(`/v1/experiments/${id}/counts`, {}, 400, { code: 'missing_field', field: 'arms' });
    await bad(`/v1/experiments/${id}/start`, { profileIds: 'p1' }, 400, { field: 'profileIds' });
    await bad(`/v1/experiments/${id}/start`, {}, 400, { code: 'invalid_argument', field: 'profileIds' });
    // None of that changed the experiment.
    expect((await call('GET', `/v1/experiments/${id}`)).json()).toMatchObject({ status: 'draft', looks: 0 });

    const duplicate = await call('POST', '/v1/experiments', spec);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('conflict');

    for (const [method, path] of [['GET', '/v1/experiments'], ['GET', `/v1/experiments/${id}`], ['POST', '/v1/experiments/plan']] as const) {
      const r = await call(method, path, method === 'POST' ? { baseline: 0.1, mde: 0.01 } : undefined, null);
      expect(r.statusCode, path).toBe(401);
      expect(r.json().error.code).toBe('unauthorized');
    }
    // The write key is not enough either: the README's "a write key on an admin route" is 403 forbidden.
    const writeKey = await call('GET', '/v1/experiments', undefined, WRITE_AUTH);
    expect(writeKey.statusCode).toBe(403);
    expect(writeKey.json().error.code).toBe('forbidden');

    await bad('/v1/experiments/plan', { baseline: 1.5, mde: 0.01 }, 400, { code: 'validation_failed', field: 'plan.baseline' });
    await bad('/v1/experiments/plan', { baseline: 0.95, mde: 0.1 }, 400, { code: 'validation_failed', field: 'plan.mde' });

    const group = await call('GET', `/v1/experiments/${id}/assignments?group=bogus`);
    expect(group.statusCode).toBe(400);
    expect(group.json().error).toMatchObject({ code: 'invalid_argument', field: 'group' });

    const json = await h.app.inject({
      method: 'POST', url: '/v1/experiments/analyze', headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' }, payload: '{"arms": [',
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('invalid_json');
    await bad('/v1/experiments/analyze', { arms: [{ key: 'A', recipients: 5, clicks: 6 }, { key: 'B', recipients: 5 }] }, 400, { field: 'arms[0].clicks' });
    await bad('/v1/experiments/analyze', { arms: [{ key: 'A', recipients: 5 }, { key: 'B', recipients: 5 }], metric: 'likes' }, 400, { field: 'analysis.metric' });
  });
});
