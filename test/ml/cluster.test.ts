import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/core/ml/cluster/ari.ts';
import { rngFor } from '../../src/core/prng.ts';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import type { Tailor } from '../../src/main.ts';
import { dialects } from '../helpers/databases.ts';
import { openTailor } from '../helpers/tailor.ts';

/** Clustering the demo shop, whose customers carry their planted behaviour type in `demo_segment`. */
describe.each(dialects)('clustering on $name', ({ url }) => {
  let t: Tailor;

  beforeAll(async () => {
    t = await openTailor(await url(), () => DEFAULT_DEMO_END.getTime());
    await loadDemo(t, { customers: 600, seed: 5 });
  }, 240_000);
  afterAll(async () => t?.close());

  it('k-means with k chosen by silhouette recovers the planted groups well above chance, and saves the cluster feature', async () => {
    const run = await t.models.cluster.run({ algo: 'kmeans', truth: 'demo_segment', nInit: 4 });
    const m = run.metrics;
    expect(m.profiles).toBe(600);
    expect(m.choice!.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(m.k).toBe(m.choice!.candidates.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)).k);
    // Chance level: the same labels against the planted groups shuffled.
    const truth = await Promise.all(run.ids.map(async (id) => String((await t.profiles.get(id, 0))!.traits.demo_segment)));
    expect(m.ari!.value).toBeCloseTo(adjustedRandIndex(truth, run.labels), 12);
    const rng = rngFor(1, 'shuffle');
    const shuffled = [...truth];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(Math.abs(adjustedRandIndex(shuffled, run.labels))).toBeLessThan(0.05);
    expect(m.ari!.value).toBeGreaterThan(0.25);
    // Cards: every profile in exactly one, sizes add up, descriptions in words.
    expect(m.cards.reduce((a, c) => a + c.size, 0)).toBe(600);
    for (const c of m.cards) expect(c.description).toMatch(/^[a-z]/);
    expect(run.svg.scatter).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(run.svg.dendrogram).toBeNull();
    // Saved: the feature segments and templates read.
    expect(run.saved).toBe(600);
    const biggest = m.cards.reduce((a, b) => (b.size > a.size ? b : a));
    const { segment } = await t.segments.create({ name: 'biggest cluster', rules: { feature: 'cluster', op: 'eq', value: biggest.cluster } });
    expect((await t.segmentQueries.members(segment.id, { limit: 1 })).total).toBe(biggest.size);
    expect(run.model).toMatchObject({ kind: 'cluster', name: 'clusters', version: 1 });
  });

  it('Ward hierarchical clustering gives a dendrogram, and DBSCAN reports its noise', async () => {
    const ward = await t.models.cluster.run({ algo: 'hierarchical', k: 5 }, { save: false });
    expect(ward.metrics.k).toBe(5);
    expect(new Set(ward.labels).size).toBe(5);
    expect(ward.svg.dendrogram).toMatch(/<svg/);
    expect(ward.model).toBeNull();
    const db = await t.models.cluster.run({ algo: 'dbscan' }, { save: false });
    expect(db.metrics.eps).toBeGreaterThan(0);
    expect(db.metrics.noise).toBe(db.labels.filter((l) => l === -1).length);
    expect(db.metrics.k).toBe(Math.max(...db.labels) + 1);
    // Not saved: the k-means clusters from the first test are still the stored feature.
    expect((await t.models.registry.list({ kind: 'cluster' })).map((m) => m.algo)).toEqual(['kmeans']);
  });

  it('refuses a truth trait that is also a feature, and too few profiles', async () => {
    await expect(t.models.cluster.run({ traits: ['demo_segment'], truth: 'demo_segment' })).rejects.toThrow(/cannot also be a feature/);
    await expect(t.models.cluster.run({ algo: 'kmeans' }, { asOf: Date.UTC(2020, 0, 1) })).rejects.toThrow(/clustering needs at least 3/);
    await expect(t.models.cluster.run({ k: 1 })).rejects.toThrow(/^k: /);
  });
});
