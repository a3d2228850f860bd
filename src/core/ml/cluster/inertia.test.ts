import { describe, expect, it } from 'vitest';
import { runCluster } from '../cluster-job.ts';
import { matrix, type Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { kmeans } from './kmeans.ts';

/** Overlapping blobs: k-means stops on its tolerance with centres one M-step from the label means. */
function blobs(n: number, d: number, seed: number): Matrix {
  const rng = rngFor(seed, 'inertia');
  const x = matrix(n, d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) x.data[i * d + t] = (i % 5) * 0.8 + rng.normal();
  return x;
}

/** Written out longhand: the mean of each label, then every row's squared distance to its label's mean. */
function directInertia(x: Matrix, labels: Int32Array): number {
  const groups = new Map<number, number[][]>();
  for (let i = 0; i < x.rows; i++) {
    if (labels[i]! < 0) continue;
    const r = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    groups.set(labels[i]!, [...(groups.get(labels[i]!) ?? []), r]);
  }
  let s = 0;
  for (const rows of groups.values()) {
    const mean = rows[0]!.map((_, t) => rows.reduce((a, r) => a + r[t]!, 0) / rows.length);
    for (const r of rows) s += r.reduce((a, v, t) => a + (v - mean[t]!) ** 2, 0);
  }
  return s;
}

describe('reported inertia', () => {
  const x = blobs(3000, 4, 7);

  it('is the sum of squares of the final labels around their means, for k-means, auto k and Ward', () => {
    for (const job of [
      { algo: 'kmeans' as const, k: 10 },
      { algo: 'kmeans' as const, k: 'auto' as const },
      { algo: 'hierarchical' as const, k: 6 },
    ]) {
      const out = runCluster({ ...job, x, kMax: 6, seed: 2, nInit: 2, eps: null, minPts: null });
      const want = directInertia(x, out.labels);
      expect(Math.abs(out.inertia! - want) / want, job.algo).toBeLessThan(1e-12);
      for (const c of out.choice?.candidates ?? []) if (c.k === out.k && job.algo === 'kmeans') expect(c.inertia).toBe(out.inertia);
    }
  });

  it('is never above k-means\' own figure measured to its last centres', () => {
    const fit = kmeans(x, { k: 10, seed: 2, nInit: 2 });
    const out = runCluster({ algo: 'kmeans', x, k: 10, kMax: 10, seed: 2, nInit: 2, eps: null, minPts: null });
    expect(Array.from(out.labels)).toEqual(Array.from(fit.labels));
    // This data stops on k-means' tolerance, so the label means are strictly closer than its last centres.
    expect(out.inertia!).toBeLessThan(fit.inertia);
  });

  it('is null for DBSCAN', () => {
    expect(runCluster({ algo: 'dbscan', x: blobs(300, 2, 1), k: 'auto', kMax: 5, seed: 1, nInit: 1, eps: null, minPts: null }).inertia).toBeNull();
  });
});
