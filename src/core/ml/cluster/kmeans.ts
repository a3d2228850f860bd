/**
 * k-means (Lloyd's algorithm) with k-means++ seeding and n_init restarts, matching scikit-learn's
 * KMeans(init='k-means++', algorithm='lloyd') behaviour: tol is relative to the mean feature
 * variance, iteration stops on unchanged labels or when the total squared centre shift ≤ tol, a
 * final E-step makes labels agree with the returned centres, and the lowest-inertia restart wins.
 *
 * The E-step skips distance computations with triangle-inequality bounds: by default Hamerly's
 * (G. Hamerly, "Making k-means even faster", SDM 2010: one upper and one lower bound per point);
 * Elkan's (C. Elkan, ICML 2003: one lower bound per point and centre) is available through lloyd's
 * `bounds` argument. Either way the result is exactly Lloyd's (same labels, same centres, up to
 * ties), only cheaper. Distances use assign.ts' kernels (row held in locals for d ≤ 8, centres zero
 * padded; bit-identical to the plain loop), and for d ≤ 8 the whole Hamerly step is one inlined loop.
 * Hamerly is the default: Elkan computes fewer distances but streams n·k bounds through memory, and
 * did not win in JS; Hamerly needs O(n) memory. Empty clusters take the points farthest from their
 * centres (as scikit-learn relocates them).
 *
 * Our own rather than ml.js's `ml-kmeans`: it was 8–12× slower on the same data, needs number[][]
 * (1M small arrays), and has no n_init and no sklearn-style tol. Restarts split across 2 workers
 * (`runs`) can halve our wall time.
 * Measurements (per-iteration timings, Hamerly against Elkan, against ml-kmeans and scikit-learn):
 * BENCHMARKS.md, Models, "k-means: development notes (2026-11-23)".
 */
