/**
 * The Gamma-Gamma model of spend per transaction: each customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; fitted on repeat customers' mean repeat value.
 *
 * Reference: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (equation 3 for the
 * likelihood of z̄ given x, and the conditional expectation E[M | p, q, γ, z̄, x] =
 * (q−1)/(px+q−1) · γp/(q−1) + px/(px+q−1) · z̄). Reproduces p=6.25, q=3.74, γ=15.44 on the 946
 * repeat customers of the CDNOW sample.
 * Our own implementation: a short likelihood over typed arrays, optimised by our Nelder–Mead.
 */
import { nelderMead } from './optimize.ts';
import type { FitInfo } from './model.ts';
import { lnGamma } from './special.ts';

export interface GammaGammaParams { p: number; q: number; gamma: number }

export interface SpendData {
  /** Repeat transactions in calibration; customers with x = 0 are ignored by the fit. */
  x: ArrayLike<number>;
  /** Mean repeat transaction value. */
  zbar: ArrayLike<number>;
}

/** Customers the model can use: x > 0 and a positive mean value (z̄ = 0 has zero density under a Gamma). */
const usable = (x: number, z: number): boolean => x > 0 && z > 0 && Number.isFinite(z);

export function gammaGammaLogLikelihood(pr: GammaGammaParams, d: SpendData): number {
  const { p, q, gamma } = pr;
  const c = -lnGamma(q) + q * Math.log(gamma);
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const z = d.zbar[i]!;
    if (!usable(x, z)) continue;
    const px = p * x;
    ll += c + lnGamma(px + q) - lnGamma(px) + (px - 1) * Math.log(z) + px * Math.log(x) - (px + q) * Math.log(gamma + x * z);
  }
  return ll;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers used (x > 0, z̄ > 0). */
  n: number;
  fit: FitInfo;
  /** E[M | x, z̄]: the customer's expected order value; with x = 0 the population mean γp/(q−1). */
  expectedValue(x: number, zbar: number): number;
}

export function fitGammaGamma(d: SpendData, start: GammaGammaParams = { p: 1, q: 1, gamma: 1 }): GammaGammaFit {
  let n = 0;
  for (let i = 0; i < d.x.length; i++) if (usable(d.x[i]!, d.zbar[i]!)) n++;
  if (n === 0) throw new RangeError('Gamma-Gamma needs at least one customer with a repeat purchase of positive value');
  const objective = (v: Float64Array) => -gammaGammaLogLikelihood({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) }, d);
  const res = nelderMead(objective, [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)]);
  const params = { p: Math.exp(res.x[0]!), q: Math.exp(res.x[1]!), gamma: Math.exp(res.x[2]!) };
  return gammaGammaModel(params, -res.fx, n, { evaluations: res.evaluations, converged: res.converged });
}

export function gammaGammaModel(params: GammaGammaParams, logLikelihood: number, n: number, fit: FitInfo = { evaluations: 0, converged: true }): GammaGammaFit {
  const { p, q, gamma } = params;
  // The population mean exists only for q > 1; otherwise fall back to the data's own z̄ weight (q ≤ 1 is a degenerate fit).
  const populationMean = q > 1 ? (gamma * p) / (q - 1) : NaN;
  return {
    params,
    logLikelihood,
    n,
    fit,
    expectedValue(x, zbar) {
      if (!usable(x, zbar)) return populationMean;
      return (p * (gamma + x * zbar)) / (p * x + q - 1);
    },
  };
}
