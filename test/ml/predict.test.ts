import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/features/catalog.ts';
import type { ClassificationMetrics, RegressionMetrics } from '../../src/core/ml/predict/holdout-metrics.ts';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { retrainTarget } from '../../src/jobs/retrain-target.ts';
import { createModelData } from '../../src/store/models/model-data-store.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';
import { TailorError } from '../../src/core/errors.ts';

const END = DEFAULT_DEMO_END.getTime();

/**
 * Predictive models on the demo shop (its planted behaviour types make churn and purchases
 * learnable) through the composition root, so training runs on the model worker thread.
 */
describe.each(dialects)('predictive models on $name', ({ url }) => {
  let t: TestTailor;
  let now = END;

  beforeAll(async () => {
    t = await openTailor(await url(), () => now);
    await loadDemo(t, { customers: 700, seed: 11 });
  }, 240_000);
  afterAll(async () => t?.close());

  it('trains churn with a time holdout, reports honest metrics, and registers the version', async () => {
    const m = await t.models.predict.train({ target: 'churn', folds: 3, permutationRepeats: 2 });
    const h = m.metrics.holdout as ClassificationMetrics;
    expect(m).toMatchObject({ name: 'churn', version: 1, status: 'active', algo: 'gbt', kind: 'predict' });
    // Learnable, but not perfect: the demo's types overlap on purpose.
    expect(h.rocAuc).toBeGreaterThan(0.75);
    expect(h.rocAuc).toBeLessThan(0.99);
    expect(h.n).toBe(m.metrics.testRows);
    expect(h.confusion.tp + h.confusion.fp + h.confusion.tn + h.confusion.fn).toBe(h.n);
    expect(h.calibration.reduce((a, b) => a + b.count, 0)).toBe(h.n);
    expect(m.metrics.cv.scores).toHaveLength(3);
    // Days since the last order is what churn is about; the importances must find it.
    expect(m.metrics.importances[0]!.feature).toBe('recency_days');
    const w = m.dataWindow as { train: { featuresAsOf: string }; test: { featuresAsOf: string } };
    expect(Date.parse(w.test.featuresAsOf)).toBe(END - 90 * DAY_MS);
    expect(Date.parse(w.train.featuresAsOf)).toBe(END - 180 * DAY_MS);
  });

  it('scores customers only, writes churn_risk for segments and templates, and sees no drift right after training', async () => {
    const r = await t.models.predict.score('churn');
    expect(r.run.scored).toBeGreaterThan(100);
    expect(r.run.written).toBe(r.run.scored);
    expect(r.run.psi).toBeLessThan(0.01);
    expect(r.run.drift).toBe(false);
    const high = r.ids.filter((_, i) => r.scores[i]! > 0.5).sort();
    const { segment: seg } = await t.segments.create({ name: 'churn risk', rules: { feature: 'churn_risk', op: 'gt', value: 0.5 } });
    const members = [...(await t.segmentQueries.members(seg.id, { limit: 1000 })).members.map((x) => x.profileId)].sort();
    expect(members).toEqual(high);
    const doc = await t.profiles.get(r.ids[0]!, 0);
    expect(doc!.features.churn_risk).toBeCloseTo(r.scores[0]!, 12);
    // Profiles without an order have no churn risk: the model is defined for customers.
    const scored = new Set(r.ids);
    const others = (await t.profiles.list({ limit: 1000 })).profiles.filter((p) => !scored.has(p.id));
    expect(others.length).toBeGreaterThan(0);
    expect((await t.profiles.get(others[0]!.id, 0))!.features.churn_risk).toBeNull();
  });

  it('flags drift when the scored population moves away from the training one', async () => {
    // Half a year on, with no new orders, every customer's recency has grown.
    const later = await t.models.predict.score('churn', END + 180 * DAY_MS);
    expect(later.run.psi).toBeGreaterThan(0.2);
    expect(later.run.drift).toBe(true);
    expect((await t.models.predict.model('churn')).lastScore?.drift).toBe(true);
    await t.models.predict.score('churn');
  });

  it('trains the purchase and revenue targets, with the models their task allows', async () => {
    const p = await t.models.predict.train({ target: 'purchase_30d', algo: 'logistic', folds: 0, permutationRepeats: 1 });
    expect((p.metrics.holdout as ClassificationMetrics).rocAuc).toBeGreaterThan(0.7);
    // Ridge: on 700 customers its holdout R² is 0.35 whatever the seed or row order; trees vary
    // much more on this small, heavy-tailed target (forest 0.04–0.27, GBT −0.23–0.10 over seeds 1–6).
    const rev = await t.models.predict.train({ target: 'revenue_90d', algo: 'ridge', folds: 0, permutationRepeats: 1 });
    const h = rev.metrics.holdout as RegressionMetrics;
    expect(h.task).toBe('regression');
    expect(h.r2).toBeGreaterThan(0.2);
    expect(Math.abs(h.meanPredicted - h.meanActual)).toBeLessThan(h.meanActual);
    await expect(t.models.predict.train({ target: 'revenue_90d', algo: 'logistic' })).rejects.toThrow(/logistic is for yes\/no targets/);
    await expect(t.models.predict.train({ target: 'churn', algo: 'ridge' })).rejects.toThrow(/ridge is a regression model/);
    await expect(t.models.predict.train({ target: 'churn', bogus: 1 } as never)).rejects.toThrow(/Unrecognized key/);
  });

  it('keeps every version in the registry and resolves name, name@version and id', async () => {
    const again = await t.models.predict.train({ target: 'churn', folds: 0, permutationRepeats: 1, seed: 2 });
    expect(again.version).toBe(2);
    const versions = await t.models.registry.list({ name: 'churn' });
    expect(versions.map((v) => [v.version, v.status])).toEqual([[2, 'active'], [1, 'superseded']]);
    expect((await t.models.registry.get('churn'))!.id).toBe(again.id);
    expect((await t.models.registry.get('churn@1'))!.version).toBe(1);
    expect((await t.models.registry.get(again.id))!.version).toBe(2);
    expect(await t.models.registry.get('churn@9')).toBeNull();
  });

  it('learns from a trait label, never using the label as a feature', async () => {
    // A CRM flag that is a noisy function of behaviour: the planted type.
    await expect(t.models.predict.train({ target: 'trait:demo_segment', traits: ['demo_segment'] })).rejects.toThrow(/cannot also be a predictor/);
    // Nobody has the trait yet: the refusal names the target, not just any error (a crash in
    // training would be an Error too).
    const m = await t.models.predict.train({ target: 'trait:is_lapsed_flag', folds: 0, permutationRepeats: 1 }).catch((e: unknown) => e);
    expect(m).toBeInstanceOf(TailorError);
    expect(m).toMatchObject({ code: 'invalid_argument', field: 'target', message: expect.stringMatching(/^only 0 labelled profiles in the \w+ window/) });
    const flags = [];
    for (let i = 1; i <= 700; i++) {
      const userId = `cust-11-${String(i).padStart(6, '0')}`;
      const doc = await t.profiles.get((await t.profiles.resolve({ userId }))!, 0);
      flags.push(msg({ type: 'identify', userId, timestamp: new Date(END - DAY_MS).toISOString(), traits: { is_lapsed: doc!.traits.demo_segment === 'lapsed' ? 'yes' : 'no' } }));
    }
    await t.ingest(flags);
    await t.realtime.drain();
    const labelled = await t.models.predict.train({ target: 'trait:is_lapsed', folds: 0, permutationRepeats: 1, writes: 'churn_risk', name: 'crm-lapsed' });
    const h = labelled.metrics.holdout as ClassificationMetrics;
    expect(labelled.artifact.transform.featureNames).not.toContain('is_lapsed');
    expect(h.rocAuc).toBeGreaterThan(0.8);
  });

  it('retrains on schedule: a model past its interval gets a new version that scores at once', async () => {
    const m = await t.models.predict.train({ target: 'purchase_30d', name: 'weekly', retrainEveryDays: 7, folds: 0, permutationRepeats: 1 });
    const errors: unknown[] = [];
    const target = retrainTarget(t.models.predict, () => now, (e) => errors.push(e));
    expect(await target.nextDue()).toBe(m.createdAt + 7 * DAY_MS);
    expect(await target.tick()).toBe(0);
    now = END + 8 * DAY_MS;
    try {
      expect(await target.tick()).toBe(1);
    } finally {
      now = END;
    }
    expect(errors).toEqual([]);
    const latest = await t.models.predict.model('weekly');
    expect(latest.version).toBe(2);
    expect(latest.lastScore?.scored).toBeGreaterThan(0);
  });
});