import { matrix, type Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { assignNearest, dist8, inertiaOf, LANES, meanVariance, paddedStride, padRows, rowDistances, sqDist } from './assign.ts';
import { kmeansPlusPlus } from './kmeans-plus-plus.ts';

export interface KMeansOptions {
  k: number;
  /** Restarts with different seeds; the lowest inertia wins. Default 10. */
  nInit?: number;
  /** Lloyd iterations per restart. Default 300. */
  maxIter?: number;
  /** Convergence on the total squared centre shift, relative to the mean feature variance. Default 1e-4. */
  tol?: number;
  seed?: number;
  /**
   * Which of the nInit restarts to run (default all, 0..nInit−1). Restart r always starts from the
   * same seeding, so restarts can be split across threads and the best of the parts is the best of all.
   */
  runs?: readonly number[];
}

export interface KMeansResult {
  labels: Int32Array;
  centroids: Matrix;
  inertia: number;
  iterations: number;
  /** Which restart gave this result (k-means with restarts). */
  run?: number;
}

export function kmeans(x: Matrix, opts: KMeansOptions): KMeansResult {
  const { k } = opts;
  const nInit = opts.nInit ?? 10;
  const maxIter = opts.maxIter ?? 300;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (x.rows < k) throw new RangeError(`k-means needs at least k=${k} rows, got ${x.rows}`);
  const tol = (opts.tol ?? 1e-4) * meanVariance(x);
  let best: KMeansResult | null = null;
  for (const run of opts.runs ?? Array.from({ length: Math.max(1, nInit) }, (_, r) => r)) {
    const seeding = kmeansPlusPlus(x, k, rngFor(seed, 'kmeans', run));
    const result = lloyd(x, seeding.centres, k, maxIter, tol, seeding);
    if (!best || result.inertia < best.inertia) best = { ...result, run };
  }
  return best!;
}

/** Labels of the nearest centroid for each row of x. */
export function predictKMeans(centroids: Matrix, x: Matrix): Int32Array {
  if (centroids.cols !== x.cols) throw new RangeError(`centroids have ${centroids.cols} columns, x has ${x.cols}`);
  const labels = new Int32Array(x.rows);
  assignNearest(x, centroids.data, centroids.rows, labels);
  return labels;
}

/**
 * Lloyd iterations from the given centres (modified in place), with Hamerly's bounds. `first`, when
 * given, is the exact nearest-centre assignment to these centres (k-means++ computes it anyway) and
 * replaces the first full scan.
 */
export function lloyd(
  x: Matrix,
  centres: Float64Array,
  k: number,
  maxIter: number,
  tol: number,
  first?: { labels: Int32Array; dist2: Float64Array },
  bounds: 'elkan' | 'hamerly' = 'hamerly',
): KMeansResult {
  const { rows: n, cols: d, data } = x;
  const labels = new Int32Array(n);
  const upper = new Float64Array(n); // ≥ distance to own centre
  // Elkan keeps one lower bound per (point, centre); Hamerly one per point (≤ every other centre).
  const elkan = bounds === 'elkan';
  const nb = elkan ? k : 1;
  const lower = new Float64Array(n * nb);
  const half = new Float64Array(k); // half the distance from each centre to its nearest other centre
  const halfCC = new Float64Array(k * k); // Elkan: half the distance between centres j and q
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const next = new Float64Array(k * d);
  // Elkan's bounds are stored relative to each centre's cumulative movement (drift), so that no pass
  // over the n×k bounds is needed after a move: actual lower = stored − drift[j], actual upper =
  // stored + drift[label]. Hamerly's two n-arrays are shifted explicitly.
  const drift = new Float64Array(k);
  const padded = new Float64Array(k * paddedStride(d)); // centres in rowDistances' layout
  const dist = new Float64Array(k);

  if (first) {
    // Exact upper bound; lower bound from the triangle inequality: for j ≠ a,
    // ‖x − c_j‖ ≥ ‖c_a − c_j‖ − ‖x − c_a‖ ≥ 2·half[a] − u.
    halfDistances(centres, k, d, half, halfCC);
    for (let i = 0; i < n; i++) {
      const a = first.labels[i]!;
      const u = Math.sqrt(first.dist2[i]!);
      labels[i] = a;
      upper[i] = u;
      if (elkan) {
        for (let j = 0; j < k; j++) lower[i * k + j] = j === a ? u : Math.max(0, 2 * halfCC[a * k + j]! - u);
      } else lower[i] = Math.max(0, 2 * half[a]! - u);
    }
  } else {
    // First assignment: full scan, exact bounds.
    padRows(centres, k, d, padded);
    for (let i = 0; i < n; i++) {
      if (elkan) fullScanElkan(data, i, d, centres, k, labels, upper, lower);
      else {
        rowDistances(data, i * d, d, padded, 0, k, dist);
        takeNearest(i, k, dist, labels, upper, lower);
      }
    }
  }

  let iterations = 0;
  let strict = false;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    if (it > 0) {
      // The E-steps keep sums and counts up to date as labels change.
      const changed = elkan
        ? elkanStep(data, n, d, centres, k, labels, upper, lower, half, halfCC, drift, sums, counts)
        : hamerlyStep(data, n, d, centres, padded, k, labels, upper, lower, half, sums, counts, dist);
      if (changed === 0) {
        strict = true; // no label changed: the centres are already the M-step's fixed point
        break;
      }
    }
    // M-step. Sums are recomputed from scratch now and then so incremental rounding cannot build up.
    // (Small helper functions: V8 optimises them per call instead of relying on OSR of this loop.)
    if (it % 16 === 0) accumulate(data, n, d, labels, sums, counts);
    for (const i of relocateEmpty(x, centres, k, labels, counts, sums)) {
      // The point is the new centre: actual upper 0 (it grows by the centre's move below), lower 0.
      if (elkan) {
        upper[i] = -drift[labels[i]!]!;
        for (let j = 0; j < k; j++) lower[i * k + j] = drift[j]!;
      } else {
        upper[i] = 0;
        lower[i] = 0;
      }
    }
    let shift = 0;
    let maxMove = 0;
    let maxAt = -1;
    let secondMove = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[j]!;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = c > 0 ? sums[j * d + t]! / c : centres[j * d + t]!;
        next[j * d + t] = v;
        const z = v - centres[j * d + t]!;
        s += z * z;
      }
      shift += s;
      const m = Math.sqrt(s);
      moved[j] = m;
      if (m > maxMove) {
        secondMove = maxMove;
        maxMove = m;
        maxAt = j;
      } else if (m > secondMove) secondMove = m;
    }
    centres.set(next);
    if (elkan) for (let j = 0; j < k; j++) drift[j]! += moved[j]!;
    else shiftHamerlyBounds(n, labels, upper, lower, moved, maxAt, maxMove, secondMove);
    if (shift <= tol) break;
  }
  // After a tol stop the last M-step moved the centres: make the labels agree with them (exact scan).
  if (!strict) assignNearest(x, centres, k, labels);
  const inertia = inertiaOf(x, centres, labels);
  return { labels, centroids: matrix(k, d, centres.slice()), inertia, iterations };
}

function accumulate(data: Float64Array, n: number, d: number, labels: Int32Array, sums: Float64Array, counts: Int32Array): void {
  sums.fill(0);
  counts.fill(0);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    const a = labels[i]!;
    const oa = a * d;
    counts[a]!++;
    for (let t = 0; t < d; t++) sums[oa + t]! += data[o + t]!;
  }
}

