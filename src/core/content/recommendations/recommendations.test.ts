import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../features/catalog.ts';
import { diversify } from './diversity.ts';
import { decay, interactionWeight, orderProductIds, ProfileItems } from './interactions.ts';
import { rankingMetrics } from './metrics.ts';
import { fallbackSegment, popularItems, segmentPopularity } from './popularity.ts';
import { recommend, type CatalogItem, type RecsModel } from './recommend.ts';
import { cfScores } from './scoring.ts';
import { itemCosine } from './similarity.ts';

const rows = (o: Record<string, Record<string, number>>) => new Map(Object.entries(o).map(([u, r]) => [u, new Map(Object.entries(r))]));

// Three profiles, three items:  u1 {a:1, b:1}   u2 {a:2, c:1}   u3 {b:1, c:2}
// Item norms: |a| = √(1² + 2²) = √5, |b| = √(1² + 1²) = √2, |c| = √(1² + 2²) = √5.
// Dot products: a·b = 1·1 (u1) = 1; a·c = 2·1 (u2) = 2; b·c = 1·2 (u3) = 2.
// Cosines: sim(a,b) = 1/√10 ≈ 0.316228; sim(a,c) = 2/5 = 0.4; sim(b,c) = 2/√10 ≈ 0.632456.
const TINY = rows({ u1: { a: 1, b: 1 }, u2: { a: 2, c: 1 }, u3: { b: 1, c: 2 } });

describe('item-item cosine', () => {
  it('matches the hand-computed similarities, best neighbour first', () => {
    const n = itemCosine(TINY.values());
    const sims = (i: string) => n.get(i)!.map((x) => [x.item, Number(x.sim.toFixed(6))]);
    expect(sims('a')).toEqual([['c', 0.4], ['b', 0.316228]]);
    expect(sims('b')).toEqual([['c', 0.632456], ['a', 0.316228]]);
    expect(sims('c')).toEqual([['b', 0.632456], ['a', 0.4]]);
  });

  it('keeps only the top K neighbours, and is symmetric', () => {
    const n = itemCosine(TINY.values(), 1);
    expect([...n].map(([i, l]) => [i, l.map((x) => x.item)])).toEqual([['a', ['c']], ['b', ['c']], ['c', ['b']]]);
    const full = itemCosine(rows({ u: { x: 0.3, y: 0.7, z: 1.1 }, v: { x: 2, z: 0.5 } }).values());
    const sim = (i: string, j: string) => full.get(i)!.find((x) => x.item === j)!.sim;
    expect(sim('x', 'z')).toBeCloseTo(sim('z', 'x'), 12);
  });

  it('scores a profile as Σ sim × own weight: history {a: 2} gives c 0.8, b 2/√10', () => {
    const s = cfScores(new Map([['a', 2]]), itemCosine(TINY.values()));
    expect(s.get('c')).toBeCloseTo(0.8, 12);
    expect(s.get('b')).toBeCloseTo(2 / Math.sqrt(10), 12);
    expect(s.has('a')).toBe(false);
  });
});

describe('interaction weights', () => {
  const asOf = Date.UTC(2026, 5, 1);
  it('halves every 60 days and ranks purchase > add > view', () => {
    expect(decay(0)).toBe(1);
    expect(decay(60 * DAY_MS)).toBeCloseTo(0.5, 12);
    expect(decay(180 * DAY_MS)).toBeCloseTo(0.125, 12);
    expect(decay(-DAY_MS)).toBe(1);
    expect(interactionWeight('purchase', asOf - 120 * DAY_MS, asOf)).toBeCloseTo(5 * 0.25, 12);
    expect(interactionWeight('purchase', asOf, asOf)).toBeGreaterThan(interactionWeight('add', asOf, asOf));
    expect(interactionWeight('add', asOf, asOf)).toBeGreaterThan(interactionWeight('view', asOf, asOf));
  });

  it('sums a profile\'s events per item, ignores later ones, and records purchases', () => {
    const m = new ProfileItems(asOf).addAll([
      { profileId: 'u', productId: 'a', kind: 'view', at: asOf },
      { profileId: 'u', productId: 'a', kind: 'purchase', at: asOf - 60 * DAY_MS },
      { profileId: 'u', productId: 'b', kind: 'purchase', at: asOf + 1 },
    ]);
    expect(m.rows.get('u')!.get('a')).toBeCloseTo(1 + 2.5, 12);
    expect(m.rows.get('u')!.has('b')).toBe(false);
    expect([...m.bought.get('u')!]).toEqual(['a']);
  });

  it('reads the product ids of an order', () => {
    expect(orderProductIds({ products: [{ product_id: 'a' }, { product_id: 7 }, { sku: 'x' }, null] })).toEqual(['a', '7']);
    expect(orderProductIds({ products: 'no' })).toEqual([]);
    expect(orderProductIds(null)).toEqual([]);
  });
});

const item = (id: string, category: string, inStock = true): CatalogItem => ({ id, category, inStock });

