/**
 * Reliability table: observed event rate against mean predicted probability in uniform bins,
 * matching scikit-learn 1.2's calibration_curve(strategy='uniform') for the non-empty bins.
 *
 * sklearn's edges are np.linspace(0, 1, bins + 1), i.e. edge_k = k · (1/bins) in floating point, and
 * a value goes to the bin with as many interior edges strictly below it (np.searchsorted, side
 * 'left'): a value exactly on an edge belongs to the lower bin. We reproduce both so edge cases land
 * in the same bin. Own code: a histogram.
 */

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? 1 : k * step));
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`probability ${v} at ${i} is outside [0, 1]`);
    // First interior edge >= v (binary search over edges[1..bins-1]).
    let lo = 1;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    const b = lo - 1;
    count[b]!++;
    sumP[b]! += v;
    sumY[b]! += y[i]!;
  }
  const table: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    table.push({ lo: edges[b]!, hi: edges[b + 1]!, count: count[b]!, meanPredicted: sumP[b]! / count[b]!, observedRate: sumY[b]! / count[b]! });
  }
  return table;
}