describe.each(dialects)('training data on $name has no leakage', ({ url }) => {
  let t: TestTailor;
  const T0 = Date.UTC(2026, 0, 1);
  const order = (userId: string, day: number, revenue: number) =>
    msg({ type: 'track', event: 'Order Completed', userId, timestamp: new Date(T0 + day * DAY_MS).toISOString(), properties: { revenue } });

  beforeAll(async () => {
    t = await openTailor(await url(), () => T0 + 400 * DAY_MS);
    await t.ingest([order('a', 0, 10), order('a', 50, 20), order('b', 10, 30), order('c', 120, 40)]);
  });
  afterAll(async () => t?.close());

  it('features as of a cut-off ignore everything after it; outcomes count only the window', async () => {
    const data = createModelData(t.db, () => T0 + 400 * DAY_MS);
    const cut = T0 + 100 * DAY_MS;
    const features = ['recency_days', 'frequency', 'monetary', 'orders_90d', 'tenure_days'];
    const before = await data.snapshot(cut, features, []);
    // Orders after the cut-off: they must change labels, never the features as of the cut-off.
    await t.ingest([order('a', 150, 99), order('b', 101, 5), order('b', 300, 7)]);
    const after = await data.snapshot(cut, features, []);
    expect(after).toEqual(before);
    // c's first event is after the cut-off: c did not exist yet.
    expect(before.rows).toHaveLength(2);
    const a = before.rows[before.ids.indexOf((await t.profiles.resolve({ userId: 'a' }))!)]!;
    expect(a).toEqual({ recency_days: 50, frequency: 2, monetary: 30, orders_90d: 1, tenure_days: 100 });
    const out = await data.outcomes(cut, cut + 90 * DAY_MS);
    const idOf = async (u: string) => (await t.profiles.resolve({ userId: u }))!;
    expect(out.get(await idOf('a'))).toEqual({ orders: 1, revenue: 99 });
    expect(out.get(await idOf('b'))).toEqual({ orders: 1, revenue: 5 });
    expect(out.get(await idOf('c'))).toEqual({ orders: 1, revenue: 40 });
  });
});