/** Hamerly: the single lower bound shrinks by the largest move of another centre. */
function shiftHamerlyBounds(n: number, labels: Int32Array, upper: Float64Array, lower: Float64Array, moved: Float64Array, maxAt: number, maxMove: number, secondMove: number): void {
  for (let i = 0; i < n; i++) {
    const a = labels[i]!;
    upper[i]! += moved[a]!;
    lower[i]! -= a === maxAt ? secondMove : maxMove;
  }
}

/**
 * Nearest and second-nearest centre of row i from its squared distances in dist[0..k); sets the label
 * and exact bounds.
 */
function takeNearest(i: number, k: number, dist: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array): number {
  let b1 = Infinity;
  let b2 = Infinity;
  let arg = 0;
  for (let j = 0; j < k; j++) {
    const s = dist[j]!;
    if (s < b1) {
      b2 = b1;
      b1 = s;
      arg = j;
    } else if (s < b2) b2 = s;
  }
  labels[i] = arg;
  upper[i] = Math.sqrt(b1);
  lower[i] = Math.sqrt(b2);
  return arg;
}

/**
 * Hamerly's E-step: only points whose bounds overlap are looked at. The distance to the own centre,
 * computed to tighten the upper bound, is reused by the full scan when the bound still overlaps, so
 * the check costs nothing when the bounds do not prune (overlapping clusters). `p` holds the centres
 * in rowDistances' padded layout. Returns the number of changed labels.
 */
function boundedStep(
  data: Float64Array,
  n: number,
  d: number,
  p: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  half: Float64Array,
  sums: Float64Array,
  counts: Int32Array,
  dist: Float64Array,
): number {
  let changed = 0;
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const a = labels[i]!;
    const h = half[a]!;
    const l = lower[i]!;
    const m = h > l ? h : l;
    if (upper[i]! <= m) continue;
    rowDistances(data, oi, d, p, a, a + 1, dist);
    const u = Math.sqrt(dist[a]!);
    upper[i] = u;
    if (u <= m) continue;
    rowDistances(data, oi, d, p, 0, a, dist);
    rowDistances(data, oi, d, p, a + 1, k, dist);
    const b = takeNearest(i, k, dist, labels, upper, lower);
    if (b !== a) {
      changed++;
      moveRow(data, i, d, a, b, sums, counts);
    }
  }
  return changed;
}

/**
 * boundedStep for d ≤ LANES with everything inlined: the row is loaded into locals once (columns
 * beyond d as 0, matching the zero padding of p), and the nearest and second-nearest centres are
 * tracked in locals. Same arithmetic as boundedStep, so the same labels; measured (1M×8, k = 8,
 * overlapping) 82 ms per E-step against ~115 ms for boundedStep's calls into rowDistances.
 */
function boundedStepSmall(
  data: Float64Array,
  n: number,
  d: number,
  p: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  half: Float64Array,
  sums: Float64Array,
  counts: Int32Array,
): number {
  let changed = 0;
  for (let i = 0, oi = 0; i < n; i++, oi += d) {
    const a = labels[i]!;
    const h = half[a]!;
    const l = lower[i]!;
    const m = h > l ? h : l;
    if (upper[i]! <= m) continue;
    const x0 = data[oi]!;
    const x1 = d > 1 ? data[oi + 1]! : 0;
    const x2 = d > 2 ? data[oi + 2]! : 0;
    const x3 = d > 3 ? data[oi + 3]! : 0;
    const x4 = d > 4 ? data[oi + 4]! : 0;
    const x5 = d > 5 ? data[oi + 5]! : 0;
    const x6 = d > 6 ? data[oi + 6]! : 0;
    const x7 = d > 7 ? data[oi + 7]! : 0;
    const sa = dist8(x0, x1, x2, x3, x4, x5, x6, x7, p, a * LANES);
    const u = Math.sqrt(sa);
    upper[i] = u;
    if (u <= m) continue;
    // Full scan, reusing the distance to a; ties go to the lower index as in assignNearest.
    let b1 = Infinity;
    let b2 = Infinity;
    let b = 0;
    for (let j = 0, oj = 0; j < k; j++, oj += LANES) {
      const s = j === a ? sa : dist8(x0, x1, x2, x3, x4, x5, x6, x7, p, oj);
      if (s < b1) {
        b2 = b1;
        b1 = s;
        b = j;
      } else if (s < b2) b2 = s;
    }
    upper[i] = Math.sqrt(b1);
    lower[i] = Math.sqrt(b2);
    if (b !== a) {
      labels[i] = b;
      changed++;
      moveRow(data, i, d, a, b, sums, counts);
    }
  }
  return changed;
}

