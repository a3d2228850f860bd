import type { Rng } from '../prng.ts';
import type { Metric } from '../schemas/experiment.ts';
import { bootstrapMeanDifference } from './bootstrap.ts';
import { tPpf } from './distributions.ts';
import { holm } from './holm.ts';
import { mean, meanLift, variance, welchTest } from './means.ts';
import { RATE_METRICS, successesOf, type ArmObservation, type RateMetric } from './observations.ts';
import { probabilityBestMeans, probabilityBestRates, type BetaPrior } from './probability-best.ts';
import { rateDifference, rateLift, twoProportionZTest, wilsonInterval, type Interval } from './proportions.ts';
import { alwaysValidP, likelihoodRatio, meanEvidence, perArmForDecision, rateEvidence, type Evidence } from './sequential.ts';

/**
 * Every arm against the first (the control) on every metric: the per-arm summary with its
 * interval, the test of the difference, the lift, Holm-adjusted and always-valid p-values, and
 * P(best). `sequential` holds each comparison's always-valid p so far (key `metric:arm`) and is
 * updated in place: every call is a look. `statePrefix` keeps
 * separate comparisons over the same arm keys (factor levels, the holdout) apart in one state.
 */
export interface CompareOptions {
  alpha: number;
  rule: 'sequential' | 'fixed';
  /** The mSPRT mixture scale per metric (mixing-scale.ts). */
  tau: Record<Metric, number>;
  prior: BetaPrior;
  minPerArm: number;
  bootstrap?: { rng: Rng; resamples: number } | undefined;
}

export interface MetricSummary {
  count?: number;
  rate?: number;
  /** Wilson interval of the rate, or the t interval of revenue per recipient. */
  ci: Interval;
  total?: number;
  perRecipient?: number;
  sd?: number;
}

export interface Comparison {
  diff: number;
  diffCi: Interval;
  bootstrapCi?: Interval;
  /** Relative lift over the control (0.1 = +10%), null where the control is zero. */
  lift: number | null;
  liftCi: Interval | null;
  test: 'z' | 'welch-t';
  statistic: number;
  dof?: number;
  p: number;
  /** Holm–Bonferroni over the comparisons with the control on this metric. */
  pHolm: number;
  /** mSPRT always-valid p, Holm-adjusted the same way. */
  pSequential: number;
  /** Decided by `rule`: pHolm (fixed) or pSequential (sequential) below α, with enough recipients. */
  significant: boolean;
  /**
   * Sequential rule: the recipients per arm at which the always-valid p is expected to fall below
   * α/k (Holm's first step over k comparisons) if the observed difference holds; null when there
   * is no difference to confirm.
   */
  decisionPerArm?: number | null;
}

export interface ArmResult {
  key: string;
  role: 'control' | 'variant';
  recipients: number;
  metrics: Partial<Record<Metric, MetricSummary>>;
  vsControl: Partial<Record<Metric, Comparison>> | null;
  pBest: Partial<Record<Metric, number>>;
}

