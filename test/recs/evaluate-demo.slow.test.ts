import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRecommendations } from '../../src/core/content/recommendations/evaluate.ts';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { createRecsStore } from '../../src/store/content/recs-store.ts';
import { dialects } from '../helpers/databases.ts';
import { openTailor, type TestTailor } from '../helpers/tailor.ts';

// The demo shop's customers have planted category preferences and its products a Zipf-like
// popularity (src/demo/customers.ts, catalog.ts, product-picker.ts): item-item CF must find the
// former and so beat plain popularity, which captures only the latter.
describe.each(dialects)('recommendation evaluation on the demo data ($name)', ({ name, url }) => {
  let t: TestTailor;
  beforeAll(async () => {
    t = await openTailor(await url());
    await loadDemo(t, { customers: 500, seed: 7, end: DEFAULT_DEMO_END });
  }, 180_000);
  afterAll(async () => t?.close());

  it('CF beats the popularity baseline on a 30-day time-split holdout', async () => {
    const r = await evaluateRecommendations(createRecsStore(t.db), { k: 10 });
    const fmt = (m: { hitRate: number; recall: number; mrr: number }) =>
      `hit-rate@10 ${m.hitRate.toFixed(4)}, recall@10 ${m.recall.toFixed(4)}, MRR ${m.mrr.toFixed(4)}`;
    console.log(`[recs ${name}] ${r.users} test users (${r.coldUsers} cold), cutoff ${new Date(r.cutoff).toISOString()}\n` +
      `  cf      ${fmt(r.cf)}\n  popular ${fmt(r.popular)}`);
    expect(r.users).toBeGreaterThan(80);
    expect(r.cf.users).toBe(r.popular.users);
    expect(r.cf.hitRate).toBeGreaterThan(r.popular.hitRate);
    expect(r.cf.recall).toBeGreaterThan(r.popular.recall);
    // Not MRR: since the demo's email history follows reading habits (2026-12-07) CF ranks its hits
    // a little lower than popularity does here (0.1407 against 0.1426; README "Product recommendations").
    expect(r.warm.cf.hitRate).toBeGreaterThan(r.warm.popular.hitRate);
  });

  // The evaluation is deterministic (fixed seed, fixed cutoff), and the README quotes these figures
  // for this suite ("CF 0.3810 against popularity 0.3333 on 126 users", the same on both dialects):
  // pinned exactly, so that a change to CF, popularity, the split or either store's queries shows.
  it('gives the exact, deterministic figures the README quotes, on both dialects', async () => {
    const r = await evaluateRecommendations(createRecsStore(t.db), { k: 10 });
    const f = (m: { hitRate: number; recall: number; mrr: number; users: number }) =>
      ({ hitRate: m.hitRate.toFixed(4), recall: m.recall.toFixed(4), mrr: m.mrr.toFixed(4), users: m.users });
    expect({ users: r.users, cold: r.coldUsers, cutoff: new Date(r.cutoff).toISOString() })
      .toEqual({ users: 126, cold: 40, cutoff: '2026-10-01T23:10:49.000Z' });
    expect(f(r.cf)).toEqual({ hitRate: '0.3810', recall: '0.3148', mrr: '0.1407', users: 126 });
    expect(f(r.popular)).toEqual({ hitRate: '0.3333', recall: '0.2467', mrr: '0.1426', users: 126 });
    // Users with history before the cutoff (not quoted in the README; regression pins).
    expect(f(r.warm.cf)).toEqual({ hitRate: '0.4070', recall: '0.3566', mrr: '0.1562', users: 86 });
    expect(f(r.warm.popular)).toEqual({ hitRate: '0.3372', recall: '0.2568', mrr: '0.1589', users: 86 });
  });
});