/** One Hamerly E-step: refreshes half-distances and the padded centres, then scans with the kernel for d. */
function hamerlyStep(
  data: Float64Array,
  n: number,
  d: number,
  centres: Float64Array,
  padded: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  half: Float64Array,
  sums: Float64Array,
  counts: Int32Array,
  dist: Float64Array,
): number {
  halfDistances(centres, k, d, half);
  padRows(centres, k, d, padded);
  return d <= LANES
    ? boundedStepSmall(data, n, d, padded, k, labels, upper, lower, half, sums, counts)
    : boundedStep(data, n, d, padded, k, labels, upper, lower, half, sums, counts, dist);
}

/** Exact distances to every centre of row i; sets the label and all of its Elkan bounds. */
function fullScanElkan(data: Float64Array, i: number, d: number, centres: Float64Array, k: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  let best = Infinity;
  let arg = 0;
  for (let j = 0; j < k; j++) {
    const s = Math.sqrt(sqDist(data, i, centres, j, d));
    lower[i * k + j] = s;
    if (s < best) {
      best = s;
      arg = j;
    }
  }
  labels[i] = arg;
  upper[i] = best;
}

/**
 * Elkan's E-step (C. Elkan, "Using the triangle inequality to accelerate k-means", ICML 2003): a
 * distance to centre j is computed only when neither its lower bound nor half the distance between
 * the current centre and j rules j out. Returns the number of changed labels.
 */
function elkanStep(
  data: Float64Array,
  n: number,
  d: number,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  half: Float64Array,
  halfCC: Float64Array,
  drift: Float64Array,
  sums: Float64Array,
  counts: Int32Array,
): number {
  halfDistances(centres, k, d, half, halfCC);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const a0 = labels[i]!;
    let a = a0;
    let u = upper[i]! + drift[a]!;
    if (u <= half[a]!) continue;
    const o = i * k;
    let tight = false;
    for (let j = 0; j < k; j++) {
      if (j === a) continue;
      const l = lower[o + j]! - drift[j]!;
      const h = halfCC[a * k + j]!;
      const z = l > h ? l : h;
      if (u <= z) continue;
      if (!tight) {
        u = Math.sqrt(sqDist(data, i, centres, a, d));
        lower[o + a] = u + drift[a]!;
        tight = true;
        if (u <= z) continue;
      }
      const dj = Math.sqrt(sqDist(data, i, centres, j, d));
      lower[o + j] = dj + drift[j]!;
      if (dj < u) {
        a = j;
        u = dj;
      }
    }
    labels[i] = a;
    upper[i] = u - drift[a]!;
    if (a !== a0) {
      changed++;
      moveRow(data, i, d, a0, a, sums, counts);
    }
  }
  return changed;
}

/** Row i changed from cluster `from` to `to`: update the running sums and counts. */
function moveRow(data: Float64Array, i: number, d: number, from: number, to: number, sums: Float64Array, counts: Int32Array): void {
  counts[from]!--;
  counts[to]!++;
  for (let t = 0, o = i * d; t < d; t++) {
    const v = data[o + t]!;
    sums[from * d + t]! -= v;
    sums[to * d + t]! += v;
  }
}

/**
 * half[j] = ½ · distance from centre j to its nearest other centre (∞ when k = 1); with `all`, also
 * the ½ · distance between every pair (k×k).
 */
function halfDistances(centres: Float64Array, k: number, d: number, half: Float64Array, all?: Float64Array): void {
  half.fill(Infinity);
  for (let j = 0; j < k; j++) {
    for (let q = j + 1; q < k; q++) {
      const s = 0.5 * Math.sqrt(sqDist(centres, j, centres, q, d));
      if (all) {
        all[j * k + q] = s;
        all[q * k + j] = s;
      }
      if (s < half[j]!) half[j] = s;
      if (s < half[q]!) half[q] = s;
    }
  }
}

/** Gives each empty cluster the point farthest from its own centre (taken from a cluster of ≥ 2); returns the moved rows. */
function relocateEmpty(x: Matrix, centres: Float64Array, k: number, labels: Int32Array, counts: Int32Array, sums: Float64Array): number[] {
  const { rows: n, cols: d, data } = x;
  let empty = 0;
  for (let j = 0; j < k; j++) if (counts[j] === 0) empty++;
  const movedRows: number[] = [];
  if (empty === 0) return movedRows;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) dist[i] = sqDist(data, i, centres, labels[i]!, d);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => dist[q]! - dist[p]! || p - q);
  let next = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] !== 0) continue;
    while (next < n && counts[labels[order[next]!]!]! <= 1) next++;
    if (next >= n) break;
    const i = order[next++]!;
    const from = labels[i]!;
    counts[from]!--;
    counts[j] = 1;
    for (let t = 0; t < d; t++) {
      sums[from * d + t]! -= data[i * d + t]!;
      sums[j * d + t] = data[i * d + t]!;
    }
    labels[i] = j;
    movedRows.push(i);
  }
  return movedRows;
}
