import { labelInertia } from './cluster/assign.ts';
import { sampleIndices } from './cluster/mini-batch-kmeans.ts';
import { chooseK, type ChooseKResult } from './cluster/choose-k.ts';
import { dbscan, suggestEps } from './cluster/dbscan.ts';
import { cutTree, wardLinkage, type Linkage } from './cluster/hierarchical.ts';
import { kmeans, type KMeansResult } from './cluster/kmeans.ts';
import { miniBatchKMeans } from './cluster/mini-batch-kmeans.ts';
import { pca } from './cluster/pca.ts';
import { silhouetteScore } from './cluster/silhouette.ts';
import { KdTree } from './cluster/kd-tree.ts';
import { matrix, row, takeRows, type Matrix } from './matrix.ts';
import { rngFor } from '../prng.ts';

export type ClusterAlgo = 'kmeans' | 'hierarchical' | 'dbscan';

export interface ClusterJob {
  algo: ClusterAlgo;
  x: Matrix;
  /** A number, or 'auto' (k-means and Ward): the highest silhouette over kMin..kMax. */
  k: number | 'auto';
  kMax: number;
  seed: number;
  nInit: number;
  /** DBSCAN: null = suggested from the knee of the k-distance curve. */
  eps: number | null;
  minPts: number | null;
  /** k-means with a fixed k already fitted (restarts run in parallel by the caller): used as is. */
  fit?: KMeansResult | undefined;
}

export interface ClusterOutcome {
  labels: Int32Array;
  /** Clusters found (DBSCAN: not counting noise). */
  k: number;
  choice: ChooseKResult | null;
  /** Sum of squared distances of the rows to the mean of their final label (null for DBSCAN). */
  inertia: number | null;
  /** Mean silhouette of the final labels (on a sample of 5,000; noise left out). */
  silhouette: number | null;
  eps: number | null;
  minPts: number | null;
  noise: number;
  /** Rows the algorithm itself ran on; the rest were assigned to the nearest cluster. */
  fittedOn: number;
  linkage: Linkage | null;
  projection: Matrix;
  explainedVariance: number[];
  miniBatch: boolean;
}

/** k-means switches to mini-batch above this many rows (README "Models"). */
export const MINI_BATCH_ABOVE = 200_000;
/** Ward keeps every pairwise merge in play: O(n²) time, so it runs on a seeded sample of this size. */
export const WARD_MAX = 20_000;
/** DBSCAN's neighbour queries run on a seeded sample of this size; the rest join the cluster of the nearest core point within eps. */
export const DBSCAN_MAX = 50_000;

function centroidsOf(x: Matrix, labels: Int32Array, k: number): Matrix {
  const c = matrix(k, x.cols);
  const n = new Float64Array(k);
  for (let i = 0; i < x.rows; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    n[l]!++;
    for (let j = 0; j < x.cols; j++) c.data[l * x.cols + j]! += x.data[i * x.cols + j]!;
  }
  for (let l = 0; l < k; l++) for (let j = 0; j < x.cols; j++) c.data[l * x.cols + j]! /= Math.max(n[l]!, 1);
  return c;
}

function nearestCentroid(c: Matrix, v: Float64Array): number {
  let best = 0;
  let bestD = Infinity;
  for (let l = 0; l < c.rows; l++) {
    let d = 0;
    for (let j = 0; j < c.cols; j++) d += (c.data[l * c.cols + j]! - v[j]!) ** 2;
    if (d < bestD) [best, bestD] = [l, d];
  }
  return best;
}

/** Which rows to fit on: all of them, or a seeded sample when there are more than `max`. */
function fitRows(n: number, max: number, seed: number): Int32Array | null {
  return n > max ? sampleIndices(n, max, rngFor(seed, 'cluster-sample')) : null;
}

function silhouetteOf(x: Matrix, labels: Int32Array, seed: number): number | null {
  const keep: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) keep.push(i);
  const kept = Int32Array.from(keep, (i) => labels[i]!);
  if (new Set(kept).size < 2 || new Set(kept).size >= keep.length) return null;
  return silhouetteScore(keep.length === labels.length ? x : takeRows(x, keep), kept, { seed });
}

