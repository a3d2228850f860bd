/**
 * Special functions for the customer-base models: ln Γ and the Gaussian hypergeometric 2F1.
 *
 * References: Abramowitz & Stegun 6.1.40 (Stirling's series for ln Γ) and 15.1.1 (the 2F1 power
 * series). Our own implementation: the repository's numeric code takes no dependency for two
 * short, well-understood series, and the 2F1 convergence check is tailored to the BG/NBD and
 * Pareto/NBD argument range (0 ≤ z < 1, positive parameters).
 */

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. Stirling's asymptotic series with Bernoulli terms up to z^-13 is accurate to
 * ~1e-16 relative for z ≥ 15; smaller arguments are shifted up by the recurrence Γ(x+1) = xΓ(x),
 * dividing out the product x(x+1)…(x+k−1) (one log instead of k).
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 1;
  let z = x;
  while (z < 15) {
    shift *= z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // B2/(1·2)z^-1 + B4/(3·4)z^-3 + … + B14/(13·14)z^-13
  const series = inv * (1 / 12 + inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680
    + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 * (1 / 156)))))));
  const stirling = (z - 0.5) * Math.log(z) - z + HALF_LN_2PI + series;
  return shift === 1 ? stirling : stirling - Math.log(shift);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b). */
export const lnBeta = (a: number, b: number): number => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** Terms summed before 2F1 gives up: z = 0.9999 needs ~4e5 terms for 1e-15; beyond that a closed form is needed. */
const MAX_TERMS = 2_000_000;
const TOL = 1e-15;

/**
 * Gauss's hypergeometric function 2F1(a, b; c; z) by its power series Σ (a)_n (b)_n / ((c)_n n!) zⁿ,
 * for |z| < 1 and c not a non-positive integer (the only range the models need: z = t/(α+T+t) or
 * (α−β)/(α+t_x), both in [0, 1)).
 *
 * Convergence check: the term ratio ρ_n = z(a+n)(b+n)/((c+n)(n+1)) tends to z. Once |ρ_n| < 1, the
 * remaining tail is at most |term|·ρ⁺/(1−ρ⁺) with ρ⁺ = max(|ρ_n|, |z|): the ratios move
 * monotonically to |z| from then on for the positive parameters used here. We stop when that bound
 * is below 1e-15 of the running sum, and throw when MAX_TERMS are not enough (z too close to 1),
 * rather than return a truncated value silently.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new RangeError(`hyp2f1: |z| must be < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c must not be a non-positive integer, got ${c}`);
  let term = 1;
  let sum = 1;
  const az = Math.abs(z);
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = (z * (a + n) * (b + n)) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    const rho = Math.max(Math.abs(ratio), az);
    if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= TOL * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`);
}
