/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
 * seeding"), in the greedy form scikit-learn uses: each new centre is the best of 2 + ⌊ln k⌋
 * candidates drawn with probability ∝ D(x)², "best" meaning the lowest resulting potential.
 *
 * Speed-up (exact, same result): every point remembers its nearest chosen centre a and D². By the
 * triangle inequality a candidate c cannot be closer to x than a when ‖a − c‖² ≥ 4·D², so that
 * point's distance to c is never computed (the pruning of Elkan 2003, applied to seeding). On
 * clustered data most points are pruned after the first few centres. The nearest-centre labels and
 * D² double as the first E-step of Lloyd's iterations (kmeans.ts). Distances go through assign.ts'
 * kernels (row held in locals for d ≤ 8, candidates zero-padded), bit-identical to the plain loop:
 * 1M×8, k = 8 seeding went from ~1.4 s to ~1.0 s (overlapping blobs) and ~0.9 s to ~0.7 s (separated).
 * Our own implementation (from the paper) so that it runs on our Matrix with our seeded PRNG.
 */
import type { Matrix } from '../matrix.ts';
import type { Rng } from '../../prng.ts';
import { dist8, LANES, paddedStride, padRows, rowDistances, sqDist } from './assign.ts';

export interface Seeding {
  /** k×d, row-major. */
  centres: Float64Array;
  /** Index of the nearest centre of each row, and the squared distance to it. */
  labels: Int32Array;
  dist2: Float64Array;
}

/** k initial centres drawn from the rows of x (n ≥ 1), with each row's nearest centre. */
export function kmeansPlusPlus(x: Matrix, k: number, rng: Rng): Seeding {
  const { rows: n, cols: d, data } = x;
  const centres = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(n);
  const labels = new Int32Array(n);
  const cum = new Float64Array(n);

  const first = Math.min(n - 1, Math.floor(rng.next() * n));
  centres.set(data.subarray(first * d, first * d + d), 0);
  const w = paddedStride(d);
  const dist = new Float64Array(Math.max(trials, 1));
  let pc = padRows(centres, 1, d);
  let acc = 0;
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    rowDistances(data, oi, d, pc, 0, 1, dist);
    const s = dist[0]!;
    closest[i] = s;
    acc += s;
    cum[i] = acc;
  }

  const cand = new Int32Array(trials);
  const cc = new Float64Array(trials * k); // squared distance from candidate t to chosen centre j: cc[t*k + j]
  const pots = new Float64Array(trials);
  for (let c = 1; c < k; c++) {
    for (let t = 0; t < trials; t++) {
      cand[t] = acc > 0 ? searchSorted(cum, rng.next() * acc) : Math.min(n - 1, Math.floor(rng.next() * n));
      for (let j = 0; j < c; j++) cc[t * k + j] = sqDist(centres, j, data, cand[t]!, d);
    }
    pc = new Float64Array(trials * w);
    for (let t = 0; t < trials; t++) pc.set(padRows(data.subarray(cand[t]! * d, cand[t]! * d + d), 1, d), t * w);
    potentials(data, n, d, k, pc, trials, closest, labels, cc, pots, dist);
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t]! < pots[best]!) best = t;
    const idx = cand[best]!;
    acc = commit(data, n, d, pc.subarray(best * w, best * w + w), closest, labels, cc.subarray(best * k, best * k + k), c, cum, dist);
    centres.set(data.subarray(idx * d, idx * d + d), c * d);
  }
  return { centres, labels, dist2: closest };
}

/**
 * pots[t] = Σ min(D², ‖x − x_cand[t]‖²) for every candidate, in one pass over the rows (each row is
 * read once for all candidates). `pc` holds the candidate rows in rowDistances' padded layout.
 */
function potentials(data: Float64Array, n: number, d: number, k: number, pc: Float64Array, trials: number, closest: Float64Array, labels: Int32Array, cc: Float64Array, pots: Float64Array, dist: Float64Array): void {
  pots.fill(0);
  if (d <= LANES) {
    potentialsSmall(data, n, d, k, pc, trials, closest, labels, cc, pots);
    return;
  }
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const ci = closest[i]!;
    const a = labels[i]!;
    const bound = 4 * ci;
    for (let t = 0; t < trials; t++) {
      let m = ci;
      if (cc[t * k + a]! < bound) {
        // Not pruned: the candidate might be nearer than the current centre.
        rowDistances(data, oi, d, pc, t, t + 1, dist);
        const s = dist[t]!;
        if (s < ci) m = s;
      }
      pots[t]! += m;
    }
  }
}

/** potentials for d ≤ LANES: the row is loaded into locals once for all candidates (as in rowDistances). */
function potentialsSmall(data: Float64Array, n: number, d: number, k: number, pc: Float64Array, trials: number, closest: Float64Array, labels: Int32Array, cc: Float64Array, pots: Float64Array): void {
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const ci = closest[i]!;
    const a = labels[i]!;
    const bound = 4 * ci;
    const x0 = data[oi]!;
    const x1 = d > 1 ? data[oi + 1]! : 0;
    const x2 = d > 2 ? data[oi + 2]! : 0;
    const x3 = d > 3 ? data[oi + 3]! : 0;
    const x4 = d > 4 ? data[oi + 4]! : 0;
    const x5 = d > 5 ? data[oi + 5]! : 0;
    const x6 = d > 6 ? data[oi + 6]! : 0;
    const x7 = d > 7 ? data[oi + 7]! : 0;
    for (let t = 0, ot = 0; t < trials; t++, ot += LANES) {
      let m = ci;
      if (cc[t * k + a]! < bound) {
        const s = dist8(x0, x1, x2, x3, x4, x5, x6, x7, pc, ot);
        if (s < ci) m = s;
      }
      pots[t]! += m;
    }
  }
}

/**
 * Adds the chosen candidate (row `cand` of data, also given padded as the single row of `pc`) as centre
 * `label`: updates D², nearest labels and the cumulative D². Returns Σ D².
 */
function commit(data: Float64Array, n: number, d: number, pc: Float64Array, closest: Float64Array, labels: Int32Array, cc: Float64Array, label: number, cum: Float64Array, dist: Float64Array): number {
  let acc = 0;
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const ci = closest[i]!;
    if (cc[labels[i]!]! < 4 * ci) {
      rowDistances(data, oi, d, pc, 0, 1, dist);
      const s = dist[0]!;
      if (s < ci) {
        closest[i] = s;
        labels[i] = label;
      }
    }
    acc += closest[i]!;
    cum[i] = acc;
  }
  return acc;
}

/** The first index whose cumulative weight exceeds r (clamped to the last index). */
function searchSorted(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
