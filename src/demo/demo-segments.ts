import type { Tailor } from '../main.ts';

/**
 * Example segments for the demo store, one per kind of rule, so a fresh `npm start` shows live
 * segments. Windows are long because a demo history may end on a fixed date (`--end`), which may
 * lie weeks before today.
 */
export const DEMO_SEGMENTS = [
  {
    name: 'Cart abandoners (60 days)',
    description: 'added to cart in the last 60 days and did not buy within 24 hours of it',
    rules: { event: 'Product Added', within: '60d', notFollowedBy: { event: 'Order Completed', within: '24h' } },
  },
  {
    name: 'EU buyers',
    description: 'customers in the EU with at least one order',
    rules: { all: [{ trait: 'region', op: 'eq', value: 'EU' }, { feature: 'frequency', op: 'gte', value: 1 }] },
  },
  {
    name: 'Lapsed regulars',
    description: 'three or more orders, none in the last 60 days',
    rules: { all: [{ feature: 'frequency', op: 'gte', value: 3 }, { feature: 'recency_days', op: 'gt', value: 60 }] },
    options: { minDwell: '7d' },
  },
  {
    name: 'Dress lovers',
    description: 'viewed dresses at least three times in 90 days',
    rules: { event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'dresses' }], within: '90d', count: { gte: 3 } },
  },
  {
    name: 'Lapsed regulars in the EU',
    description: 'a nested segment',
    rules: { all: [{ segment: 'Lapsed regulars' }, { segment: 'EU buyers' }] },
  },
  {
    name: 'Big spenders',
    description: 'at least 500 in revenue over 90 days; they stay until it falls below 350',
    rules: { feature: 'revenue_90d', op: 'gte', value: 500 },
    options: { exitThresholds: { revenue_90d: 350 } },
  },
];

/** Creates the demo segments that do not exist yet; returns their names and sizes. */
export async function createDemoSegments(t: Tailor): Promise<{ name: string; size: number }[]> {
  const existing = new Set((await t.segments.list()).map((s) => s.name));
  const out: { name: string; size: number }[] = [];
  for (const s of DEMO_SEGMENTS) {
    if (existing.has(s.name)) continue;
    const r = await t.segments.create(s);
    out.push({ name: s.name, size: r.result.size });
  }
  return out;
}
