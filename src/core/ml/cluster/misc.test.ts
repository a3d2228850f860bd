import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../matrix.ts';
import { adjustedRandIndex } from './ari.ts';
import { clusterCards } from './cards.ts';
import { dbscan, suggestEps } from './dbscan.ts';
import { cutTree, wardLinkage } from './hierarchical.ts';
import { KdTree } from './kd-tree.ts';
import { kneeIndex, kneeIndexIncreasing } from './knee.ts';
import { jacobiEigen } from './pca.ts';
import { silhouetteScore } from './silhouette.ts';
import { rngFor } from '../../prng.ts';

function gaussian2d(n: number, centres: number[][], sd: number, seed: number) {
  const rng = rngFor(seed, 'misc');
  const x = matrix(n, 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centres.length;
    truth[i] = c;
    x.data[2 * i] = centres[c]![0]! + sd * rng.normal();
    x.data[2 * i + 1] = centres[c]![1]! + sd * rng.normal();
  }
  return { x, truth };
}

describe('knee', () => {
  it('finds the elbow of a decreasing convex curve and the knee of an increasing one', () => {
    const ks = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(kneeIndex(ks, [100, 40, 12, 10, 9, 8, 7, 6])).toBe(2);
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const ys = xs.map((i) => (i < 90 ? 0.1 + i * 0.001 : 0.2 + (i - 89) * 0.5));
    expect(kneeIndexIncreasing(xs, ys)).toBe(89);
  });
  it('returns null for straight lines and tiny inputs', () => {
    expect(kneeIndex([1, 2, 3, 4], [4, 3, 2, 1])).toBeNull();
    expect(kneeIndex([1, 2], [2, 1])).toBeNull();
  });
});

describe('silhouette', () => {
  it('is high for separated clusters, 0 for singletons, sampled for large n (deterministic)', () => {
    const { x, truth } = gaussian2d(600, [[0, 0], [10, 10]], 1, 1);
    const s = silhouetteScore(x, truth);
    expect(s).toBeGreaterThan(0.8);
    // Hand-computed: points 0,1 in cluster A at 0 and 1, point 2 alone at 5 → s = [(5−1)/5, (4−1)/4, 0]/3.
    expect(silhouetteScore(fromRows([[0], [1], [5]]), Int32Array.from([0, 0, 1]))).toBeCloseTo((0.8 + 0.75) / 3, 12);
    const big = gaussian2d(8000, [[0, 0], [10, 10]], 1, 2);
    const a = silhouetteScore(big.x, big.truth, { sampleSize: 1000, seed: 3 });
    expect(a).toBe(silhouetteScore(big.x, big.truth, { sampleSize: 1000, seed: 3 }));
    expect(Math.abs(a - s)).toBeLessThan(0.05);
    expect(() => silhouetteScore(x, new Int32Array(600))).toThrow(RangeError);
  });
});