describe('recommend', () => {
  const catalog = new Map([item('a', 'tops'), item('b', 'tops'), item('c', 'jeans'), item('d', 'shoes', false), item('e', 'shoes')].map((c) => [c.id, c]));
  const model = (extra: Partial<RecsModel> = {}): RecsModel => ({
    neighbours: itemCosine(rows({ u1: { a: 1, b: 1, d: 3 }, u2: { a: 2, c: 1, d: 1 }, u3: { b: 1, c: 2 } }).values()),
    popular: [{ item: 'd', score: 9 }, { item: 'e', score: 5 }, { item: 'a', score: 4 }],
    segments: new Map(), catalog, ...extra,
  });

  it('leaves out bought items and out-of-stock items', () => {
    const all = recommend({ weights: new Map([['a', 2]]) }, model(), 10);
    expect(all.map((r) => r.item)).not.toContain('d');
    expect(all[0]).toMatchObject({ item: 'c', reason: 'cf' });
    const r = recommend({ weights: new Map([['a', 2]]), bought: new Set(['a', 'c']) }, model(), 10);
    expect(r.map((x) => [x.item, x.reason])).toEqual([['b', 'cf'], ['e', 'popular']]);
  });

  it('falls back to the largest segment\'s popular items, else global popularity', () => {
    const segs = segmentPopularity(rows({ p1: { e: 1 }, p2: { e: 1, c: 1 }, p3: { c: 3 } }), [
      { segmentId: 'small', profileId: 'p3' }, { segmentId: 'big', profileId: 'p1' }, { segmentId: 'big', profileId: 'p2' },
    ], 50, 1);
    const lists = new Map(segs.map((s) => [s.segmentId, s]));
    expect(fallbackSegment(['small', 'big', 'unknown'], lists)?.segmentId).toBe('big');
    const cold = recommend({ segments: ['small', 'big'] }, model({ segments: lists }), 3);
    expect(cold.map((x) => [x.item, x.reason])).toEqual([['e', 'segment-popular'], ['c', 'segment-popular'], ['a', 'popular']]);
    expect(recommend({}, model(), 2).map((x) => [x.item, x.reason])).toEqual([['e', 'popular'], ['a', 'popular']]);
    // Segments below the minimum size give no list.
    expect(segmentPopularity(rows({ p1: { e: 1 } }), [{ segmentId: 's', profileId: 'p1' }])).toEqual([]);
  });

  it('computes popularity as the sum of weights', () => {
    expect(popularItems(TINY.values())).toEqual([{ item: 'a', score: 3 }, { item: 'c', score: 3 }, { item: 'b', score: 2 }]);
  });
});

describe('diversity', () => {
  const cat = (s: string) => s[0]!;
  it('takes at most 4 per category in the top 10, filling from the rest only when nothing else is left', () => {
    expect(diversify(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'y1', 'z1'], cat, 6)).toEqual(['x1', 'x2', 'x3', 'x4', 'y1', 'z1']);
    expect(diversify(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'y1'], cat, 7)).toEqual(['x1', 'x2', 'x3', 'x4', 'y1', 'x5', 'x6']);
  });

  it('allows 4 more per category in each further block of 10', () => {
    const ranked = [...Array.from({ length: 12 }, (_, i) => `x${i}`), ...Array.from({ length: 12 }, (_, i) => `y${i}`), 'z0', 'w0'];
    const out = diversify(ranked, cat, 20);
    const count = (list: string[], c: string) => list.filter((s) => s[0] === c).length;
    expect(count(out.slice(0, 10), 'x')).toBe(4);
    expect(count(out.slice(0, 10), 'y')).toBe(4);
    expect(out.slice(0, 10)).toContain('z0');
    expect(out.slice(0, 10)).toContain('w0');
    // Positions 11-20: up to 8 per category in all; the last two slots have only x and y left to fill them.
    expect(count(out.slice(0, 18), 'x')).toBe(8);
    expect(count(out.slice(0, 18), 'y')).toBe(8);
    expect(out.slice(18)).toEqual(['x8', 'x9']);
  });
});

describe('ranking metrics', () => {
  it('matches a hand-made example', () => {
    // k = 2. u1: top [a, b], bought {b}: hit, recall 1, RR 1/2. u2: bought {c, d}: no hit, recall 0, RR 0.
    // u3: bought {a, c}: hit, recall 1/2, RR 1. u4 bought nothing: not counted.
    // hit-rate 2/3; recall (1 + 0 + 1/2) / 3 = 0.5; MRR (1/2 + 0 + 1) / 3 = 0.5.
    const ranked = ['a', 'b', 'c'];
    const m = rankingMetrics([
      { ranked, relevant: new Set(['b']) }, { ranked, relevant: new Set(['c', 'd']) },
      { ranked, relevant: new Set(['a', 'c']) }, { ranked, relevant: new Set() },
    ], 2);
    expect(m.users).toBe(3);
    expect(m.hitRate).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(0.5, 12);
    expect(m.mrr).toBeCloseTo(0.5, 12);
    expect(rankingMetrics([], 10)).toEqual({ hitRate: 0, recall: 0, mrr: 0, users: 0 });
  });
});
