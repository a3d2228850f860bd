/**
 * DBSCAN (M. Ester, H.-P. Kriegel, J. Sander, X. Xu, KDD 1996) with scikit-learn's conventions: a
 * point is a core point when at least minPts points (itself included, as sklearn's min_samples) lie
 * within distance ≤ eps; clusters grow from core points in row order, and a border point reachable
 * from two clusters joins the first one that reaches it — so labels equal sklearn's up to a
 * permutation. Neighbourhoods come from a k-d tree (kd-tree.ts) rather than an n×n distance matrix.
 * suggestEps picks eps at the knee of the sorted k-distance curve (Ester et al.'s heuristic), with
 * k = minPts − 1 neighbours excluding the point itself (= the minPts-th nearest row including it),
 * so that eps is the distance at which a point of the curve's flat part becomes a core point.
 * Our own implementation: it is short, and it must run on our Matrix without a dependency.
 */
import { takeRows, type Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { KdTree } from './kd-tree.ts';
import { kneeIndexIncreasing } from './knee.ts';
import { sampleIndices } from './mini-batch-kmeans.ts';

export interface DbscanResult {
  /** Cluster per row, 0..clusters−1, or −1 for noise. */
  labels: Int32Array;
  clusters: number;
  noise: number;
}

export function dbscan(x: Matrix, opts: { eps: number; minPts: number }): DbscanResult {
  const { eps, minPts } = opts;
  if (!(eps > 0)) throw new RangeError(`eps must be > 0, got ${eps}`);
  const n = x.rows;
  const d = x.cols;
  const tree = new KdTree(x);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (tree.count(x.data, i * d, eps) >= minPts) core[i] = 1;
  const labels = new Int32Array(n).fill(-1);
  let clusters = 0;
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!core[i] || labels[i] !== -1) continue;
    const c = clusters++;
    labels[i] = c;
    stack.push(i);
    while (stack.length > 0) {
      const p = stack.pop()!;
      // Only core points spread the cluster; border points are labelled but not expanded.
      tree.radius(x.data, p * d, eps, (q) => {
        if (labels[q] !== -1) return;
        labels[q] = c;
        if (core[q]) stack.push(q);
      });
    }
  }
  let noise = 0;
  for (let i = 0; i < n; i++) if (labels[i] === -1) noise++;
  return { labels, clusters, noise };
}

/**
 * eps at the knee of the ascending k-distance curve (k = minPts − 1 neighbours, the point itself not
 * counted), over a seeded sample of query points (default 5000) against all rows.
 */
export function suggestEps(x: Matrix, minPts: number, opts: { sampleSize?: number; seed?: number } = {}): { eps: number; kDistances: Float64Array } {
  if (minPts < 2) throw new RangeError(`minPts must be ≥ 2, got ${minPts}`);
  const n = x.rows;
  if (n < minPts) throw new RangeError(`need at least minPts=${minPts} rows, got ${n}`);
  const tree = new KdTree(x);
  const sampleSize = opts.sampleSize ?? 5000;
  const queries = n > sampleSize ? takeRows(x, sampleIndices(n, sampleSize, rngFor(opts.seed ?? 0, 'suggest-eps'))) : x;
  const kd = new Float64Array(queries.rows);
  // The query row is itself in the tree at distance 0, so the minPts-th nearest row is the
  // (minPts − 1)-th neighbour excluding the point.
  for (let i = 0; i < queries.rows; i++) kd[i] = tree.kthDistance(queries.data, i * x.cols, minPts);
  kd.sort();
  const xs = Array.from({ length: kd.length }, (_, i) => i);
  const knee = kneeIndexIncreasing(xs, Array.from(kd));
  const eps = knee === null ? kd[Math.floor(0.9 * (kd.length - 1))]! : kd[knee]!;
  return { eps, kDistances: kd };
}
