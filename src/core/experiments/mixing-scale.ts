import type { ExperimentSpec, Metric } from '../schemas/experiment.ts';
import { armsOf } from './design.ts';
import { plan } from './power.ts';
import { DEFAULT_TAU } from './sequential.ts';

/**
 * The scale τ of the always-valid test's mixture N(0, τ²) over the true difference, in standard
 * deviations of the per-recipient metric (sequential.ts), and where it came from.
 *
 * τ decides which effects the test finds fastest; it never affects the false-positive guarantee,
 * as long as it is fixed before the data are seen. The mSPRT literature sets it to the effects the
 * test is expected to meet: Johari, Koomen, Pekelis & Walsh ("Peeking at A/B Tests", KDD 2017;
 * "Always Valid Inference", Operations Research 70(3), 2022) match the mixing distribution to the
 * effect sizes seen in past experiments (Optimizely's Stats Engine fits it to them), or tune it to
 * the sample size the test may run to. A Tailor experiment states the effect it is planned for
 * (`plan`: baseline and minimum detectable effect), so τ is that effect on the statistic's scale:
 * Cohen's h for a rate, mde / sd for revenue, the effect size power.ts plans the sample size with.
 *
 * Why that choice keeps the test close to its plan: with r = V/τ² (V the variance of the observed
 * difference) the boundary Λ ≥ 1/α is z² ≥ (1 + r)(2 ln(1/α) + ln(1 + 1/r)), tightest at the r
 * where 1/r − ln(1 + 1/r) = 2 ln(1/α), r ≈ 0.12 at α = 0.05. With τ = the planned effect d, the
 * fixed-horizon n per arm at 80% power is 2(z₀.₉₇₅ + z₀.₈)²/d², where r = 2/(n d²) = 0.127: the
 * boundary is at its tightest where the plan expects to stop.
 *
 * An explicit `tau` wins. Without a plan, DEFAULT_TAU (0.05) stands for a marketer's typical test:
 * +10–20% on a 2–10% rate is an h of 0.014–0.064; a mixture too wide costs less than one too
 * narrow (STATISTICS.md, "Choosing τ"), so the default sits in the upper half of that range. The
 * plan is about the primary metric, so other metrics (and the holdout comparison) keep the
 * default unless `tau` is given.
 */
export type TauBasis = 'spec' | 'plan' | 'default';

export interface MixingScale {
  /** τ for the primary metric. */
  tau: number;
  basis: TauBasis;
  /** τ per metric (the primary one as above, the others from `tau` or the default). */
  byMetric: Record<Metric, number>;
  /** τ for comparisons the plan is not about (email against the holdout). */
  unplanned: number;
  /** The fixed-horizon sample size per arm the plan needs (power.ts), or null without a plan. */
  plannedPerArm: number | null;
}

export function mixingScale(spec: ExperimentSpec): MixingScale {
  const planned = spec.plan
    ? plan({ ...spec.plan, alpha: spec.alpha, arms: armsOf(spec).length, holdout: spec.holdout })
    : null;
  const tau = spec.tau ?? planned?.tau ?? DEFAULT_TAU;
  const basis: TauBasis = spec.tau !== undefined ? 'spec' : planned ? 'plan' : 'default';
  const others = spec.tau ?? DEFAULT_TAU;
  const byMetric = { open: others, click: others, conversion: others, revenue: others, [spec.metric]: tau };
  return { tau, basis, byMetric, unplanned: others, plannedPerArm: planned?.nPerArm ?? null };
}
