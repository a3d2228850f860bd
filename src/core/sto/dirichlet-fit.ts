import { lnGamma } from '../ml/clv/special.ts';

/**
 * The precision α of a Dirichlet prior whose mean is given, fitted by maximum marginal likelihood
 * of the Dirichlet-multinomial (empirical Bayes): each profile's counts c_i over K bins are taken as
 * drawn from a multinomial whose probabilities are drawn from Dir(α·m_g), m_g being the mean of
 * the profile's group. The posterior mean of a profile is then (c_i + α·m_g) / (n_i + α): α is how
 * many events of the group's pattern a person's own counts are weighed against.
 *
 * Minka's fixed point for the precision with the mean held fixed ("Estimating a Dirichlet
 * distribution", 2000/2012, eq. for the Pólya precision):
 *   α ← α · Σ_i Σ_k m_k [ψ(c_ik + α m_k) − ψ(α m_k)] / Σ_i [ψ(n_i + α) − ψ(α)]
 * Counts are integers, so ψ(x + c) − ψ(x) = Σ_{j<c} 1/(x + j), and the sums over profiles collapse
 * into "how many profiles have a count of at least j+1 in bin k" tables: one iteration costs
 * K × (largest count), whatever the number of profiles (a million profiles fit in milliseconds).
 */

/** Counts of one group of profiles, summarised for the fit. */
export interface GroupTally {
  /** The group's prior mean over the K bins (positive, summing to 1). */
  mean: readonly number[];
  /** atLeast[k][j]: profiles of the group whose count in bin k is at least j + 1. */
  atLeast: number[][];
}

export interface DirichletData {
  groups: GroupTally[];
  /** totalsAtLeast[j]: profiles (all groups) with at least j + 1 events. */
  totalsAtLeast: number[];
}

/**
 * Collects the tallies one profile at a time (a fit streams pages of profiles and keeps only
 * these); the groups' means are attached at the end, once they are known.
 */
export class Tally {
  private readonly atLeast = new Map<number, number[][]>();
  private readonly totals: number[] = [];

  constructor(private readonly bins: number) {}

  /** Adds one profile's counts (non-negative integers); a profile with no events carries no information and is skipped. */
  add(counts: ArrayLike<number>, group: number): void {
    let n = 0;
    let g = this.atLeast.get(group);
    for (let k = 0; k < this.bins; k++) {
      const c = counts[k] ?? 0;
      if (c <= 0) continue;
      if (!g) this.atLeast.set(group, (g = Array.from({ length: this.bins }, () => [])));
      bump(g[k]!, c);
      n += c;
    }
    if (n > 0) bump(this.totals, n);
  }

  /** The fit's input, with each group's prior mean (`means[group]`). */
  data(means: readonly (readonly number[])[]): DirichletData {
    return {
      groups: [...this.atLeast].map(([g, atLeast]) => ({ mean: means[g]!, atLeast })),
      totalsAtLeast: this.totals,
    };
  }
}

function bump(a: number[], upTo: number): void {
  while (a.length < upTo) a.push(0);
  for (let j = 0; j < upTo; j++) a[j]!++;
}

/** The tallies of profiles' counts in one go; `group` indexes `means`. */
export function tally(profiles: Iterable<{ counts: ArrayLike<number>; group: number }>, means: readonly (readonly number[])[]): DirichletData {
  const t = new Tally(means[0]?.length ?? 0);
  for (const p of profiles) t.add(p.counts, p.group);
  return t.data(means);
}

/** Σ_j atLeast[j] / (x + j) = Σ_profiles [ψ(c + x) − ψ(x)]. */
function digammaSteps(atLeast: readonly number[], x: number): number {
  let s = 0;
  for (let j = 0; j < atLeast.length; j++) s += atLeast[j]! / (x + j);
  return s;
}

export interface PrecisionFit { alpha: number; iterations: number; converged: boolean }

