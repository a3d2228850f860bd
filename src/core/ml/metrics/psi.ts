/**
 * Population Stability Index between a reference ("expected") sample and a new ("actual") one:
 *
 *   PSI = Σ_b (a_b − e_b) · ln(a_b / e_b)
 *
 * where e_b, a_b are the shares of each sample in bin b. Bins are the quantiles of `expected` at
 * k/bins (k = 1 … bins−1, linear interpolation as numpy's default, duplicates dropped), and a value
 * v falls in the first bin whose upper edge is >= v. A share of 0 is floored at 1e-4 so an empty
 * bin gives a large but finite term. Common reading: < 0.1 stable, 0.1–0.25 some shift, > 0.25
 * major shift. Own code: no library defines PSI in a standard way, so the formula is written here.
 */

const FLOOR = 1e-4;

function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = sorted[lo]!;
  return frac === 0 ? a : a + (sorted[lo + 1]! - a) * frac;
}

function shares(values: ArrayLike<number>, edges: number[]): Float64Array {
  const out = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    out[lo]!++;
  }
  for (let b = 0; b < out.length; b++) out[b] = Math.max(out[b]! / values.length, FLOOR);
  return out;
}

export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, bins = 10): number {
  if (expected.length === 0 || actual.length === 0) return NaN;
  const sorted = Float64Array.from(expected).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = quantileSorted(sorted, k / bins);
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  const e = shares(expected, edges);
  const a = shares(actual, edges);
  let sum = 0;
  for (let b = 0; b < e.length; b++) sum += (a[b]! - e[b]!) * Math.log(a[b]! / e[b]!);
  return sum;
}
