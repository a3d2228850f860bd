/**
 * Choosing the number of clusters: k-means for each k in [kMin, kMax], the k with the highest
 * (sampled) mean silhouette wins (ties to the smaller k); the elbow of inertia against k (Kneedle,
 * see knee.ts) is reported as a second opinion. This is the standard pair of criteria (Rousseeuw
 * 1987; Satopää et al. 2011); the code is ours and only combines our own pieces.
 */
import type { Matrix } from '../matrix.ts';
import { labelInertia } from './assign.ts';
import { kmeans } from './kmeans.ts';
import { kneeIndex } from './knee.ts';
import { miniBatchKMeans } from './mini-batch-kmeans.ts';
import { silhouetteScore } from './silhouette.ts';

export interface ChooseKOptions {
  kMin?: number;
  kMax?: number;
  nInit?: number;
  seed?: number;
  /** Silhouette sample size (default 5000). */
  sampleSize?: number;
  /** Use mini-batch k-means (large data). */
  miniBatch?: boolean;
}

export interface ChooseKResult {
  k: number;
  elbowK: number | null;
  candidates: { k: number; inertia: number; silhouette: number }[];
  reason: string;
}

export function chooseK(x: Matrix, opts: ChooseKOptions = {}): ChooseKResult {
  const kMin = Math.max(2, opts.kMin ?? 2);
  const kMax = Math.min(opts.kMax ?? 10, x.rows - 1);
  if (kMax < kMin) throw new RangeError(`no k to try: kMin ${kMin}, kMax ${kMax}, ${x.rows} rows`);
  const seed = opts.seed ?? 0;
  const candidates: ChooseKResult['candidates'] = [];
  for (let k = kMin; k <= kMax; k++) {
    const fit = opts.miniBatch
      ? miniBatchKMeans(x, { k, seed, ...(opts.nInit !== undefined ? { nInit: opts.nInit } : {}) })
      : kmeans(x, { k, seed, ...(opts.nInit !== undefined ? { nInit: opts.nInit } : {}) });
    const sampleOpts = { seed, ...(opts.sampleSize !== undefined ? { sampleSize: opts.sampleSize } : {}) };
    candidates.push({ k, inertia: labelInertia(x, fit.labels), silhouette: silhouetteScore(x, fit.labels, sampleOpts) });
  }
  let best = candidates[0]!;
  for (const c of candidates) if (c.silhouette > best.silhouette) best = c;
  const elbow = kneeIndex(
    candidates.map((c) => c.k),
    candidates.map((c) => c.inertia),
  );
  const elbowK = elbow === null ? null : candidates[elbow]!.k;
  const agree =
    elbowK === null
      ? 'the inertia curve has no clear elbow'
      : elbowK === best.k
        ? 'the elbow of inertia agrees'
        : `the elbow of inertia suggests k = ${elbowK}`;
  const reason = `k = ${best.k} has the highest mean silhouette (${best.silhouette.toFixed(3)}) among k = ${kMin}..${kMax}; ${agree}.`;
  return { k: best.k, elbowK, candidates, reason };
}
