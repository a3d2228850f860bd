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
 * default suits rates and revenue alike. τ only tunes which effect sizes are detected fastest; the
 * guarantee holds for every τ.
 */
export const DEFAULT_TAU = 0.05;

export function mixtureLikelihoodRatio(a: Moments, b: Moments, tau: number): number {
  if (a.n < 2 || b.n < 2) return 1;
  const pooled = (variance(a) * (a.n - 1) + variance(b) * (b.n - 1)) / (a.n + b.n - 2);
  return ratioAt(mean(b) - mean(a), pooled, a.n, b.n, tau);
}

/** The mSPRT ratio for rates, with the variance pooled under the null (as the z-test). */
export function rateLikelihoodRatio(a: { successes: number; n: number }, b: { successes: number; n: number }, tau: number): number {
  if (a.n === 0 || b.n === 0) return 1;
  const p = (a.successes + b.successes) / (a.n + b.n);
  return ratioAt(b.successes / b.n - a.successes / a.n, p * (1 - p), a.n, b.n, tau);
}

function ratioAt(diff: number, sigma2: number, na: number, nb: number, tau: number): number {
  if (!(sigma2 > 0)) return 1;
  const v = sigma2 * (1 / na + 1 / nb);
  const t2 = tau * tau * sigma2;
  return Math.sqrt(v / (v + t2)) * Math.exp((t2 * diff * diff) / (2 * v * (v + t2)));
}

/** The always-valid p-value after a look: the running minimum of min(1, 1/Λ). */
export const alwaysValidP = (previous: number, ratio: number): number => Math.min(previous, 1, 1 / ratio);
