/**
 * Mini-batch k-means (D. Sculley, "Web-scale k-means clustering", WWW 2010): each step assigns a
 * random batch to the nearest centres and moves each centre towards its batch points with a
 * per-centre learning rate 1/(points seen by that centre). Seeded with k-means++ on a sample, best of
 * nInit seedings by inertia on that sample; stops after maxIter epochs or, as scikit-learn does, when
 * the smoothed batch inertia has not improved for 10 consecutive batches. Final labels and inertia are
 * over all points. Our own implementation (from the paper) on our Matrix and seeded PRNG.
 */
import { matrix, takeRows, type Matrix } from '../matrix.ts';
import { rngFor, type Rng } from '../../prng.ts';
import { assignNearest, sqDist } from './assign.ts';
import { kmeansPlusPlus } from './kmeans-plus-plus.ts';
import type { KMeansOptions, KMeansResult } from './kmeans.ts';

export interface MiniBatchKMeansOptions extends KMeansOptions {
  /** Points per step. Default 1024. */
  batchSize?: number;
}

const NO_IMPROVEMENT_STEPS = 10;

export function miniBatchKMeans(x: Matrix, opts: MiniBatchKMeansOptions): KMeansResult {
  const { k } = opts;
  const n = x.rows;
  const d = x.cols;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (n < k) throw new RangeError(`mini-batch k-means needs at least k=${k} rows, got ${n}`);
  const seed = opts.seed ?? 0;
  const batch = Math.min(n, opts.batchSize ?? 1024);
  const maxEpochs = opts.maxIter ?? 100;
  const rng = rngFor(seed, 'mini-batch-kmeans');

  // Seeding on a sample of max(3·batch, k) points, like scikit-learn's init_size.
  const initSize = Math.min(n, Math.max(3 * batch, k));
  const sample = takeRows(x, sampleIndices(n, initSize, rng));
  const sampleLabels = new Int32Array(initSize);
  let centres: Float64Array | null = null;
  let bestInertia = Infinity;
  for (let run = 0; run < Math.max(1, opts.nInit ?? 3); run++) {
    const c = kmeansPlusPlus(sample, k, rngFor(seed, 'mini-batch-kmeans-init', run)).centres;
    const inertia = assignNearest(sample, c, k, sampleLabels);
    if (inertia < bestInertia) {
      bestInertia = inertia;
      centres = c;
    }
  }
  const c = centres!;

  const seen = new Float64Array(k);
  const idx = new Int32Array(batch);
  const batchLabels = new Int32Array(batch);
  const steps = Math.max(1, Math.ceil((maxEpochs * n) / batch));
  let ewa = NaN;
  let bestEwa = Infinity;
  let noImprovement = 0;
  const alpha = Math.min(1, (2 * batch) / (n + 1));
  let step = 0;
  for (; step < steps; step++) {
    for (let b = 0; b < batch; b++) idx[b] = Math.floor(rng.next() * n);
    // Assign the whole batch to the current centres first, then update (as in Sculley's Algorithm 1).
    let batchInertia = 0;
    for (let b = 0; b < batch; b++) {
      const i = idx[b]!;
      let best = Infinity;
      let arg = 0;
      for (let j = 0; j < k; j++) {
        const s = sqDist(x.data, i, c, j, d);
        if (s < best) {
          best = s;
          arg = j;
        }
      }
      batchLabels[b] = arg;
      batchInertia += best;
    }
    for (let b = 0; b < batch; b++) {
      const i = idx[b]!;
      const j = batchLabels[b]!;
      seen[j]! += 1;
      const eta = 1 / seen[j]!;
      for (let t = 0; t < d; t++) c[j * d + t] = (1 - eta) * c[j * d + t]! + eta * x.data[i * d + t]!;
    }
    batchInertia /= batch;
    ewa = Number.isNaN(ewa) ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    if (ewa < bestEwa) {
      bestEwa = ewa;
      noImprovement = 0;
    } else if (++noImprovement >= NO_IMPROVEMENT_STEPS) {
      step++;
      break;
    }
  }
  const labels = new Int32Array(n);
  const inertia = assignNearest(x, c, k, labels);
  return { labels, centroids: matrix(k, d, c), inertia, iterations: step };
}

/** m distinct indices of 0..n-1 (partial Fisher–Yates), in draw order. */
export function sampleIndices(n: number, m: number, rng: Rng): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const take = Math.min(n, m);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm.slice(0, take);
}
