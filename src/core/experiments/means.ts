import { tPpf, tTwoSided } from './distributions.ts';
import { zCritical, type Interval } from './proportions.ts';

/** Sufficient statistics of a per-recipient value (revenue): n, Σx and Σx². */
export interface Moments { n: number; sum: number; sumSquares: number }

export const mean = (m: Moments): number => (m.n === 0 ? 0 : m.sum / m.n);

/** Sample variance (n − 1 in the denominator); 0 below two observations. */
export function variance(m: Moments): number {
  if (m.n < 2) return 0;
  // Σ(x − x̄)² = Σx² − (Σx)²/n; clamped because rounding can take it just below zero.
  return Math.max(0, (m.sumSquares - (m.sum * m.sum) / m.n) / (m.n - 1));
}

export interface WelchTest { t: number; dof: number; p: number; diff: number; ci: Interval }

/**
 * Welch's unequal-variance t-test of b's mean against a's (as scipy's ttest_ind(equal_var=False)),
 * with the Welch–Satterthwaite degrees of freedom and the interval of the difference b − a. When
 * neither arm varies the difference is exact: p is 1 when the means are equal and 0 otherwise.
 */
export function welchTest(a: Moments, b: Moments, alpha: number): WelchTest {
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  const diff = mean(b) - mean(a);
  const se = Math.sqrt(va + vb);
  if (!(se > 0)) return { t: 0, dof: a.n + b.n - 2, p: diff === 0 ? 1 : 0, diff, ci: [diff, diff] };
  const dof = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = diff / se;
  const q = tPpf(1 - alpha / 2, dof);
  return { t, dof, p: tTwoSided(t, dof), diff, ci: [diff - q * se, diff + q * se] };
}

/**
 * Relative lift of b's mean over a's, mean(b)/mean(a) − 1, with a delta-method interval on the log
 * of the ratio. Null when either mean is not positive.
 */
export function meanLift(a: Moments, b: Moments, alpha: number): { lift: number; ci: Interval } | null {
  const ma = mean(a);
  const mb = mean(b);
  if (!(ma > 0 && mb > 0)) return null;
  const se = Math.sqrt(variance(a) / (a.n * ma * ma) + variance(b) / (b.n * mb * mb));
  const ratio = mb / ma;
  const z = zCritical(alpha);
  return { lift: ratio - 1, ci: [ratio * Math.exp(-z * se) - 1, ratio * Math.exp(z * se) - 1] };
}