export function runCluster(job: ClusterJob): ClusterOutcome {
  const { x, seed } = job;
  if (x.rows < 3) throw new RangeError(`clustering needs at least 3 profiles, got ${x.rows}`);
  const kOpts = { kMax: Math.min(job.kMax, x.rows - 1), seed, nInit: job.nInit };
  let labels: Int32Array;
  let choice: ChooseKResult | null = null;
  let inertia: number | null = null;
  let eps: number | null = null;
  let minPts: number | null = null;
  let linkage: Linkage | null = null;
  let fittedOn = x.rows;
  const miniBatch = job.algo === 'kmeans' && x.rows > MINI_BATCH_ABOVE;

  if (job.algo === 'kmeans') {
    choice = job.k === 'auto' ? chooseK(x, { ...kOpts, miniBatch }) : null;
    const k = choice ? choice.k : (job.k as number);
    const fit = job.fit ?? (miniBatch ? miniBatchKMeans(x, { k, seed, nInit: job.nInit }) : kmeans(x, { k, seed, nInit: job.nInit }));
    labels = fit.labels;
  } else if (job.algo === 'hierarchical') {
    const idx = fitRows(x.rows, WARD_MAX, seed);
    const fitX = idx ? takeRows(x, idx) : x;
    fittedOn = fitX.rows;
    linkage = wardLinkage(fitX);
    const cut = (k: number) => cutTree(linkage!, fitX.rows, k);
    let k: number;
    if (job.k === 'auto') {
      // The same criterion as k-means: the highest silhouette over the tree's cuts.
      const candidates: ChooseKResult['candidates'] = [];
      for (let kk = 2; kk <= kOpts.kMax; kk++) candidates.push({ k: kk, inertia: NaN, silhouette: silhouetteOf(fitX, cut(kk), seed) ?? -1 });
      const best = candidates.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
      k = best.k;
      choice = { k, elbowK: null, candidates, reason: `k = ${k} has the highest mean silhouette (${best.silhouette.toFixed(3)}) among the tree's cuts k = 2..${kOpts.kMax}.` };
    } else k = job.k;
    const fitLabels = cut(k);
    if (idx) {
      const c = centroidsOf(fitX, fitLabels, k);
      labels = new Int32Array(x.rows);
      for (let i = 0; i < x.rows; i++) labels[i] = nearestCentroid(c, row(x, i));
      idx.forEach((r, i) => { labels[r] = fitLabels[i]!; });
    } else labels = fitLabels;
  } else {
    minPts = job.minPts ?? Math.max(4, 2 * x.cols);
    const idx = fitRows(x.rows, DBSCAN_MAX, seed);
    const fitX = idx ? takeRows(x, idx) : x;
    fittedOn = fitX.rows;
    eps = job.eps ?? suggestEps(fitX, minPts, { seed }).eps;
    const fit = dbscan(fitX, { eps, minPts });
    labels = idx ? assignToCores(x, idx, fitX, fit.labels, eps, minPts) : fit.labels;
  }
  // The reported inertia is that of the final labels (assign.ts labelInertia), for Ward as well:
  // its merges minimise exactly this sum.
  if (job.algo !== 'dbscan') inertia = labelInertia(x, labels);
  const k = Math.max(...labels) + 1;
  const p = x.cols >= 2 ? pca(x, 2) : null;
  return {
    labels, k, choice, inertia, silhouette: silhouetteOf(x, labels, seed), eps, minPts,
    noise: labels.reduce((a, l) => a + (l < 0 ? 1 : 0), 0), fittedOn, linkage,
    projection: p ? p.projection : matrix(x.rows, 2, Float64Array.from({ length: x.rows * 2 }, (_, i) => (i % 2 ? 0 : x.data[i >> 1]!))),
    explainedVariance: p ? p.explainedVarianceRatio : [1, 0], miniBatch,
  };
}

/** Rows outside the DBSCAN sample join the cluster of the nearest core point of the sample within eps; otherwise they are noise. */
function assignToCores(x: Matrix, idx: Int32Array, fitX: Matrix, fitLabels: Int32Array, eps: number, minPts: number): Int32Array {
  const tree = new KdTree(fitX);
  const core = new Uint8Array(fitX.rows);
  for (let i = 0; i < fitX.rows; i++) core[i] = fitLabels[i]! >= 0 && tree.count(fitX.data, i * fitX.cols, eps) >= minPts ? 1 : 0;
  const labels = new Int32Array(x.rows).fill(-1);
  for (let i = 0; i < x.rows; i++) {
    let best = -1;
    let bestD = Infinity;
    tree.radius(x.data, i * x.cols, eps, (j) => {
      if (!core[j]) return;
      let d = 0;
      for (let c = 0; c < x.cols; c++) d += (x.data[i * x.cols + c]! - fitX.data[j * x.cols + c]!) ** 2;
      if (d < bestD) [best, bestD] = [j, d];
    });
    if (best >= 0) labels[i] = fitLabels[best]!;
  }
  idx.forEach((r, i) => { labels[r] = fitLabels[i]!; });
  return labels;
}
