import { normalCdf, normalPpf, normalSf } from './distributions.ts';

/**
 * Sample size for a two-arm test, as statsmodels' NormalIndPower().solve_power with equal arms and
 * a two-sided alternative: power(n) = Φ(d·√(n/2) − z) + Φ(−d·√(n/2) − z) with z = Φ⁻¹(1 − α/2),
 * solved for the n per arm that reaches the target. For rates the effect size is Cohen's
 * h = |2·asin√p₂ − 2·asin√p₁| (statsmodels' proportion_effectsize); for means it is mde / sd.
 */
export function twoSidedPower(effectSize: number, nPerArm: number, alpha: number): number {
  const z = normalPpf(1 - alpha / 2);
  const shift = Math.abs(effectSize) * Math.sqrt(nPerArm / 2);
  return normalSf(z - shift) + normalCdf(-z - shift);
}

/** The real-valued n per arm at which the test reaches `power` (round it up to plan). */
export function nPerArmFor(effectSize: number, alpha: number, power: number): number {
  const d = Math.abs(effectSize);
  // At the one-tail solution the upper tail alone reaches the target, so the answer lies below it.
  let lo = 0;
  let hi = 2 * ((normalPpf(1 - alpha / 2) + normalPpf(power)) / d) ** 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (twoSidedPower(d, mid, alpha) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export const cohensH = (p1: number, p2: number): number => 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));

export interface PlanInput {
  /** The control's rate (0–1), or its mean with `sd` for a revenue-like metric. */
  baseline: number;
  /** The smallest effect worth detecting: absolute (0.02 = two points) unless `relative`. */
  mde: number;
  relative?: boolean;
  /** Per-recipient standard deviation: plans a difference of means instead of rates. */
  sd?: number;
  alpha: number;
  power: number;
  /** Arms including the control; each variant is compared with the control. */
  arms: number;
  /** Share of the audience held out (receives nothing), 0–1. */
  holdout: number;
}

export interface Plan {
  effectSize: number;
  /** The always-valid test's mixing scale for an experiment with this plan: |effectSize| (mixing-scale.ts). */
  tau: number;
  target: number;
  /** α per comparison: Bonferroni over the arms − 1 comparisons with the control. */
  alphaPerComparison: number;
  nPerArm: number;
  mailed: number;
  audience: number;
}

export function plan(p: PlanInput): Plan {
  const delta = p.relative ? p.baseline * p.mde : p.mde;
  const target = p.baseline + delta;
  const effectSize = p.sd === undefined ? cohensH(p.baseline, target) : delta / p.sd;
  const alphaPerComparison = p.alpha / Math.max(1, p.arms - 1);
  const nPerArm = Math.ceil(nPerArmFor(effectSize, alphaPerComparison, p.power));
  const mailed = nPerArm * p.arms;
  return { effectSize, tau: Math.abs(effectSize), target, alphaPerComparison, nPerArm, mailed, audience: Math.ceil(mailed / (1 - p.holdout)) };
}
