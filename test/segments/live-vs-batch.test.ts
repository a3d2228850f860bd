import { describe, expect, it } from 'vitest';
import { loadDemo, DEFAULT_DEMO_END } from '../../src/demo/load-demo.ts';
import { dialects } from '../helpers/databases.ts';
import { openTailor } from '../helpers/tailor.ts';

const H = 3_600_000;
const D = 24 * H;

/** Segments over every kind of node the demo data can exercise. */
const SEGMENTS = [
  { name: 'cart abandoners', rules: { event: 'Product Added', within: '3d', notFollowedBy: { event: 'Order Completed', within: '24h' } } },
  { name: 'eu shoppers', rules: { all: [{ trait: 'region', op: 'eq', value: 'EU' }, { event: 'Order Completed', within: '30d', count: { gte: 1 } }] } },
  { name: 'lapsed', rules: { all: [{ feature: 'frequency', op: 'gte', value: 2 }, { feature: 'recency_days', op: 'gt', value: 20 }] } },
  { name: 'engaged', rules: { any: [{ feature: 'opens_30d', op: 'gte', value: 2 }, { event: 'Email Clicked', within: '7d' }] }, options: { minDwell: '2d' } },
  { name: 'lapsed eu', rules: { all: [{ segment: 'lapsed' }, { not: { trait: 'region', op: 'neq', value: 'EU' } }] } },
  { name: 'big spenders', rules: { feature: 'revenue_90d', op: 'gte', value: 300 }, options: { exitThresholds: { revenue_90d: 200 } } },
  { name: 'dress viewers', rules: { event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'dresses' }], within: '14d', count: { gte: 2 } } },
];

for (const d of dialects) {
  describe(`live membership equals a batch recompute (${d.name})`, () => {
    it('after replaying the demo data, and after time passes with no new events', async () => {
      let now = DEFAULT_DEMO_END.getTime() + 6 * H;
      const t = await openTailor(await d.url(), () => now);
      try {
        // Segments exist before the data: every membership below comes from the real-time path.
        for (const s of SEGMENTS) await t.segments.create(s);
        await loadDemo(t, { customers: 250, seed: 7, end: DEFAULT_DEMO_END });
        await t.realtime.drain();
        const live = new Map<string, number>();
        for (const s of SEGMENTS) live.set(s.name, (await t.segments.get(s.name)).size);
        expect([...live.values()].every((n) => n > 0), JSON.stringify([...live])).toBe(true);
        for (const s of SEGMENTS) {
          expect(await t.segments.recompute(s.name), s.name).toMatchObject({ entered: 0, exited: 0, size: live.get(s.name) });
        }

        // Ten days pass in steps; only the scheduler (timers and feature-window expiry) runs.
        for (let step = 0; step < 20; step++) {
          now += D / 2;
          while ((await t.segments.tick()) > 0);
        }
        for (const s of SEGMENTS) {
          const r = await t.segments.recompute(s.name);
          expect(r, s.name).toMatchObject({ entered: 0, exited: 0 });
        }
        const after = await Promise.all(SEGMENTS.map(async (s) => (await t.segments.get(s.name)).size));
        expect(after).not.toEqual([...live.values()]);
      } finally {
        await t.close();
      }
    }, 300_000);
  });
}
