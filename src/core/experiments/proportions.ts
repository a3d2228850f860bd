import { chiSquareSf, normalPpf, normalSf } from './distributions.ts';

/** A count of successes out of n trials. */
export interface Proportion { successes: number; n: number }

export type Interval = [number, number];

/** The z with P(|Z| > z) = alpha. */
export const zCritical = (alpha: number): number => normalPpf(1 - alpha / 2);

/** Wilson score interval (as statsmodels' proportion_confint(method='wilson')). */
export function wilsonInterval({ successes, n }: Proportion, alpha: number): Interval {
  if (n === 0) return [0, 1];
  const z = zCritical(alpha);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n))) / (1 + z2n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface ZTest { z: number; p: number }

/**
 * Two-sided two-proportion z-test of `b` against `a`, with the pooled variance under the null
 * (as statsmodels' proportions_ztest). z > 0 when b's rate is higher. With no variance at all
 * (both rates 0 or both 1) there is no evidence of a difference: z = 0, p = 1.
 */
export function twoProportionZTest(a: Proportion, b: Proportion): ZTest {
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (b.successes / b.n - a.successes / a.n) / se;
  return { z, p: 2 * normalSf(Math.abs(z)) };
}

export interface ChiSquareTest { statistic: number; dof: number; p: number }

/**
 * Pearson's χ² test of independence on the arms × (success, failure) table, without Yates'
 * correction (as scipy's chi2_contingency(correction=False)); for two arms it equals the z-test.
 * Columns with no observations are dropped, as they carry no information.
 */
export function chiSquareAcross(arms: readonly Proportion[]): ChiSquareTest {
  const total = arms.reduce((s, a) => s + a.n, 0);
  const successes = arms.reduce((s, a) => s + a.successes, 0);
  const columns = [successes, total - successes].filter((c) => c > 0);
  const rows = arms.filter((a) => a.n > 0);
  const dof = (rows.length - 1) * (columns.length - 1);
  if (dof === 0) return { statistic: 0, dof: 0, p: 1 };
  let statistic = 0;
  for (const a of rows) {
    for (const [observed, column] of [[a.successes, successes], [a.n - a.successes, total - successes]] as const) {
      if (column === 0) continue;
      const expected = (a.n * column) / total;
      statistic += ((observed - expected) ** 2) / expected;
    }
  }
  return { statistic, dof, p: chiSquareSf(statistic, dof) };
}

/** Difference of rates b − a with its unpooled Wald interval. */
export function rateDifference(a: Proportion, b: Proportion, alpha: number): { diff: number; ci: Interval } {
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const se = Math.sqrt(pa * (1 - pa) / a.n + pb * (1 - pb) / b.n);
  const diff = pb - pa;
  const z = zCritical(alpha);
  return { diff, ci: [diff - z * se, diff + z * se] };
}

/**
 * Relative lift b/a − 1 with the interval from the log of the rate ratio (Katz; as statsmodels'
 * confint_proportions_2indep(compare='ratio', method='log')). Null when either arm has no
 * successes, where the ratio's logarithm is undefined.
 */
export function rateLift(a: Proportion, b: Proportion, alpha: number): { lift: number; ci: Interval } | null {
  if (a.successes === 0 || b.successes === 0) return null;
  const ratio = (b.successes / b.n) / (a.successes / a.n);
  const se = Math.sqrt(1 / a.successes - 1 / a.n + 1 / b.successes - 1 / b.n);
  const z = zCritical(alpha);
  return { lift: ratio - 1, ci: [ratio * Math.exp(-z * se) - 1, ratio * Math.exp(z * se) - 1] };
}