const MIN_ALPHA = 1e-3;
/** Above this the data cannot tell the profiles from their group (no overdispersion): the group's pattern is everyone's. */
export const MAX_ALPHA = 1e6;

/** Fits α by Minka's fixed point, from `start`, to a relative change below `tol`. */
export function fitPrecision(data: DirichletData, start = 1, tol = 1e-10, maxIterations = 10_000): PrecisionFit {
  let alpha = start;
  if (!data.totalsAtLeast.length) return { alpha: MAX_ALPHA, iterations: 0, converged: true };
  for (let it = 1; it <= maxIterations; it++) {
    let num = 0;
    for (const g of data.groups) {
      for (let k = 0; k < g.mean.length; k++) {
        const row = g.atLeast[k]!;
        if (row.length) num += g.mean[k]! * digammaSteps(row, alpha * g.mean[k]!);
      }
    }
    const den = digammaSteps(data.totalsAtLeast, alpha);
    const next = Math.min(MAX_ALPHA, Math.max(MIN_ALPHA, (alpha * num) / den));
    const done = Math.abs(next - alpha) <= tol * alpha;
    alpha = next;
    if (done || alpha === MAX_ALPHA) return { alpha, iterations: it, converged: done || alpha === MAX_ALPHA };
  }
  return { alpha, iterations: maxIterations, converged: false };
}

/**
 * ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
 * ln x − 1/(2x) − Σ B_2k / (2k x^2k) (Abramowitz & Stegun 6.3.18), accurate to ~1e-14 there.
 */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x
    - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
}

/**
 * The same fixed point for a few rows with large counts (groups' pooled counts, in the millions),
 * where the tallies would be as long as the largest count: ψ differences are evaluated directly.
 */
export function fitPrecisionOfRows(rows: readonly { counts: ArrayLike<number>; mean: readonly number[] }[], start = 1, tol = 1e-10, maxIterations = 10_000): PrecisionFit {
  let alpha = start;
  const total = (c: ArrayLike<number>) => {
    let n = 0;
    for (let k = 0; k < c.length; k++) n += c[k]!;
    return n;
  };
  const used = rows.map((r) => ({ ...r, n: total(r.counts) })).filter((r) => r.n > 0);
  if (!used.length) return { alpha: MAX_ALPHA, iterations: 0, converged: true };
  for (let it = 1; it <= maxIterations; it++) {
    let num = 0;
    let den = 0;
    for (const r of used) {
      for (let k = 0; k < r.mean.length; k++) {
        const c = r.counts[k]!;
        if (c > 0) num += r.mean[k]! * (digamma(c + alpha * r.mean[k]!) - digamma(alpha * r.mean[k]!));
      }
      den += digamma(r.n + alpha) - digamma(alpha);
    }
    const next = Math.min(MAX_ALPHA, Math.max(MIN_ALPHA, (alpha * num) / den));
    const done = Math.abs(next - alpha) <= tol * alpha;
    alpha = next;
    if (done || alpha === MAX_ALPHA) return { alpha, iterations: it, converged: true };
  }
  return { alpha, iterations: maxIterations, converged: false };
}

/**
 * The log marginal likelihood of profiles' counts under Dir(α·mean) (without the multinomial
 * coefficient, which does not depend on α): Σ_i lnΓ(α) − lnΓ(n_i + α) + Σ_k lnΓ(c_ik + α m_k) − lnΓ(α m_k).
 */
export function logMarginal(alpha: number, counts: readonly (readonly number[])[], mean: readonly number[]): number {
  let s = 0;
  for (const c of counts) {
    let n = 0;
    for (let k = 0; k < c.length; k++) {
      const x = c[k]!;
      if (x > 0) {
        n += x;
        s += lnGamma(x + alpha * mean[k]!) - lnGamma(alpha * mean[k]!);
      }
    }
    s += lnGamma(alpha) - lnGamma(n + alpha);
  }
  return s;
}
