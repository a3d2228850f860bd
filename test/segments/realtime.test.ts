import { afterEach, describe, expect, it } from 'vitest';
import type { Tailor } from '../../src/main.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 12);

/** A Tailor on a real database with a clock the test moves. */
async function setup(url: string) {
  let now = T0;
  const t = await openTailor(url, () => now);
  const clock = {
    set: (ms: number) => { now = ms; },
    advance: (ms: number) => { now += ms; },
    get now() { return now; },
  };
  const send = async (raw: Record<string, unknown>[]) => {
    await t.ingest(raw.map((r) => msg({ timestamp: new Date(now).toISOString(), ...r }, now)));
    await t.realtime.drain();
  };
  /** Runs the scheduler until nothing is due at the current instant. */
  const tick = async () => { while ((await t.segments.tick()) > 0); };
  const members = async (name: string) => {
    const s = await t.segments.get(name);
    return [...(await t.segmentQueries.members(s.id, { limit: 1000 })).members.map((m) => m.userId)].sort();
  };
  return { t, clock, send, tick, members };
}

const CART = { event: 'Product Added', within: '24h', notFollowedBy: { event: 'Order Completed', within: '24h' } };

for (const d of dialects) {
  describe(`real-time segments (${d.name})`, () => {
    let t: Tailor | undefined;
    afterEach(async () => { await t?.close(); t = undefined; });

    it('picks up and drops cart abandoners as events arrive and as time passes', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.t.segments.create({ name: 'cart abandoners', rules: CART });
      await s.send([{ type: 'track', userId: 'ann', event: 'Product Added', properties: { sku: 'A' } }]);
      expect(await s.members('cart abandoners')).toEqual(['ann']);

      s.clock.advance(2 * H);
      await s.send([{ type: 'track', userId: 'bob', event: 'Product Added', properties: { sku: 'B' } }]);
      expect(await s.members('cart abandoners')).toEqual(['ann', 'bob']);

      // Ann buys: she leaves at once.
      s.clock.advance(H);
      await s.send([{ type: 'track', userId: 'ann', event: 'Order Completed', properties: { revenue: 20 } }]);
      expect(await s.members('cart abandoners')).toEqual(['bob']);

      // Bob's cart turns 24 h old with no new event: the timer fires exactly then, not before.
      s.clock.set(T0 + 2 * H + 24 * H - 1);
      await s.tick();
      expect(await s.members('cart abandoners')).toEqual(['bob']);
      s.clock.set(T0 + 2 * H + 24 * H);
      await s.tick();
      expect(await s.members('cart abandoners')).toEqual([]);

      const seg = await s.t.segments.get('cart abandoners');
      expect(seg.size).toBe(0);
      const history = await s.t.segmentQueries.sizes(seg.id, {});
      expect(history.reduce((n, p) => n + p.entered, 0)).toBe(2);
      expect(history.reduce((n, p) => n + p.exited, 0)).toBe(2);

      // Entries and exits are events on the profile.
      const bob = await s.t.profiles.resolve({ userId: 'bob' });
      const doc = await s.t.profiles.get(bob!);
      expect(doc!.eventCounts.byName['segment.entered']).toBe(1);
      expect(doc!.eventCounts.byName['segment.exited']).toBe(1);
      // A batch recompute agrees with the live state.
      expect(await s.t.segments.recompute('cart abandoners')).toMatchObject({ entered: 0, exited: 0, size: 0 });
    });

    it('holds members for minDwell, then lets them go on the timer', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.send([{ type: 'identify', userId: 'cy', traits: { plan: 'pro' } }]);
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' }, options: { minDwell: '2h' } });
      expect(await s.members('pro')).toEqual(['cy']);
      s.clock.advance(H);
      await s.send([{ type: 'identify', userId: 'cy', traits: { plan: 'free' } }]);
      expect(await s.members('pro')).toEqual(['cy']);
      const explained = await s.t.segments.explain('pro', (await s.t.profiles.resolve({ userId: 'cy' }))!);
      expect(explained).toMatchObject({ member: true, rulePasses: false, heldBy: 'minDwell' });
      s.clock.advance(H);
      await s.tick();
      expect(await s.members('pro')).toEqual([]);
    });

    it('uses exit thresholds while a member (hysteresis) and follows feature windows', async () => {
      const s = await setup(await d.url());
      t = s.t;
      const order = (daysAgo: number) => ({ type: 'track', userId: 'di', event: 'Order Completed', timestamp: new Date(s.clock.now - daysAgo * 24 * H).toISOString(), properties: { revenue: 10 } });
      await s.send([order(89), order(1)]);
      await s.t.segments.create({ name: 'regulars', rules: { feature: 'orders_90d', op: 'gte', value: 2 }, options: { exitThresholds: { orders_90d: 1 } } });
      expect(await s.members('regulars')).toEqual(['di']);
      // The older order leaves the 90-day window: orders_90d is 1, which the exit threshold allows.
      s.clock.advance(2 * 24 * H);
      await s.tick();
      expect(await s.members('regulars')).toEqual(['di']);
      // Then the other one: 0 orders, out.
      s.clock.advance(89 * 24 * H);
      await s.tick();
      expect(await s.members('regulars')).toEqual([]);
    });

    it('cascades through nested segments and counts new profiles for rules that hold on no data', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.t.segments.create({ name: 'eu', rules: { trait: 'region', op: 'eq', value: 'EU' } });
      await s.t.segments.create({ name: 'eu non-buyers', rules: { all: [{ segment: 'eu' }, { event: 'Order Completed', count: { eq: 0 } }] } });
      await s.t.segments.create({ name: 'never bought', rules: { event: 'Order Completed', count: { eq: 0 } } });
      await s.send([{ type: 'identify', userId: 'eve', traits: { region: 'EU' } }, { type: 'identify', userId: 'fay', traits: { region: 'NA' } }]);
      expect(await s.members('eu non-buyers')).toEqual(['eve']);
      expect(await s.members('never bought')).toEqual(['eve', 'fay']);
      await s.send([{ type: 'track', userId: 'eve', event: 'Order Completed', properties: { revenue: 5 } }]);
      expect(await s.members('eu non-buyers')).toEqual([]);
      expect(await s.members('never bought')).toEqual(['fay']);
      await expect(s.t.segments.update('eu', { rules: { segment: 'eu non-buyers' } })).rejects.toThrow(/cycle/);
      await expect(s.t.segments.remove('eu')).rejects.toThrow(/nested by/);
    });

    it('keeps recomputes and live updates from undoing each other', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.send(Array.from({ length: 50 }, (_, i) => ({ type: 'identify', userId: `v${i}`, traits: { vip: i % 2 === 0 } })));
      await s.t.segments.create({ name: 'vip', rules: { trait: 'vip', op: 'eq', value: true } });
      // Flip everyone while recomputes run.
      s.clock.advance(1000);
      const flips = s.t.ingest(Array.from({ length: 50 }, (_, i) => msg({ type: 'identify', userId: `v${i}`, traits: { vip: i % 2 === 1 } }, s.clock.now)));
      const recomputes = Promise.all([s.t.segments.recompute('vip'), s.t.segments.recompute('vip')]);
      await Promise.all([flips, recomputes]);
      await s.t.realtime.drain();
      expect(await s.members('vip')).toEqual(Array.from({ length: 25 }, (_, i) => `v${2 * i + 1}`).sort());
      expect(await s.t.segments.recompute('vip')).toMatchObject({ entered: 0, exited: 0, size: 25 });
    });

    it('drops a due timer whose segment is gone, so the scheduler does not spin on it', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.send([{ type: 'identify', userId: 'ida', traits: { plan: 'pro' } }]);
      const id = (await s.t.profiles.resolve({ userId: 'ida' }))!;
      const orphan = () => s.t.db.transaction((sql) => sql.run('INSERT INTO segment_timers (segment_id, profile_id, due_at) VALUES (?, ?, ?)', ['deleted-segment', id, T0]));
      await orphan();
      expect(await s.t.segments.tick()).toBe(1);
      expect(await s.t.segments.tick()).toBe(0);
      // The same with a segment in place (the timer's own segment still gone).
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await orphan();
      expect(await s.t.segments.tick()).toBe(1);
      expect(await s.t.segments.tick()).toBe(0);
      expect(await s.members('pro')).toEqual(['ida']);
    });

    it('moves a merged profile out of its segments and re-evaluates the survivor', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.t.segments.create({ name: 'browsers', rules: { event: 'Product Viewed' } });
      await s.t.segments.create({ name: 'named', rules: { trait: 'name', op: 'exists' } });
      await s.send([{ type: 'track', anonymousId: 'anon-1', event: 'Product Viewed', properties: {} }]);
      await s.send([{ type: 'identify', userId: 'gus', traits: { name: 'Gus' } }]);
      expect((await s.t.segments.get('browsers')).size).toBe(1);
      await s.send([{ type: 'alias', userId: 'gus', previousId: 'anon-1' }]);
      // One profile survives with both histories: it is the one member.
      const survivor = await s.t.profiles.resolve({ userId: 'gus' });
      expect(await s.t.profiles.resolve({ anonymousId: 'anon-1' })).toBe(survivor);
      const seg = await s.t.segments.get('browsers');
      expect((await s.t.segmentQueries.members(seg.id, { limit: 10 })).members.map((m) => m.profileId)).toEqual([survivor]);
      expect((await s.t.segments.get('browsers')).size).toBe(1);
      expect(await s.t.segments.recompute('browsers')).toMatchObject({ entered: 0, exited: 0, size: 1 });
      // gus's own profile was in "named"; merged away, it left silently, and the survivor entered.
      expect(await s.t.segments.recompute('named')).toMatchObject({ entered: 0, exited: 0, size: 1 });
    });
  });
}

