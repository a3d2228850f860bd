/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
 * seeding"), in the greedy form scikit-learn uses: each new centre is the best of 2 + ⌊ln k⌋
 * candidates drawn with probability ∝ D(x)², "best" meaning the lowest resulting potential.
 *
 * Speed-up (exact, same result): every point remembers its nearest chosen centre a and D². By the
 * triangle inequality a candidate c cannot be closer to x than a when ‖a − c‖² ≥ 4·D², so that
 * point's distance to c is never computed (the pruning of Elkan 2003, applied to seeding). On
 * clustered data most points are pruned after the first few centres. The nearest-centre labels and
 * D² double as the first E-step of Lloyd's iterations (kmeans.ts).
 * Our own implementation (from the paper) so that it runs on our Matrix with our seeded PRNG.
 */
import type { Matrix } from '../matrix.ts';
import type { Rng } from '../../prng.ts';
import { sqDist } from './assign.ts';

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
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const s = sqDist(data, i, centres, 0, d);
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
    potentials(data, n, d, k, cand, trials, closest, labels, cc, pots);
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t]! < pots[best]!) best = t;
    const idx = cand[best]!;
    acc = commit(data, n, d, idx, closest, labels, cc.subarray(best * k, best * k + k), c, cum);
    centres.set(data.subarray(idx * d, idx * d + d), c * d);
  }
  return { centres, labels, dist2: closest };
}

/**
 * pots[t] = Σ min(D², ‖x − x_cand[t]‖²) for every candidate, in one pass over the rows (each row is
 * read once for all candidates).
 */
function potentials(data: Float64Array, n: number, d: number, k: number, cand: Int32Array, trials: number, closest: Float64Array, labels: Int32Array, cc: Float64Array, pots: Float64Array): void {
  pots.fill(0);
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const ci = closest[i]!;
    const a = labels[i]!;
    const bound = 4 * ci;
    for (let t = 0; t < trials; t++) {
      let m = ci;
      if (cc[t * k + a]! < bound) {
        // Not pruned: the candidate might be nearer than the current centre.
        const oc = cand[t]! * d;
        let s = 0;
        for (let q = 0; q < d; q++) {
          const v = data[oi + q]! - data[oc + q]!;
          s += v * v;
        }
        if (s < ci) m = s;
      }
      pots[t]! += m;
    }
  }
}

/** Adds the chosen candidate as centre `label`: updates D², nearest labels and the cumulative D². Returns Σ D². */
function commit(data: Float64Array, n: number, d: number, cand: number, closest: Float64Array, labels: Int32Array, cc: Float64Array, label: number, cum: Float64Array): number {
  const oc = cand * d;
  let acc = 0;
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const ci = closest[i]!;
    if (cc[labels[i]!]! < 4 * ci) {
      let s = 0;
      for (let q = 0; q < d; q++) {
        const v = data[oi + q]! - data[oc + q]!;
        s += v * v;
      }
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
