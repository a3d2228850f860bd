import type { ExperimentSpec, Metric } from '../schemas/experiment.ts';
import type { ArmResult } from './compare.ts';
import type { MixingScale } from './mixing-scale.ts';

/**
 * What the numbers say to do, in plain words. `send` names a winner that beat the control with
 * significance under the experiment's rule; otherwise `keep-testing` (or `wait` while an arm is
 * below minPerArm), with the current leader by P(best) for information only.
 *
 * Under the sequential rule a variant can look far ahead, with a tiny fixed-horizon p, and still
 * not be significant: the always-valid p pays for being allowed to look at any time. The text then
 * says so, and says when a decision is expected if the difference holds (compare.ts:
 * `decisionPerArm`, from the mSPRT boundary and the effect observed so far).
 */
export interface Recommendation {
  action: 'send' | 'keep-testing' | 'wait';
  winner: string | null;
  leader: string;
  /** The whole advice: what the numbers show, why, and what to do. */
  text: string;
  /** What the numbers show and why, without the advice (a fallback decision quotes it). */
  explanation: string;
  /**
   * Sequential rule, no winner yet: about how many more recipients per arm the leading variant
   * needs for a decision if its difference holds; null when none is expected.
   */
  morePerArm: number | null;
}

type Mixture = Pick<MixingScale, 'tau' | 'basis' | 'plannedPerArm'>;

const LABEL: Record<Metric, string> = { open: 'open rate', click: 'click rate', conversion: 'conversion rate', revenue: 'revenue per recipient' };

export function recommend(spec: ExperimentSpec, arms: readonly ArmResult[], mixture: Mixture): Recommendation {
  const m = spec.metric;
  const control = arms[0]!;
  const short = arms.find((a) => a.recipients < spec.minPerArm);
  const leader = arms.reduce((best, a) => ((a.pBest[m] ?? 0) > (best.pBest[m] ?? 0) ? a : best), control);
  if (short) {
    const text = `Too early to call: arm ${short.key} has ${short.recipients} of the ${spec.minPerArm} recipients every arm needs before a decision.`;
    return { action: 'wait', winner: null, leader: leader.key, text, explanation: text, morePerArm: null };
  }
  if (!control.metrics[m] || !arms[1]?.vsControl?.[m]) {
    const text = `No ${LABEL[m]} to compare: revenue needs its per-recipient spread (sum of squares or sd).`;
    return { action: 'wait', winner: null, leader: control.key, text, explanation: text, morePerArm: null };
  }
  const pName = spec.rule === 'fixed' ? 'Holm-adjusted p' : 'Holm-adjusted always-valid p';
  const pOf = (a: ArmResult) => (spec.rule === 'fixed' ? a.vsControl![m]!.pHolm : a.vsControl![m]!.pSequential);
  const winners = arms.slice(1).filter((a) => a.vsControl![m]!.significant && a.vsControl![m]!.diff > 0);
  const losers = arms.slice(1).filter((a) => a.vsControl![m]!.significant && a.vsControl![m]!.diff < 0);
  const worse = losers.length ? ` ${losers.map((a) => a.key).join(', ')} ${losers.length > 1 ? 'are' : 'is'} significantly worse than the control.` : '';
  if (winners.length) {
    const w = winners.reduce((best, a) => (value(a, m) > value(best, m) ? a : best));
    const c = w.vsControl![m]!;
    const lift = c.lift === null ? '' : ` by ${pct(c.lift, true)}${c.liftCi ? ` (${Math.round((1 - spec.alpha) * 100)}% CI ${pct(c.liftCi[0], true)} to ${pct(c.liftCi[1], true)})` : ''}`;
    const text = `Send ${w.key}: its ${LABEL[m]} of ${show(w, m)} beats control ${control.key}'s ${show(control, m)}${lift}, ${pName} = ${fmtP(pOf(w))} < α = ${spec.alpha}.${worse}`;
    return { action: 'send', winner: w.key, leader: leader.key, text, explanation: text, morePerArm: null };
  }
  const best = arms.slice(1).reduce((b, a) => (value(a, m) > value(b, m) ? a : b));
  const found = `No variant beats control ${control.key} on ${LABEL[m]} yet (best: ${best.key} at ${show(best, m)} against ${show(control, m)}, ${pName} = ${fmtP(pOf(best))}; `
    + `P(best) of ${leader.key} is ${pct(leader.pBest[m] ?? 0)}).${worse}`;
  if (spec.rule === 'fixed') {
    return { action: 'keep-testing', winner: null, leader: leader.key, text: `${found} With the fixed rule, decide only at the planned time.`, explanation: found, morePerArm: null };
  }
  const why = notYet(spec, control, best, mixture);
  const explanation = `${found}${why.text}`;
  return {
    action: 'keep-testing', winner: null, leader: leader.key, morePerArm: why.morePerArm, explanation,
    text: `${explanation} Keep testing: with always-valid p-values it is safe to look again at any time.`,
  };
}

