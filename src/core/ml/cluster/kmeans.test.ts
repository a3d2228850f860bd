import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../matrix.ts';
import { adjustedRandIndex } from './ari.ts';
import { kmeans, lloyd, predictKMeans } from './kmeans.ts';
import { miniBatchKMeans } from './mini-batch-kmeans.ts';
import { assignNearest } from './assign.ts';
import { rngFor } from '../../prng.ts';

/** n points around `centres` with unit spread; returns data and true labels. */
function blobs(n: number, centres: number[][], seed: number, sd = 1) {
  const rng = rngFor(seed, 'test-blobs');
  const d = centres[0]!.length;
  const x = matrix(n, d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centres.length;
    truth[i] = c;
    for (let t = 0; t < d; t++) x.data[i * d + t] = centres[c]![t]! + sd * rng.normal();
  }
  return { x, truth };
}

const CENTRES = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 0],
  [0, 0, 10],
];

describe('kmeans', () => {
  it('recovers well-separated blobs and is deterministic for a seed', () => {
    const { x, truth } = blobs(2000, CENTRES, 1);
    const a = kmeans(x, { k: 4, seed: 7 });
    const b = kmeans(x, { k: 4, seed: 7 });
    expect(adjustedRandIndex(a.labels, truth)).toBe(1);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    expect(a.centroids.rows).toBe(4);
    expect(a.iterations).toBeGreaterThan(0);
  });

  it('returns labels consistent with its centroids and the exact inertia', () => {
    const { x } = blobs(1500, CENTRES, 2, 4); // overlapping: many iterations
    const r = kmeans(x, { k: 5, nInit: 2, seed: 3, tol: 0 }); // tol 0: run to a fixed point
    const labels = new Int32Array(x.rows);
    const inertia = assignNearest(x, r.centroids.data, 5, labels);
    expect(Array.from(predictKMeans(r.centroids, x))).toEqual(Array.from(r.labels));
    expect(Math.abs(inertia - r.inertia) / inertia).toBeLessThan(1e-12);
    // A converged Lloyd solution: every centroid is the mean of its members.
    for (let j = 0; j < 5; j++) {
      const members = [...r.labels.keys()].filter((i) => r.labels[i] === j);
      expect(members.length).toBeGreaterThan(0);
      const mean = [0, 1, 2].map((t) => members.reduce((s, i) => s + x.data[i * 3 + t]!, 0) / members.length);
      mean.forEach((m, t) => expect(r.centroids.data[j * 3 + t]).toBeCloseTo(m, 10));
    }
  });

  it.each(['elkan', 'hamerly'] as const)('%s bounds give the same result as plain Lloyd (brute-force E-step)', (bounds) => {
    const { x } = blobs(3000, CENTRES, 4, 3);
    const init = x.data.slice(0, 6 * 3);
    const fast = lloyd(x, init.slice(), 6, 300, 0, undefined, bounds);
    expect(fast.iterations).toBeGreaterThan(5);
    // Plain Lloyd for comparison.
    const c = init.slice();
    const labels = new Int32Array(x.rows);
    for (let it = 0; it < 300; it++) {
      assignNearest(x, c, 6, labels);
      const sums = new Float64Array(18);
      const counts = new Float64Array(6);
      for (let i = 0; i < x.rows; i++) {
        counts[labels[i]!]!++;
        for (let t = 0; t < 3; t++) sums[labels[i]! * 3 + t]! += x.data[i * 3 + t]!;
      }
      let shift = 0;
      for (let j = 0; j < 6; j++) for (let t = 0; t < 3; t++) {
        const v = sums[j * 3 + t]! / counts[j]!;
        shift += (v - c[j * 3 + t]!) ** 2;
        c[j * 3 + t] = v;
      }
      if (shift === 0) break;
    }
    const inertia = assignNearest(x, c, 6, labels);
    expect(Array.from(fast.labels)).toEqual(Array.from(labels));
    expect(Math.abs(fast.inertia - inertia) / inertia).toBeLessThan(1e-12);
  });

  it('handles duplicate points and k = n (no empty clusters left)', () => {
    const x = fromRows([[0, 0], [0, 0], [0, 0], [1, 1], [5, 5]]);
    const r = kmeans(x, { k: 3, seed: 1 });
    expect(new Set(r.labels).size).toBe(3);
    const all = kmeans(fromRows([[0], [1], [2], [3]]), { k: 4, seed: 1 });
    expect(all.inertia).toBe(0);
  });

  it('relocates an empty cluster to the farthest point', () => {
    // Centre 2 starts far away from every point, so its cluster is empty after the first E-step.
    const x = fromRows([[0], [0.1], [0.2], [10], [10.1], [30]]);
    for (const bounds of ['elkan', 'hamerly'] as const) {
      const r = lloyd(x, Float64Array.from([0, 10, 1000]), 3, 100, 0, undefined, bounds);
      expect(new Set(r.labels).size).toBe(3);
      expect(r.labels[5]).not.toBe(r.labels[0]);
      expect(r.inertia).toBeLessThan(0.05);
    }
  });

  it('rejects k > n', () => {
    expect(() => kmeans(fromRows([[1], [2]]), { k: 3 })).toThrow(RangeError);
  });
});

describe('miniBatchKMeans', () => {
  it('gets close to full k-means on blobs, labels and inertia over all points', () => {
    const { x, truth } = blobs(20000, CENTRES, 5);
    const full = kmeans(x, { k: 4, nInit: 3, seed: 1 });
    const mb = miniBatchKMeans(x, { k: 4, seed: 1 });
    expect(mb.labels.length).toBe(x.rows);
    expect(adjustedRandIndex(mb.labels, truth)).toBeGreaterThan(0.99);
    expect(mb.inertia).toBeLessThan(1.02 * full.inertia);
    const again = miniBatchKMeans(x, { k: 4, seed: 1 });
    expect(again.inertia).toBe(mb.inertia);
  });
});

describe('chooseK', () => {
  it('works with mini-batch k-means and a sampled silhouette, reporting the elbow too', async () => {
    const { chooseK } = await import('./choose-k.ts');
    const { x } = blobs(12000, CENTRES, 6);
    const r = chooseK(x, { kMin: 2, kMax: 7, miniBatch: true, sampleSize: 2000, seed: 1 });
    expect(r.k).toBe(4);
    expect(r.elbowK).toBe(4);
    expect(r.candidates).toHaveLength(6);
    expect(r.reason).toMatch(/^k = 4 has the highest mean silhouette .* the elbow of inertia agrees\.$/);
  });
});
