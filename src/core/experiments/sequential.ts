import { mean, variance, type Moments } from './means.ts';

/**
 * Always-valid p-values by the mixture sequential probability ratio test (mSPRT; Johari, Pekelis
 * & Walsh, "Always Valid Inference", 2017), so that results can be looked at as often as anyone
 * likes without inflating false positives.
 *
 * At each look the difference θ̂ = mean(b) − mean(a) has variance V = σ²(1/nₐ + 1/n_b); with a
 * normal mixture N(0, τ²) over the true difference the likelihood ratio is
 *   Λ = √(V / (V + τ²)) · exp(τ²θ̂² / (2V(V + τ²))),
 * which under "no difference" is a martingale with expectation 1, so by Ville's inequality
 * P(Λ ever ≥ 1/α) ≤ α. The always-valid p-value is the running minimum of 1/Λ over all looks so
 * far, and the rule "declare a difference once p < α" holds the false-positive rate at α.
 *
 * σ² is the pooled per-recipient variance (for rates p̄(1 − p̄), the variance under the null, which
 * is stable at small samples), and τ = `tau` · σ: the mixture is on the standardised effect, so one
 * scale suits rates and revenue alike. τ only tunes which effect sizes are detected fastest; the
 * guarantee holds for every τ fixed before the data. It comes from the experiment's planned effect
 * (mixing-scale.ts); DEFAULT_TAU is for a test without a plan.
 */
export const DEFAULT_TAU = 0.05;

/** What one look sees of a comparison: the difference b − a, the per-recipient variance, the arm sizes. */
export interface Evidence { diff: number; sigma2: number; na: number; nb: number }

/** Revenue-like means, with the pooled sample variance; null below two recipients an arm. */
export function meanEvidence(a: Moments, b: Moments): Evidence | null {
  if (a.n < 2 || b.n < 2) return null;
  const sigma2 = (variance(a) * (a.n - 1) + variance(b) * (b.n - 1)) / (a.n + b.n - 2);
  return { diff: mean(b) - mean(a), sigma2, na: a.n, nb: b.n };
}

/** Rates, with the variance pooled under the null (as the z-test); null for an empty arm. */
export function rateEvidence(a: { successes: number; n: number }, b: { successes: number; n: number }): Evidence | null {
  if (a.n === 0 || b.n === 0) return null;
  const p = (a.successes + b.successes) / (a.n + b.n);
  return { diff: b.successes / b.n - a.successes / a.n, sigma2: p * (1 - p), na: a.n, nb: b.n };
}

export const mixtureLikelihoodRatio = (a: Moments, b: Moments, tau: number): number => likelihoodRatio(meanEvidence(a, b), tau);

/** The mSPRT ratio for rates, with the variance pooled under the null (as the z-test). */
export const rateLikelihoodRatio = (a: { successes: number; n: number }, b: { successes: number; n: number }, tau: number): number =>
  likelihoodRatio(rateEvidence(a, b), tau);

export function likelihoodRatio(e: Evidence | null, tau: number): number {
  if (!e || !(e.sigma2 > 0)) return 1;
  return Math.exp(logRatio(e.diff, e.sigma2, e.na, e.nb, tau));
}

/** ln Λ; in logs so that a large difference on many recipients does not overflow. */
function logRatio(diff: number, sigma2: number, na: number, nb: number, tau: number): number {
  const v = sigma2 * (1 / na + 1 / nb);
  const t2 = tau * tau * sigma2;
  return 0.5 * Math.log(v / (v + t2)) + (t2 * diff * diff) / (2 * v * (v + t2));
}

/**
 * When a decision is expected: the recipients per arm (the mean of the two arms) at which Λ first
 * reaches `threshold` (1/α, or more under Holm) if the observed difference and variance hold and
 * both arms grow in their present proportion; null when there is no difference to confirm.
 *
 * As the arms grow by a factor s, V = V₀/s falls and ln Λ, as a function of V, decreases while
 * diff²(1/V + 1/(V + τ²σ²)) < 1 and increases after (its derivative has the sign of that
 * difference, which grows monotonically as V falls). Λ ≥ threshold > 1 therefore holds on one
 * interval [s*, ∞): doubling brackets s*, bisection finds it.
 */
export function perArmForDecision(e: Evidence | null, tau: number, threshold: number): number | null {
  if (!e || !(e.sigma2 > 0) || e.diff === 0) return null;
  const target = Math.log(threshold);
  const at = (s: number) => logRatio(e.diff, e.sigma2, e.na * s, e.nb * s, tau);
  const perArm = (s: number) => (s * (e.na + e.nb)) / 2;
  if (at(1) >= target) return perArm(1);
  let lo = 1;
  let hi = 2;
  while (at(hi) < target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return null;
  }
  while (hi - lo > 1e-9 * hi) {
    const mid = (lo + hi) / 2;
    if (at(mid) >= target) hi = mid;
    else lo = mid;
  }
  return perArm(hi);
}

/** The always-valid p-value after a look: the running minimum of min(1, 1/Λ). */
export const alwaysValidP = (previous: number, ratio: number): number => Math.min(previous, 1, 1 / ratio);
