import type { ExperimentSpec } from '../schemas/experiment.ts';
import type { ExperimentResults } from './results.ts';

/**
 * Picking what the rest of the audience receives. A variant wins only if it beat the control with
 * significance under the experiment's rule (recommend.ts); otherwise the control is kept, and the
 * decision says so. With the sequential rule a significant winner can be taken before the planned
 * time, since its always-valid p-value allows stopping at any look; with the fixed rule nothing is
 * decided early unless forced, and a forced early decision is marked as such.
 */
export interface Decision {
  winner: string;
  basis: 'significant' | 'fallback';
  /** Taken before the planned time. */
  early: boolean;
  forced: boolean;
  decidedAt: number;
  reason: string;
}

export type DecisionOutcome = { decided: Decision } | { pending: string };

export function decideWinner(
  spec: ExperimentSpec, results: ExperimentResults, at: { now: number; decideAt: number }, force = false,
): DecisionOutcome {
  const r = results.recommendation;
  const control = results.arms[0]!.key;
  const due = at.now >= at.decideAt;
  const early = !due;
  if (r.action === 'send' && (due || spec.rule === 'sequential' || force)) {
    return { decided: { winner: r.winner!, basis: 'significant', early, forced: early && spec.rule === 'fixed', decidedAt: at.now, reason: r.text } };
  }
  if (!due && !force) {
    return { pending: `The decision is due at ${new Date(at.decideAt).toISOString()}. ${r.text}` };
  }
  // The explanation without "keep testing": the test is over, but the reader still learns why
  // the leader did not win and how far it was from a decision.
  const reason = `No significant winner${early ? ' (decided early by request)' : ''}: falling back to control ${control}. ${r.explanation}`;
  return { decided: { winner: control, basis: 'fallback', early, forced: early, decidedAt: at.now, reason } };
}