export function compareArms(
  obs: readonly ArmObservation[], o: CompareOptions, sequential: Record<string, number>, statePrefix = '',
): ArmResult[] {
  const control = obs[0]!;
  const results: ArmResult[] = obs.map((a, i) => ({
    key: a.key, role: i === 0 ? 'control' : 'variant', recipients: a.recipients, metrics: {}, vsControl: i === 0 ? null : {}, pBest: {},
  }));
  const enough = obs.every((a) => a.recipients >= o.minPerArm);
  // Below two recipients an arm has no variance to compare: summaries only.
  const comparable = obs.every((a) => a.recipients >= 2);
  const metrics: Metric[] = [...RATE_METRICS, ...(obs.every((a) => a.revenue) ? ['revenue' as const] : [])];
  for (const m of metrics) {
    obs.forEach((a, i) => { results[i]!.metrics[m] = summary(m, a, o.alpha); });
    if (!comparable) continue;
    const raw = obs.slice(1).map((b) => compareOne(m, control, b, o, sequential, statePrefix));
    const pHolm = holm(raw.map((c) => c.p));
    const pSeq = holm(raw.map((c) => c.pSequential));
    raw.forEach(({ evidence, ...c }, i) => {
      const decisive = o.rule === 'fixed' ? pHolm[i]! : pSeq[i]!;
      const expected = o.rule === 'sequential' ? { decisionPerArm: perArmForDecision(evidence, o.tau[m], raw.length / o.alpha) } : {};
      results[i + 1]!.vsControl![m] = { ...c, pHolm: pHolm[i]!, pSequential: pSeq[i]!, significant: enough && decisive < o.alpha, ...expected };
    });
    const pBest = m === 'revenue' ? probabilityBestMeans(obs.map((a) => a.revenue!))
      : probabilityBestRates(obs.map((a) => ({ successes: successesOf(a, m), n: a.recipients })), o.prior);
    obs.forEach((_, i) => { results[i]!.pBest[m] = pBest[i]!; });
  }
  return results;
}

function summary(m: Metric, a: ArmObservation, alpha: number): MetricSummary {
  if (m !== 'revenue') {
    const count = successesOf(a, m);
    return { count, rate: a.recipients ? count / a.recipients : 0, ci: wilsonInterval({ successes: count, n: a.recipients }, alpha) };
  }
  const r = a.revenue!;
  const sd = Math.sqrt(variance(r));
  // The one-sample t interval of the mean.
  const half = r.n > 1 && sd > 0 ? (tPpf(1 - alpha / 2, r.n - 1) * sd) / Math.sqrt(r.n) : 0;
  return { total: r.sum, perRecipient: mean(r), sd, ci: [mean(r) - half, mean(r) + half] };
}

type RawComparison = Omit<Comparison, 'pHolm' | 'significant' | 'decisionPerArm'> & { evidence: Evidence | null };

function compareOne(
  m: Metric, a: ArmObservation, b: ArmObservation, o: CompareOptions, sequential: Record<string, number>, statePrefix: string,
): RawComparison {
  const key = `${statePrefix}${m}:${b.key}`;
  if (m === 'revenue') {
    const w = welchTest(a.revenue!, b.revenue!, o.alpha);
    const lift = meanLift(a.revenue!, b.revenue!, o.alpha);
    const evidence = meanEvidence(a.revenue!, b.revenue!);
    const pSequential = sequential[key] = alwaysValidP(sequential[key] ?? 1, likelihoodRatio(evidence, o.tau[m]));
    const boot = o.bootstrap && a.revenueValues && b.revenueValues && a.revenueValues.length && b.revenueValues.length
      ? { bootstrapCi: bootstrapMeanDifference(a.revenueValues, b.revenueValues, o.alpha, o.bootstrap.rng, o.bootstrap.resamples) } : {};
    return { diff: w.diff, diffCi: w.ci, ...boot, lift: lift?.lift ?? null, liftCi: lift?.ci ?? null, test: 'welch-t', statistic: w.t, dof: w.dof, p: w.p, pSequential, evidence };
  }
  const pa = { successes: successesOf(a, m as RateMetric), n: a.recipients };
  const pb = { successes: successesOf(b, m as RateMetric), n: b.recipients };
  const z = twoProportionZTest(pa, pb);
  const d = rateDifference(pa, pb, o.alpha);
  const lift = rateLift(pa, pb, o.alpha);
  const evidence = rateEvidence(pa, pb);
  const pSequential = sequential[key] = alwaysValidP(sequential[key] ?? 1, likelihoodRatio(evidence, o.tau[m]));
  return { diff: d.diff, diffCi: d.ci, lift: lift?.lift ?? null, liftCi: lift?.ci ?? null, test: 'z', statistic: z.z, p: z.p, pSequential, evidence };
}
