import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/features/catalog.ts';
import { buildRecommendations, loadMatrix, refreshRecommendations } from '../../src/core/content/recommendations/build.ts';
import { itemCosine } from '../../src/core/content/recommendations/similarity.ts';
import { upsertProducts } from '../../src/store/imports/product-store.ts';
import { createRecsStore } from '../../src/store/content/recs-store.ts';
import { loadRecommendations } from '../../src/store/content/recs-queries.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

const NOW = Date.UTC(2026, 0, 20);
const iso = (daysAgo: number) => new Date(NOW - daysAgo * DAY_MS).toISOString();
const product = (id: string, category: string, inStock = true) => ({
  id, name: `Product ${id}`, category, price: 10, currency: 'EUR', url: `https://shop.example/${id}`, imageUrl: null, inStock, attributes: {},
});
const view = (userId: string, id: string, daysAgo: number) =>
  msg({ type: 'track', userId, event: 'Product Viewed', timestamp: iso(daysAgo), properties: { product_id: id } });
const order = (userId: string, ids: string[], daysAgo: number) => msg({ type: 'track', userId, event: 'Order Completed', timestamp: iso(daysAgo),
  properties: { order_id: `o-${userId}-${daysAgo}`, revenue: 10, products: ids.map((product_id) => ({ product_id, quantity: 1 })) } });

describe.each(dialects)('recommendations store on $name', ({ url }) => {
  let t: TestTailor;
  const id = async (userId: string) => (await t.profiles.resolve({ userId }))!;

  beforeAll(async () => {
    t = await openTailor(await url(), () => NOW);
    await upsertProducts(t.db, [product('p1', 'tops'), product('p2', 'tops'), product('p3', 'jeans'), product('p4', 'jeans', false),
      product('p5', 'shoes'), product('p6', 'shoes')], NOW);
    await t.ingest([
      order('ana', ['p1', 'p3'], 5),
      order('ben', ['p1'], 4), view('ben', 'p3', 4), view('ben', 'p4', 3),
      msg({ type: 'track', userId: 'cat', event: 'Product Added', timestamp: iso(2), properties: { product_id: 'p2', quantity: 1 } }),
      view('cat', 'p1', 2),
      // 21 fans of p5 and dan, who did nothing yet: one segment, large enough for its own popularity list.
      ...Array.from({ length: 21 }, (_, i) => view(`fan${i}`, 'p5', 1)),
      ...['dan', ...Array.from({ length: 21 }, (_, i) => `fan${i}`)].map((u) => msg({ type: 'identify', userId: u, traits: { club: 'shoes' } })),
      msg({ type: 'identify', userId: 'eve', traits: { club: 'none' } }),
    ]);
    await t.realtime.drain();
    await t.segments.create({ name: 'shoe club', rules: { trait: 'club', op: 'eq', value: 'shoes' } });
  }, 60_000);
  afterAll(async () => t?.close());

  it('builds, stores and serves lists: bought and out-of-stock items left out, fallbacks for cold profiles', async () => {
    const port = createRecsStore(t.db);
    // A list of a profile that does not exist is pruned by the build.
    await port.saveLists([{ profileId: 'gone', items: [] }], 'item-cf', NOW);
    const r = await buildRecommendations(port, { asOf: NOW, now: NOW, batchSize: 7 });
    // The fans' p5 has no neighbours (nobody else touched it): they get their segment's list, as dan does.
    expect(r).toMatchObject({ profiles: 26, segments: 1, pruned: 1, lists: { cf: 3, 'segment-popular': 22, popular: 1, empty: 0 } });

    const ana = await loadRecommendations(t.db, await id('ana'));
    expect(ana[0]).toMatchObject({ id: 'p2', name: 'Product p2', category: 'tops', price: 10, currency: 'EUR', url: 'https://shop.example/p2', imageUrl: null, reason: 'cf' });
    const anaIds = ana.map((p) => p.id);
    expect(anaIds).not.toContain('p1');
    expect(anaIds).not.toContain('p3');
    expect(anaIds).not.toContain('p4');
    // ben viewed p3 (co-bought with p1 by ana): recommended; bought p1 is not.
    expect((await loadRecommendations(t.db, await id('ben'))).map((p) => p.id)).toEqual(expect.arrayContaining(['p3']));
    expect((await loadRecommendations(t.db, await id('dan')))[0]).toMatchObject({ id: 'p5', reason: 'segment-popular' });
    expect((await loadRecommendations(t.db, await id('eve')))[0]).toMatchObject({ id: 'p5', reason: 'popular' });
    expect(await loadRecommendations(t.db, 'no-such-profile')).toEqual([]);
    expect(await loadRecommendations(t.db, await id('ana'), 1)).toHaveLength(1);

    // Out of stock since the build: left out when served.
    await upsertProducts(t.db, [product('p2', 'tops', false)], NOW);
    expect((await loadRecommendations(t.db, await id('ana'))).map((p) => p.id)).not.toContain('p2');
  });

  it('stores the similarities as computed', async () => {
    const port = createRecsStore(t.db);
    const expected = itemCosine((await loadMatrix(port, NOW)).m.rows.values());
    const stored = (await port.loadModel())!;
    expect(stored.asOf).toBe(NOW);
    expect([...stored.neighbours.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [item, list] of expected) {
      expect(stored.neighbours.get(item)!.map((n) => n.item)).toEqual(list.map((n) => n.item));
      stored.neighbours.get(item)!.forEach((n, i) => expect(n.sim).toBeCloseTo(list[i]!.sim, 12));
    }
    expect(stored.popular[0]!.item).toBe('p5');
    expect(stored.segments).toHaveLength(1);
  });

  it('refreshes just the given profiles with the stored model; ids that are not live profiles lose their list', async () => {
    await t.ingest([view('eve', 'p3', 0)]);
    const eve = await id('eve');
    const r = await refreshRecommendations(createRecsStore(t.db), [eve, eve, 'gone-too'], NOW);
    expect(r).toEqual({ refreshed: 1, removed: 1, model: true });
    const list = await loadRecommendations(t.db, eve);
    expect(list[0]).toMatchObject({ reason: 'cf' });
    expect(list.map((p) => p.id)).toContain('p1');
  });
});
