import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/features/catalog.ts';
import { buildRecommendations } from '../../src/core/content/recommendations/build.ts';
import { upsertProducts } from '../../src/store/imports/product-store.ts';
import { createRecsStore } from '../../src/store/content/recs-store.ts';
import { loadRecommendations } from '../../src/store/content/recs-queries.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

const NOW = Date.UTC(2026, 0, 20);
const iso = (daysAgo: number) => new Date(NOW - daysAgo * DAY_MS).toISOString();
const order = (userId: string, ids: string[], daysAgo: number) => msg({ type: 'track', userId, event: 'Order Completed', timestamp: iso(daysAgo),
  properties: { order_id: `o-${userId}-${ids.join('-')}`, revenue: 10, products: ids.map((product_id) => ({ product_id, quantity: 1 })) } });

// The composition root wires the real-time queue to refreshRecommendations: an order that
// arrives after the build updates that buyer's stored list without another build.
describe('recommendations follow new orders through the real-time queue', () => {
  let t: TestTailor;
  beforeAll(async () => {
    t = await openTailor(tempSqlite(), () => NOW);
    await upsertProducts(t.db, ['a', 'b', 'c', 'd'].map((id) => ({
      id, name: id, category: 'tops', price: 10, currency: 'EUR', url: `https://shop.example/${id}`, imageUrl: null, inStock: true, attributes: {},
    })), NOW);
    // Co-purchases: a with b, and a with c (twice), so a buyer of a is recommended c, then b.
    await t.ingest([order('u1', ['a', 'b'], 9), order('u2', ['a', 'c'], 8), order('u3', ['a', 'c'], 7), order('ana', ['a'], 6)]);
    await t.realtime.drain();
    await buildRecommendations(createRecsStore(t.db), { asOf: NOW, now: NOW });
  });
  afterAll(async () => t?.close());

  it('drops an item from the list once the profile buys it', async () => {
    const ana = (await t.profiles.resolve({ userId: 'ana' }))!;
    expect((await loadRecommendations(t.db, ana)).map((p) => p.id).slice(0, 2)).toEqual(['c', 'b']);
    await t.ingest([order('ana', ['c'], 0)]);
    await t.realtime.drain();
    const after = (await loadRecommendations(t.db, ana)).map((p) => p.id);
    expect(after).not.toContain('c');
    expect(after[0]).toBe('b');
  });
});
