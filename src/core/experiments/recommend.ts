import type { ExperimentSpec, Metric } from '../schemas/experiment.ts';
import type { ArmResult } from './compare.ts';

/**
 * What the numbers say to do, in plain words. `send` names a winner that beat the control with
 * significance under the experiment's rule; otherwise `keep-testing` (or `wait` while an arm is
 * below minPerArm), with the current leader by P(best) for information only.
 */
export interface Recommendation {
  action: 'send' | 'keep-testing' | 'wait';
  winner: string | null;
  leader: string;
  text: string;
}

const LABEL: Record<Metric, string> = { open: 'open rate', click: 'click rate', conversion: 'conversion rate', revenue: 'revenue per recipient' };

export function recommend(spec: ExperimentSpec, arms: readonly ArmResult[]): Recommendation {
  const m = spec.metric;
  const control = arms[0]!;
  const short = arms.find((a) => a.recipients < spec.minPerArm);
  const leader = arms.reduce((best, a) => ((a.pBest[m] ?? 0) > (best.pBest[m] ?? 0) ? a : best), control);
  if (short) {
    return {
      action: 'wait', winner: null, leader: leader.key,
      text: `Too early to call: arm ${short.key} has ${short.recipients} of the ${spec.minPerArm} recipients every arm needs before a decision.`,
    };
  }
  if (!control.metrics[m] || !arms[1]?.vsControl?.[m]) {
    return { action: 'wait', winner: null, leader: control.key, text: `No ${LABEL[m]} to compare: revenue needs its per-recipient spread (sum of squares or sd).` };
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
    return {
      action: 'send', winner: w.key, leader: leader.key,
      text: `Send ${w.key}: its ${LABEL[m]} of ${show(w, m)} beats control ${control.key}'s ${show(control, m)}${lift}, ${pName} = ${fmtP(pOf(w))} < α = ${spec.alpha}.${worse}`,
    };
  }
  const best = arms.slice(1).reduce((b, a) => (value(a, m) > value(b, m) ? a : b));
  return {
    action: 'keep-testing', winner: null, leader: leader.key,
    text: `No variant beats control ${control.key} on ${LABEL[m]} yet (best: ${best.key} at ${show(best, m)} against ${show(control, m)}, ${pName} = ${fmtP(pOf(best))}; `
      + `P(best) of ${leader.key} is ${pct(leader.pBest[m] ?? 0)}).${worse} `
      + (spec.rule === 'sequential' ? 'Keep testing: with always-valid p-values it is safe to look again at any time.' : 'With the fixed rule, decide only at the planned time.'),
  };
}

const value = (a: ArmResult, m: Metric): number => (m === 'revenue' ? a.metrics.revenue?.perRecipient ?? 0 : a.metrics[m]?.rate ?? 0);
const show = (a: ArmResult, m: Metric): string => (m === 'revenue' ? (a.metrics.revenue?.perRecipient ?? 0).toFixed(2) : pct(a.metrics[m]?.rate ?? 0));
const pct = (x: number, signed = false): string => `${signed && x > 0 ? '+' : ''}${(x * 100).toFixed(Math.abs(x) < 0.1 ? 2 : 1)}%`;
const fmtP = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
