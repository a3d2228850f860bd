/**
 * Nearest-centre assignment (the E-step of k-means), shared by k-means, mini-batch k-means and
 * prediction. A tight loop over row-major Float64Arrays with direct squared differences: for the
 * small d of customer features (≈ 4–16) this is as fast as the ‖x‖² − 2x·c + ‖c‖² expansion and
 * has no cancellation error. Our own code: it is ten lines, and it must work on our Matrix.
 */
import type { Matrix } from '../matrix.ts';

/** Squared Euclidean distance between row i of `a` and row j of `b` (both with `d` columns). */
export function sqDist(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let t = 0; t < d; t++) {
    const v = a[oi + t]! - b[oj + t]!;
    s += v * v;
  }
  return s;
}

/** Labels of the nearest centre for every row (ties go to the lower centre index) and the inertia. */
export function assignNearest(x: Matrix, centres: Float64Array, k: number, labels: Int32Array, minDist?: Float64Array): number {
  const d = x.cols;
  const xd = x.data;
  let inertia = 0;
  for (let i = 0; i < x.rows; i++) {
    let best = Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const s = sqDist(xd, i, centres, j, d);
      if (s < best) {
        best = s;
        arg = j;
      }
    }
    labels[i] = arg;
    if (minDist) minDist[i] = best;
    inertia += best;
  }
  return inertia;
}

/** Sum of squared distances of every row to its labelled centre. */
export function inertiaOf(x: Matrix, centres: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < x.rows; i++) s += sqDist(x.data, i, centres, labels[i]!, x.cols);
  return s;
}

/** Mean of each feature's population variance: sklearn scales k-means' tol by it. */
export function meanVariance(x: Matrix): number {
  const { rows: n, cols: d, data } = x;
  if (n === 0) return 0;
  let total = 0;
  for (let t = 0; t < d; t++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + t]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const z = data[i * d + t]! - mean;
      v += z * z;
    }
    total += v / n;
  }
  return total / d;
}
