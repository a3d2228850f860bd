import type { Rng } from '../prng.ts';
import type { ExperimentSpec, Metric } from '../schemas/experiment.ts';
import { compareArms, type ArmResult, type CompareOptions } from './compare.ts';
import { armsOf } from './design.ts';
import { mixingScale, type MixingScale } from './mixing-scale.ts';
import { pool, RATE_METRICS, successesOf, type ArmObservation } from './observations.ts';
import { chiSquareAcross, type ChiSquareTest } from './proportions.ts';
import { recommend, type Recommendation } from './recommend.ts';

/**
 * An experiment's full result from what each arm (and the holdout) saw:
 * - `arms`: every arm against the control (compare.ts);
 * - `across`: χ² of each rate across all arms, "does any arm differ at all";
 * - `factors`: for a multivariate test, each factor's levels pooled over the other factors
 *   (main effects), compared with the factor's first level;
 * - `incremental`: everyone mailed against the holdout, for conversions and revenue: the lift
 *   the email itself caused;
 * - `recommendation`: what to do, in words, with the winner if there is one.
 */
export interface ExperimentResults {
  metric: Metric;
  alpha: number;
  rule: 'sequential' | 'fixed';
  looks: number;
  /** The always-valid test's mixture scale τ for the primary metric, where it came from, and the plan's n per arm. */
  mixture: Omit<MixingScale, 'byMetric' | 'unplanned'>;
  arms: (ArmResult & { content: Record<string, unknown>; levels: Record<string, string> })[];
  across: Partial<Record<Metric, ChiSquareTest>>;
  factors?: { name: string; levels: ArmResult[] }[];
  incremental?: ArmResult[];
  recommendation: Recommendation;
}

/** Always-valid p-values so far, by comparison, and how many looks produced them. */
export interface SequentialState { looks: number; p: Record<string, number> }

export function experimentResults(
  spec: ExperimentSpec,
  observed: { arms: readonly ArmObservation[]; holdout?: ArmObservation | undefined },
  state: SequentialState,
  bootstrap?: { rng: Rng; resamples: number },
): { results: ExperimentResults; state: SequentialState } {
  const design = armsOf(spec);
  const byKey = new Map(observed.arms.map((o) => [o.key, o]));
  const empty = (key: string): ArmObservation => ({ key, recipients: 0, opens: 0, clicks: 0, conversions: 0, revenue: { n: 0, sum: 0, sumSquares: 0 } });
  const obs = design.map((a) => byKey.get(a.key) ?? empty(a.key));
  const { byMetric, unplanned, ...mixture } = mixingScale(spec);
  const opts: CompareOptions = { alpha: spec.alpha, rule: spec.rule, tau: byMetric, prior: spec.prior, minPerArm: spec.minPerArm, bootstrap };
  const p = { ...state.p };
  const armResults = compareArms(obs, opts, p).map((r, i) => ({ ...r, content: design[i]!.content, levels: design[i]!.levels }));

  const across: Partial<Record<Metric, ChiSquareTest>> = {};
  for (const m of RATE_METRICS) across[m] = chiSquareAcross(obs.map((o) => ({ successes: successesOf(o, m), n: o.recipients })));

  const factors = spec.factors?.map((f) => ({
    name: f.name,
    levels: compareArms(
      f.levels.map((l) => pool(l.key, obs.filter((_, i) => design[i]!.levels[f.name] === l.key))),
      opts,
      p,
      `factor:${f.name}:`,
    ),
  }));

  const incremental = observed.holdout && observed.holdout.recipients > 0
    ? compareArms(
      [{ ...observed.holdout, key: 'holdout' }, pool('mailed', obs)],
      { ...opts, minPerArm: 2, tau: { open: unplanned, click: unplanned, conversion: unplanned, revenue: unplanned } }, p, 'holdout:',
    )
    : undefined;

  const looks = state.looks + 1;
  const base = { metric: spec.metric, alpha: spec.alpha, rule: spec.rule, looks, mixture, arms: armResults, across };
  const results: ExperimentResults = {
    ...base,
    ...(factors ? { factors } : {}),
    ...(incremental ? { incremental } : {}),
    recommendation: recommend(spec, armResults, mixture),
  };
  return { results, state: { looks, p } };
}
