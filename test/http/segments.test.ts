import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;
const H = 3_600_000;

/** A deterministic little world: 60 people, some in the EU, carts and purchases over the last 48 hours. */
function world(now: number) {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const people = Array.from({ length: 60 }, (_, i) => ({ userId: `u${i}`, region: rnd() < 0.5 ? 'EU' : 'NA', events: [] as { event: string; t: number }[] }));
  for (const p of people) {
    for (let k = Math.floor(rnd() * 3); k > 0; k--) p.events.push({ event: 'Product Added', t: now - Math.floor(rnd() * 48 * H) });
    if (rnd() < 0.5) p.events.push({ event: 'Order Completed', t: now - Math.floor(rnd() * 48 * H) });
  }
  return people;
}

/** The cart-abandonment definition, computed directly from what was sent. */
function expectedAbandoners(people: ReturnType<typeof world>, now: number): string[] {
  return people.filter((p) => p.region === 'EU' && p.events.some((a) => a.event === 'Product Added' && a.t > now - 24 * H && a.t <= now
    && !p.events.some((b) => b.event === 'Order Completed' && b.t > a.t && b.t <= Math.min(a.t + 24 * H, now)))).map((p) => p.userId).sort();
}

const RULES = { all: [{ trait: 'region', op: 'eq', value: 'EU' },
  { event: 'Product Added', within: '24h', notFollowedBy: { event: 'Order Completed', within: '24h' } }] };

describe.each(dialects)('segments API on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown, auth = ADMIN_AUTH) =>
    h.app.inject({ method, url: path, headers: { authorization: auth, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });

  it('computes members that match an independent computation over data sent through the ingest API', async () => {
    const now = Date.now();
    const people = world(now);
    const batch = people.flatMap((p) => [
      { type: 'identify', userId: p.userId, traits: { region: p.region, email: `${p.userId}@example.com` }, timestamp: new Date(now - 50 * H).toISOString() },
      ...p.events.map((e) => ({ type: 'track', userId: p.userId, event: e.event, timestamp: new Date(e.t).toISOString() })),
    ]);
    expect((await call('POST', '/v1/batch', { batch }, WRITE_AUTH)).statusCode).toBe(200);
    const want = expectedAbandoners(people, Date.now());
    expect(want.length).toBeGreaterThan(3);

    const preview = await call('POST', '/v1/segments/preview', { rules: RULES });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().count).toBe(want.length);
    const sample: string[] = preview.json().sample.map((s: { userId: string }) => s.userId);
    expect(sample.length).toBe(Math.min(20, want.length));
    expect(sample.every((u) => want.includes(u))).toBe(true);

    const created = await call('POST', '/v1/segments', { name: 'EU cart abandoners', rules: RULES });
    expect(created.statusCode).toBe(201);
    const seg = created.json();
    expect(seg).toMatchObject({ name: 'EU cart abandoners', size: want.length, status: 'ready', warnings: [] });

    // Paged members, then CSV.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/v1/segments/${seg.id}/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.total).toBe(want.length);
      seen.push(...body.members.map((m: { userId: string }) => m.userId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(want);
    const csv = await call('GET', `/v1/segments/${seg.id}/members?format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('profile_id,user_id,email,entered_at');
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(want);

    // Explain a member and a non-member.
    const member = await call('GET', `/v1/segments/${seg.id}/explain/${want[0]}`);
    expect(member.json()).toMatchObject({ member: true, rulePasses: true, tree: { passed: true, children: [{ passed: true, saw: 'EU' }, { passed: true }] } });
    const outsider = people.find((p) => p.region === 'NA')!;
    const other = await call('GET', `/v1/segments/${seg.id}/explain/${outsider.userId}`);
    expect(other.json()).toMatchObject({ member: false, tree: { passed: false, children: [{ passed: false, saw: 'NA' }, {}] } });

    // A member buys: live exit, visible in members and size history.
    const buyer = want[0]!;
    expect((await call('POST', '/v1/track', { userId: buyer, event: 'Order Completed' }, WRITE_AUTH)).statusCode).toBe(200);
    await h.t.realtime.drain();
    const after = (await call('GET', `/v1/segments/${seg.id}/members?limit=100`)).json();
    expect(after.members.map((m: { userId: string }) => m.userId).sort()).toEqual(want.slice(1));
    const spans = (await call('GET', `/v1/profiles/${buyer}/segments`)).json();
    expect(spans.memberships).toEqual([{ segmentId: seg.id, segmentName: 'EU cart abandoners', enteredAt: expect.any(String), exitedAt: expect.any(String) }]);
    const sizes = (await call('GET', `/v1/segments/${seg.id}/sizes`)).json();
    expect(sizes.size).toBe(want.length - 1);
    expect(sizes.history.at(-1).size).toBe(want.length - 1);

    expect((await call('GET', '/v1/segments')).json().segments.map((s: { name: string }) => s.name)).toEqual(['EU cart abandoners']);
    expect((await call('DELETE', `/v1/segments/${seg.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/v1/segments/${seg.id}`)).statusCode).toBe(404);
  });

  it('answers a bad rule with 400 and the path to the bad node', async () => {
    const bad = await call('POST', '/v1/segments', { name: 'x', rules: { all: [{ trait: 'a', op: 'eq', value: 1 }, { event: 'E', within: 'soon' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', field: 'rules.all[1].within' });
    const op = await call('POST', '/v1/segments/preview', { rules: { any: [{ trait: 'a', op: 'like', value: 1 }] } });
    expect(op.statusCode).toBe(400);
    expect(op.json().error.field).toBe('rules.any[0].op');
    const opts = await call('POST', '/v1/segments', { name: 'y', rules: { trait: 'a', op: 'exists' }, options: { minDwell: 'forever' } });
    expect(opts.json().error.field).toBe('options.minDwell');
    const when = await call('POST', '/v1/segments/preview', { rules: { all: [{ feature: 'last_order_at', op: 'between', value: ['2026-01-01', 'June 1'] }] } });
    expect(when.json().error).toMatchObject({ code: 'validation_failed', field: 'rules.all[0].value[1]' });
    expect((await call('GET', '/v1/segments')).json().segments).toEqual([]);
  });

  it('warns about names no data has yet, rejects duplicates and cycles, and needs the admin key', async () => {
    const r = await call('POST', '/v1/segments', { name: 'future', rules: { all: [{ trait: 'loyalty_tier', op: 'eq', value: 'gold' }, { event: 'Subscription Renewed' }, { segment: 'nope' }] } });
    expect(r.statusCode).toBe(201);
    expect(r.json().warnings).toEqual([
      'no profile has the trait "loyalty_tier" yet',
      'no event named "Subscription Renewed" has been received yet',
      'no segment named "nope": it has no members',
    ]);
    expect((await call('POST', '/v1/segments', { name: 'future', rules: { trait: 'a', op: 'exists' } })).statusCode).toBe(409);
    const a = (await call('POST', '/v1/segments', { name: 'a', rules: { trait: 'a', op: 'exists' } })).json();
    await call('POST', '/v1/segments', { name: 'b', rules: { segment: 'a' } });
    const cyc = await call('PATCH', `/v1/segments/${a.id}`, { rules: { segment: 'b' } });
    expect(cyc.statusCode).toBe(400);
    expect(cyc.json().error.message).toMatch(/cycle: a → b → a|cycle: b → a → b/);
    expect((await call('GET', '/v1/segments', undefined, WRITE_AUTH)).statusCode).toBe(403);
  });
});
