import { describe, expect, it } from 'vitest';
import type { ModelRecord, RegistryPort, ScoreRun } from '../registry.ts';
import { LiveScoring, type LiveFeaturesPort } from './live-scoring.ts';
import type { PredictArtifact } from './service.ts';

/** Logistic models on one unscaled column x: p = σ(b + w·x), checked by hand. */
const σ = (z: number) => 1 / (1 + Math.exp(-z));
const artifact = (w: number, b: number): PredictArtifact => ({
  columns: [{ name: 'frequency', kind: 'number' }],
  transform: { scaling: 'none', categories: [], featureNames: ['frequency'], numeric: [{ name: 'frequency', log: false, median: 0, center: 0, scale: 1, indicator: false }] },
  model: { kind: 'logistic', task: 'classification', coefficients: [w], intercept: b, iterations: 0, converged: true },
});
const run = (at: number): ScoreRun => ({ at, asOf: at, scored: 1, written: 1, mean: 0, psi: null, drift: false });

function record(id: string, name: string, version: number, target: string, a: PredictArtifact | null, lastScore: ScoreRun | null, kind: 'predict' | 'cluster' = 'predict'): ModelRecord {
  return {
    id, name, version, kind, target, algo: 'logistic', status: 'active', spec: { target, features: ['frequency'], traits: [] }, metrics: {},
    artifact: a, dataWindow: {}, baseline: null, lastScore, createdAt: version,
  };
}

/** An in-memory registry that counts full reads (the artefact loads the cache should save). */
function registry(models: ModelRecord[]) {
  const calls = { get: 0 };
  const active = (name: string) => models.filter((m) => m.name === name).sort((a, b) => b.version - a.version)[0];
  const port: Pick<RegistryPort, 'get' | 'list'> = {
    list: async (f = {}) => models.filter((m) => (!f.name || m.name === f.name) && (!f.kind || m.kind === f.kind))
      .map((m) => ({ ...m, artifact: null, status: active(m.name) === m ? 'active' as const : 'superseded' as const })),
    get: async (ref) => {
      calls.get++;
      const at = /^(.+)@(\d+)$/.exec(ref);
      return (at ? models.find((m) => m.name === at[1] && m.version === Number(at[2])) : models.find((m) => m.id === ref) ?? active(ref)) ?? null;
    },
  };
  return { port, calls, models };
}

const noFeatures: LiveFeaturesPort = { profile: async () => null, changedAt: async () => new Map() };

describe('LiveScoring', () => {
  it('resolves a name to its active version each time, and compiles each version once', async () => {
    const r = registry([record('m1', 'p', 1, 'purchase_30d', artifact(1, 0), null)]);
    const live = new LiveScoring({ registry: r.port, features: noFeatures, resolveProfile: async () => null, now: () => 0 });
    expect((await live.predict('p', { features: { frequency: 2 } })).score).toBeCloseTo(σ(2), 12);
    expect((await live.predict('p', { features: { frequency: 1 } })).score).toBeCloseTo(σ(1), 12);
    expect(r.calls.get).toBe(1);
    // A new version (retraining, maybe in another process): the name follows it; @1 and the id keep v1.
    r.models.push(record('m2', 'p', 2, 'purchase_30d', artifact(-1, 0), null));
    expect(await live.predict('p', { features: { frequency: 2 } })).toMatchObject({ version: 2, id: 'm2' });
    expect((await live.predict('p', { features: { frequency: 2 } })).score).toBeCloseTo(σ(-2), 12);
    expect((await live.predict('p@1', { features: { frequency: 2 } })).score).toBeCloseTo(σ(2), 12);
    expect((await live.predict('m1', { features: { frequency: 2 } })).version).toBe(1);
    expect(r.calls.get).toBe(2);
  });

  it('refuses a clustering model and an unknown version', async () => {
    const r = registry([record('c1', 'seg', 1, 'cluster', null, null, 'cluster')]);
    const live = new LiveScoring({ registry: r.port, features: noFeatures, resolveProfile: async () => null, now: () => 0 });
    await expect(live.predict('seg', { features: {} })).rejects.toMatchObject({ code: 'not_found', field: 'model' });
    await expect(live.predict('seg@3', { features: {} })).rejects.toMatchObject({ code: 'not_found', field: 'model' });
  });

  it('re-scores only profiles changed after the run that wrote each score, with that run\'s version', async () => {
    // Two purchase versions: v1 scored last (at 100), v2 was trained after but never scored, so
    // the stored values are v1's. Churn scored at 200; churn applies to customers only.
    const r = registry([
      record('v1', 'p', 1, 'purchase_30d', artifact(1, 0), run(100)),
      record('v2', 'p', 2, 'purchase_30d', artifact(5, 5), null),
      record('c', 'churn', 1, 'churn', artifact(-1, 1), run(200)),
    ]);
    const changed = new Map([['same', 100], ['mid', 150], ['late', 300], ['new-customer', 300]]);
    const features: LiveFeaturesPort = { profile: async () => null, changedAt: async (ids) => new Map(ids.filter((i) => changed.has(i)).map((i) => [i, changed.get(i)!])) };
    const live = new LiveScoring({ registry: r.port, features, resolveProfile: async () => null, now: () => 400 });
    const p = (id: string, frequency: number) => ({ id, features: { frequency, tenure_days: 10 }, traits: {} });
    const fresh = await live.fresh([p('same', 3), p('mid', 3), p('late', 3), p('new-customer', 0), p('no-row', 3)]);
    expect([...fresh.keys()].sort()).toEqual(['late', 'mid', 'new-customer']);
    // mid changed after the purchase run (100) but not after the churn run (200).
    expect(fresh.get('mid')).toEqual({ purchase_propensity: σ(3) });
    expect(fresh.get('late')!.purchase_propensity).toBeCloseTo(σ(3), 12);
    expect(fresh.get('late')!.churn_risk).toBeCloseTo(σ(-3 + 1), 12);
    // No order: outside churn, so no churn score (as the scoring run would store).
    expect(fresh.get('new-customer')).toEqual({ purchase_propensity: σ(0), churn_risk: null });
  });
});