/**
 * Why the leading variant is not yet a decision under the sequential rule, and when one is
 * expected. A fixed-horizon p below α next to an always-valid p above it is the case a marketer
 * finds puzzling, so it is spelt out; the expected sample size is the mSPRT boundary crossed by
 * the difference seen so far (compare.ts), rounded to two significant figures since it is only
 * as good as that difference.
 */
function notYet(spec: ExperimentSpec, control: ArmResult, best: ArmResult, mixture: Mixture): { text: string; morePerArm: number | null } {
  const c = best.vsControl![spec.metric]!;
  if (!(c.diff > 0)) return { text: ` No variant is ahead of the control, so more recipients are not expected to produce a winner.`, morePerArm: null };
  const perArm = (control.recipients + best.recipients) / 2;
  const large = c.pHolm < spec.alpha
    ? ` The difference is large, but ${Math.round(perArm)} recipients per arm are not yet enough evidence for the always-valid test: its p-value stays valid however often the results are looked at, `
      + `so it asks for more than the fixed-horizon p (${fmtP(c.pHolm)}), which holds only for a single look at a sample size fixed in advance. `
      + (mixture.basis === 'plan'
        ? `The test is tuned to the effect it was planned for, which needs about ${mixture.plannedPerArm} recipients per arm.`
        : mixture.basis === 'default'
          ? `Without a planned effect it is tuned to a typical small lift (τ = ${mixture.tau} standard deviations); giving the experiment a plan with the effect you expect tunes it to that.`
          : `It is tuned to effects of about τ = ${mixture.tau} standard deviations.`)
    : '';
  if (c.decisionPerArm === null || c.decisionPerArm === undefined) return { text: large, morePerArm: null };
  const more = roughly(Math.max(0, c.decisionPerArm - perArm));
  const when = more === 0
    ? ' If the difference holds, a decision is expected within the next few recipients.'
    : ` If the difference holds, a decision is expected after about ${more} more recipients per arm (${roughly(c.decisionPerArm)} per arm in all)${c.pHolm < spec.alpha ? '' : '; a smaller true difference would take longer'}.`;
  return { text: `${large}${when}`, morePerArm: more };
}

/** Two significant figures, at least 1 when there is anything: 137 → 140, 12,345 → 12,000, 0.4 → 1. */
function roughly(x: number): number {
  if (x <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 1);
  return Math.max(1, Math.round(x / step) * step);
}

const value = (a: ArmResult, m: Metric): number => (m === 'revenue' ? a.metrics.revenue?.perRecipient ?? 0 : a.metrics[m]?.rate ?? 0);
const show = (a: ArmResult, m: Metric): string => (m === 'revenue' ? (a.metrics.revenue?.perRecipient ?? 0).toFixed(2) : pct(a.metrics[m]?.rate ?? 0));
const pct = (x: number, signed = false): string => `${signed && x > 0 ? '+' : ''}${(x * 100).toFixed(Math.abs(x) < 0.1 ? 2 : 1)}%`;
const fmtP = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
