import type { Rng } from '../prng.ts';
import type { Interval } from './proportions.ts';

/**
 * Percentile bootstrap interval of mean(b) − mean(a) for per-recipient values (revenue), an
 * alternative to Welch's interval that assumes nothing about the shape of the distribution.
 *
 * Revenue per recipient is mostly zeros, so each resample draws how many of its n values are
 * non-zero (binomial, by geometric skips: exact, and O(non-zero) instead of O(n)) and then draws
 * only those from the non-zero values. The distribution is the same as resampling all n.
 */
export const DEFAULT_RESAMPLES = 2000;

export function bootstrapMeanDifference(
  a: readonly number[], b: readonly number[], alpha: number, rng: Rng, resamples = DEFAULT_RESAMPLES,
): Interval {
  const sa = sampler(a, rng);
  const sb = sampler(b, rng);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) diffs[r] = sb() - sa();
  diffs.sort();
  return [quantile(diffs, alpha / 2), quantile(diffs, 1 - alpha / 2)];
}

/** A function returning the mean of one resample of `values`. */
function sampler(values: readonly number[], rng: Rng): () => number {
  const n = values.length;
  const nonZero = values.filter((v) => v !== 0);
  const q = nonZero.length / n;
  return () => {
    let sum = 0;
    for (let k = binomial(n, q, rng); k > 0; k--) sum += nonZero[Math.floor(rng.next() * nonZero.length)]!;
    return sum / n;
  };
}

/** Binomial(n, q) by counting successes as geometric gaps between them. */
function binomial(n: number, q: number, rng: Rng): number {
  if (q <= 0) return 0;
  if (q >= 1) return n;
  const logFail = Math.log1p(-q);
  let successes = 0;
  for (let at = Math.floor(Math.log(1 - rng.next()) / logFail); at < n; at += 1 + Math.floor(Math.log(1 - rng.next()) / logFail)) successes++;
  return successes;
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return sorted[i]! + (h - i) * ((sorted[Math.min(i + 1, sorted.length - 1)] ?? 0) - sorted[i]!);
}