describe('ward', () => {
  it('merges the closest pair first with scipy’s distance and cuts into k groups', () => {
    const x = fromRows([[0, 0], [0, 1], [10, 0], [10, 2], [30, 30]]);
    const l = wardLinkage(x);
    expect(l.merges[0]).toEqual({ a: 0, b: 1, distance: 1, size: 2 });
    expect(l.merges[1]).toEqual({ a: 2, b: 3, distance: 2, size: 2 });
    // Ward distance between {0,1} and {2,3}: sqrt(2·2·2/4)·‖(0,0.5) − (10,1)‖.
    expect(l.merges[2]!.distance).toBeCloseTo(Math.sqrt(2) * Math.hypot(10, 0.5), 12);
    expect(l.merges[3]!.size).toBe(5);
    expect(Array.from(cutTree(l, 5, 3))).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(cutTree(l, 5, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  // Guards against a pairwise distance matrix: for n = 20,000 even the condensed float64 matrix
  // is n(n−1)/2 × 8 B ≈ 1.6 GB. The process's peak resident size (maxRSS, which only grows) may
  // rise by far less than that during the call; O(n) working memory is a few MB.
  it('handles 20,000 points without an n² distance matrix (peak RSS growth measured)', () => {
    const { x, truth } = gaussian2d(20000, [[0, 0], [20, 0], [0, 20], [20, 20]], 1, 3);
    const peakBefore = process.resourceUsage().maxRSS; // kilobytes
    const t = performance.now();
    const l = wardLinkage(x);
    const ms = performance.now() - t;
    const growthMb = (process.resourceUsage().maxRSS - peakBefore) / 1024;
    console.info(`wardLinkage 20,000 × 2: peak RSS grew by ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(200);
    expect(l.merges.length).toBe(19999);
    for (let i = 1; i < l.merges.length; i++) expect(l.merges[i]!.distance).toBeGreaterThanOrEqual(l.merges[i - 1]!.distance);
    expect(adjustedRandIndex(cutTree(l, 20000, 4), truth)).toBeGreaterThan(0.99);
    console.info(`wardLinkage 20,000 × 2: ${ms.toFixed(0)} ms`);
  });
});

describe('dbscan', () => {
  it('finds dense groups, marks sparse points as noise, min_samples counts the point itself', () => {
    const x = fromRows([[0, 0], [0, 0.1], [0.1, 0], [5, 5], [5, 5.1], [9, 9]]);
    const r = dbscan(x, { eps: 0.2, minPts: 3 });
    expect(r.clusters).toBe(1);
    expect(Array.from(r.labels)).toEqual([0, 0, 0, -1, -1, -1]);
    expect(r.noise).toBe(3);
    // With minPts = 2 the pair at (5, 5) is a cluster too (each has itself + one neighbour).
    expect(dbscan(x, { eps: 0.2, minPts: 2 }).clusters).toBe(2);
  });

  it('agrees with a brute-force neighbour search and runs on 50,000 points', () => {
    const { x } = gaussian2d(50000, [[0, 0], [6, 0], [0, 6]], 1, 4);
    const tree = new KdTree(x);
    const rng = rngFor(1, 'q');
    for (let q = 0; q < 50; q++) {
      const i = Math.floor(rng.next() * x.rows);
      let brute = 0;
      for (let j = 0; j < x.rows; j++) if ((x.data[2 * i]! - x.data[2 * j]!) ** 2 + (x.data[2 * i + 1]! - x.data[2 * j + 1]!) ** 2 <= 0.01) brute++;
      expect(tree.count(x.data, 2 * i, 0.1)).toBe(brute);
    }
    const t = performance.now();
    const r = dbscan(x, { eps: 0.1, minPts: 10 });
    const ms = performance.now() - t;
    expect(r.clusters).toBeGreaterThanOrEqual(1);
    expect(r.noise).toBeGreaterThan(0);
    console.info(`dbscan 50,000 × 2: ${ms.toFixed(0)} ms, ${r.clusters} clusters, ${r.noise} noise`);
  });

  it('suggestEps returns a sorted k-distance curve and an eps at its knee that DBSCAN can use', () => {
    const { x, truth } = gaussian2d(3000, [[0, 0], [8, 0], [0, 8]], 0.5, 5);
    const { eps, kDistances } = suggestEps(x, 5);
    expect(kDistances.length).toBe(3000);
    for (let i = 1; i < kDistances.length; i++) expect(kDistances[i]!).toBeGreaterThanOrEqual(kDistances[i - 1]!);
    expect(eps).toBeGreaterThan(kDistances[0]!);
    const r = dbscan(x, { eps, minPts: 5 });
    // The knee sits where the Gaussian tails start: the three blobs' cores are the three largest
    // clusters and hold most points; tail fragments may form small clusters or noise.
    const sizes = new Map<number, number>();
    for (const l of r.labels) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    const top3 = [...sizes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(top3.reduce((s, [, c]) => s + c, 0)).toBeGreaterThan(0.85 * x.rows);
    const big = new Set(top3.map(([l]) => l));
    const kept = [...r.labels.keys()].filter((i) => big.has(r.labels[i]!));
    expect(adjustedRandIndex(kept.map((i) => r.labels[i]!), kept.map((i) => truth[i]!))).toBe(1);
    // k = minPts − 1 neighbours excluding the point: for 3 collinear points 0, 1, 3 and minPts 2 → 1, 1, 2.
    expect(Array.from(suggestEps(fromRows([[0], [1], [3]]), 2).kDistances)).toEqual([1, 1, 2]);
  });
});

describe('ari and jacobi', () => {
  it('ARI accepts strings, is 1 for a relabelling and ~0 for unrelated labels', () => {
    expect(adjustedRandIndex(['a', 'a', 'b', 'b'], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });
  it('Jacobi recovers eigenvalues of a known symmetric matrix', () => {
    const { values } = jacobiEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    expect(Array.from(values).sort((a, b) => a - b).map((v) => Number(v.toFixed(12)))).toEqual([1, 3, 5]);
  });
});

describe('clusterCards', () => {
  it('describes clusters by their most distinctive features, noise separately', () => {
    const names = ['monetary', 'opens_30d', 'widgets'];
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 40; i++) {
      rows.push([1000 + i, 1, 5]); // high spend, low engagement
      labels.push(0);
      rows.push([10 + i, 20, 5]); // low spend, high engagement
      labels.push(1);
    }
    rows.push([500, 10, 50]);
    labels.push(-1);
    const original = fromRows(rows);
    const scaled = fromRows(rows.map((r) => [r[0]! / 100, r[1]!, r[2]!]));
    const cards = clusterCards({ labels: Int32Array.from(labels), scaled, original, featureNames: names });
    expect(cards.map((c) => c.cluster)).toEqual([0, 1, -1]);
    expect(cards[0]!.size).toBe(40);
    expect(cards[0]!.share).toBeCloseTo(40 / 81, 12);
    expect(cards[0]!.centroid.monetary).toBeCloseTo(1019.5, 9);
    expect(cards[0]!.median.opens_30d).toBe(1);
    expect(cards[0]!.description).toBe('high spend, low engagement');
    // Both features are equally distinctive here; the order follows |z|.
    expect(cards[1]!.description.split(', ').sort()).toEqual(['high engagement', 'low spend']);
    expect(cards[0]!.distinctive).toHaveLength(3);
    expect(cards[2]!.distinctive[0]!.feature).toBe('widgets');
    const custom = clusterCards({ labels: Int32Array.from(labels), scaled, original, featureNames: ['a', 'b', 'c'] });
    expect(custom[0]!.description).toBe('high a, low b');
  });
});
