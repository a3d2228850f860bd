/**
 * The distribution functions the experiment statistics need, on stdlib's special functions
 * (ports of Boost/Cephes, accurate to a few ulps). Upper tails are computed directly rather than
 * as 1 − cdf, so that small p-values keep their precision.
 */
import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import gammainc from '@stdlib/math-base-special-gammainc';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Standard normal P(Z ≤ x). */
export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** Standard normal P(Z > x). */
export const normalSf = (x: number): number => 0.5 * erfc(x / Math.SQRT2);

/** Standard normal quantile: the x with P(Z ≤ x) = p. */
export const normalPpf = (p: number): number => -Math.SQRT2 * erfcinv(2 * p);

/** P(X > x) for X ~ χ²(dof). */
export const chiSquareSf = (x: number, dof: number): number => (x <= 0 ? 1 : gammainc(x / 2, dof / 2, true, true));

/** Two-sided P(|T| ≥ |t|) for T ~ Student t(dof). */
export const tTwoSided = (t: number, dof: number): number => betainc(dof / (dof + t * t), dof / 2, 0.5);

/** Student t quantile. */
export const tPpf = (p: number, dof: number): number => tQuantile(p, dof);

/** Beta(a, b) cumulative distribution at x. */
export const betaCdf = (x: number, a: number, b: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : betainc(x, a, b));

/** Natural log of the Beta(a, b) density at x in (0, 1). */
export const betaLogPdf = (x: number, a: number, b: number): number =>
  (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - betaln(a, b);
