import { afterAll, describe, expect, it } from 'vitest';
import { isTailorError } from '../core/errors.ts';
import { kmeans } from '../core/ml/cluster/kmeans.ts';
import { localCompute } from '../core/ml/compute.ts';
import { matrix } from '../core/ml/matrix.ts';
import { toJson, trainModel } from '../core/ml/supervised/model.ts';
import { rngFor } from '../core/prng.ts';
import { MlWorkerPool } from './ml-worker-pool.ts';

describe('the model worker pool', () => {
  const pool = new MlWorkerPool(2);
  afterAll(() => pool.close());

  const rng = rngFor(1, 'pool');
  const data = (n: number) => {
    const x = matrix(n, 4);
    for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
    return x;
  };

  it('gives the same scores as in-process, also when a large population is split across workers', async () => {
    const x = data(2000);
    const y = Float64Array.from({ length: 2000 }, (_, i) => (x.data[i * 4]! + 0.5 * x.data[i * 4 + 1]! > 0 ? 1 : 0));
    const model = toJson(trainModel('gbt', 'classification', x, y, { trees: 20 }));
    const big = data(150_000);
    const [pooled, local] = [await pool.predict(model, big), await localCompute.predict(model, big)];
    expect(pooled).toHaveLength(150_000);
    expect(Array.from(pooled)).toEqual(Array.from(local));
    expect(await pool.fit({ kind: 'logistic', task: 'classification', params: {}, seed: 1, x, y })).toEqual(await localCompute.fit({ kind: 'logistic', task: 'classification', params: {}, seed: 1, x, y }));
  });

  it('runs k-means restarts on several workers with the result of one thread', async () => {
    const x = data(3000);
    const one = kmeans(x, { k: 5, nInit: 5, seed: 4 });
    const split = await pool.kmeans(x, { k: 5, nInit: 5, seed: 4 });
    expect(split.inertia).toBe(one.inertia);
    expect(split.run).toBe(one.run);
    expect(Array.from(split.labels)).toEqual(Array.from(one.labels));
  });

  it('turns invalid input in the worker into a TailorError, and keeps working after it', async () => {
    const err = await pool.cluster({ algo: 'kmeans', x: data(2), k: 2, kMax: 10, seed: 1, nInit: 1, eps: null, minPts: null }).catch((e: unknown) => e);
    expect(isTailorError(err) && err.code === 'invalid_argument').toBe(true);
    expect((err as Error).message).toMatch(/at least 3 profiles/);
    const ok = await pool.cluster({ algo: 'kmeans', x: data(300), k: 3, kMax: 10, seed: 1, nInit: 1, eps: null, minPts: null });
    expect(ok.k).toBe(3);
  });
});