describe('segments over batch-written features', () => {
  it('follow RFM scores when they are recomputed', async () => {
    const url = await dialects[0]!.url();
    const now = Date.UTC(2026, 5, 1);
    const t = await openTailor(url, () => now);
    try {
      const orders = [];
      for (let i = 0; i < 10; i++) {
        for (let k = 0; k <= i; k++) orders.push(msg({ type: 'track', userId: `c${i}`, event: 'Order Completed', timestamp: new Date(now - (10 - i) * 86_400_000 - k * 3_600_000).toISOString(), properties: { revenue: 10 * (i + 1) } }));
      }
      await t.ingest(orders);
      await t.segments.create({ name: 'champions', rules: { feature: 'rfm_segment', op: 'eq', value: 'Champions' } });
      await t.segments.create({ name: 'champion fans', rules: { segment: 'champions' } });
      expect((await t.segments.get('champions')).size).toBe(0);
      const { runRfm } = await import('../../src/core/features/rfm-run.ts');
      const { createRfmStore } = await import('../../src/store/features/rfm-store.ts');
      await runRfm(createRfmStore(t.db), { asOf: now, windowDays: 365, save: true, now }, () => 0);
      const r = await t.segments.recomputeUsing((f) => f.startsWith('rfm_'));
      expect([...r.keys()]).toEqual(['champions', 'champion fans']);
      expect((await t.segments.get('champions')).size).toBeGreaterThan(0);
      expect((await t.segments.get('champion fans')).size).toBe((await t.segments.get('champions')).size);
    } finally {
      await t.close();
    }
  });
});
