/**
 * Mean silhouette coefficient (P. Rousseeuw 1987), as scikit-learn's silhouette_score: for each
 * point a = mean distance to the other members of its cluster, b = the lowest mean distance to the
 * members of another cluster, s = (b − a)/max(a, b), and s = 0 for a point alone in its cluster.
 * Euclidean distances are computed exactly (row by row, O(n) memory, O(n²d) time). Above sampleSize
 * points (default 5000) it is computed on a seeded random sample of that size, like sklearn's
 * sample_size. Our own code: it is a short loop on our Matrix, with our PRNG for the sample.
 */
import { takeRows, type Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { sampleIndices } from './mini-batch-kmeans.ts';

export function silhouetteScore(x: Matrix, labels: Int32Array, opts: { sampleSize?: number; seed?: number } = {}): number {
  if (labels.length !== x.rows) throw new RangeError(`${labels.length} labels for ${x.rows} rows`);
  const sampleSize = opts.sampleSize ?? 5000;
  if (x.rows > sampleSize) {
    const idx = sampleIndices(x.rows, sampleSize, rngFor(opts.seed ?? 0, 'silhouette'));
    const sub = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) sub[i] = labels[idx[i]!]!;
    return exactSilhouette(takeRows(x, idx), sub);
  }
  return exactSilhouette(x, labels);
}

function exactSilhouette(x: Matrix, rawLabels: Int32Array): number {
  const { rows: n, cols: d, data } = x;
  // Dense cluster ids 0..m-1.
  const ids = new Map<number, number>();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let id = ids.get(rawLabels[i]!);
    if (id === undefined) ids.set(rawLabels[i]!, (id = ids.size));
    labels[i] = id;
  }
  const m = ids.size;
  if (m < 2 || m > n - 1) throw new RangeError(`silhouette needs 2 ≤ clusters ≤ n − 1, got ${m} clusters for ${n} points`);
  const sizes = new Float64Array(m);
  for (let i = 0; i < n; i++) sizes[labels[i]!]!++;
  const sumTo = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sumTo.fill(0);
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0, oj = j * d; t < d; t++) {
        const v = data[oi + t]! - data[oj + t]!;
        s += v * v;
      }
      sumTo[labels[j]!]! += Math.sqrt(s);
    }
    const own = labels[i]!;
    const size = sizes[own]!;
    if (size <= 1) continue; // s = 0
    const a = sumTo[own]! / (size - 1);
    let b = Infinity;
    for (let c = 0; c < m; c++) if (c !== own && sumTo[c]! / sizes[c]! < b) b = sumTo[c]! / sizes[c]!;
    const denom = Math.max(a, b);
    total += denom > 0 ? (b - a) / denom : 0;
  }
  return total / n;
}
