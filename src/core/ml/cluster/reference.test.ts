/**
 * Tailor's clustering numerics against scikit-learn / scipy on the fixture written by
 * bench/reference/cluster_reference.py (data generated there with fixed numpy seeds and stored in
 * the fixture, so both sides see the same numbers).
 */
import { describe, expect, it } from 'vitest';
import { fromRows } from '../matrix.ts';
import { adjustedRandIndex } from './ari.ts';
import { chooseK } from './choose-k.ts';
import { dbscan } from './dbscan.ts';
import { cutTree, wardLinkage } from './hierarchical.ts';
import { kmeans } from './kmeans.ts';
import { pca } from './pca.ts';
import { silhouetteScore } from './silhouette.ts';
import { readFixture } from '../../../../test/helpers/fixtures.ts';

const ref = readFixture('cluster-reference.json');
const blobs = fromRows(ref.blobs.x);

describe('clustering vs scikit-learn / scipy (test/fixtures/cluster-reference.json)', () => {
  it('names its source', () => {
    expect(ref.source.script).toBe('bench/reference/cluster_reference.py');
    expect(ref.source.sklearn).toMatch(/^\d/);
  });

  it('k-means inertia ≤ 1.01 × sklearn for k = 2..8', () => {
    for (const r of ref.kmeans.results as { k: number; inertia: number }[]) {
      const ours = kmeans(blobs, { k: r.k, nInit: 10, seed: 0 });
      expect(ours.inertia, `k=${r.k}`).toBeLessThanOrEqual(1.01 * r.inertia);
      expect(ours.labels.length).toBe(blobs.rows);
    }
  });

  it('chooseK picks sklearn’s silhouette argmax', () => {
    const res = chooseK(blobs, { kMin: 2, kMax: 8, nInit: 10, seed: 0 });
    expect(res.k).toBe(ref.kmeans.bestK);
    expect(res.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(res.reason).toContain(`k = ${res.k}`);
    for (const c of res.candidates) {
      const r = ref.kmeans.results.find((x: { k: number }) => x.k === c.k);
      expect(c.inertia).toBeLessThanOrEqual(1.01 * r.inertia);
    }
  });

  it('silhouette equals sklearn on the full data (1e-9)', () => {
    const truth = Int32Array.from(ref.blobs.truth as number[]);
    expect(Math.abs(silhouetteScore(blobs, truth) - ref.blobs.silhouetteTruth)).toBeLessThan(1e-9);
  });

  it('Ward merge heights equal scipy’s (sorted, 1e-9 relative) and the 3-cluster cut agrees', () => {
    const xw = fromRows(ref.ward.x);
    const l = wardLinkage(xw);
    const ours = l.merges.map((m) => m.distance).sort((a, b) => a - b);
    const theirs = (ref.ward.linkage as number[][]).map((z) => z[2]!).sort((a, b) => a - b);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((h, i) => expect(Math.abs(h - theirs[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, theirs[i]!)));
    // Same tree: identical rows (a, b, size) in scipy's labelling.
    const z = ref.ward.linkage as number[][];
    l.merges.forEach((m, i) => {
      expect([m.a, m.b, m.size]).toEqual([z[i]![0], z[i]![1], z[i]![3]]);
    });
    expect(adjustedRandIndex(cutTree(l, xw.rows, 3), ref.ward.fcluster3)).toBe(1);
  });

  it('DBSCAN labels match sklearn up to permutation, same noise count', () => {
    const xd = fromRows(ref.dbscan.x);
    const res = dbscan(xd, { eps: ref.dbscan.eps, minPts: ref.dbscan.minSamples });
    expect(res.noise).toBe(ref.dbscan.noise);
    expect(res.clusters).toBe(ref.dbscan.clusters);
    expect(adjustedRandIndex(res.labels, ref.dbscan.labels)).toBe(1);
    // Noise is the same points, not just the same count.
    (ref.dbscan.labels as number[]).forEach((l, i) => expect(res.labels[i]! === -1).toBe(l === -1));
  });

  it('PCA explained variance ratios (1e-9) and |projection| match sklearn', () => {
    const res = pca(blobs, 2);
    res.explainedVarianceRatio.forEach((r, i) => expect(Math.abs(r - ref.pca.explainedVarianceRatio[i])).toBeLessThan(1e-9));
    const proj = ref.pca.projection as number[][];
    let worst = 0;
    proj.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(Math.abs(res.projection.data[i * 2 + j]!) - Math.abs(v))))));
    expect(worst).toBeLessThan(1e-9);
    // Signs follow sklearn's svd_flip too.
    proj.forEach((row, i) => row.forEach((v, j) => Math.abs(v) > 1e-6 && expect(Math.sign(res.projection.data[i * 2 + j]!)).toBe(Math.sign(v))));
  });

  it('adjusted Rand index matches sklearn (1e-12)', () => {
    for (const p of ref.ari as { a: number[]; b: number[]; ari: number }[]) {
      expect(Math.abs(adjustedRandIndex(p.a, p.b) - p.ari)).toBeLessThan(1e-12);
    }
  });
});
