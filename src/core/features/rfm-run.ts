import type { OnPhase } from '../progress.ts';
import { rfmWindow, scoreRfm, summarizeRfm, type RfmAggregates, type RfmScores, type RfmSummary, type RfmWindow } from './rfm.ts';

/** What an RFM run needs from the store (src/store/features/rfm-store.ts implements it for both dialects). */
export interface RfmPort {
  /** Every customer with at least one order in the window, with its last order time, order count and revenue there. */
  aggregates(window: RfmWindow): Promise<RfmAggregates>;
  /**
   * Stores the scores as the rfm_* features, all in one transaction: scored customers get theirs
   * (their feature row is created if missing), every other profile's rfm_* become NULL.
   */
  save(scores: RfmScores, at: number): Promise<RfmSaveResult>;
}

export interface RfmSaveResult {
  /** Rows inserted or whose scores changed (unchanged rows are not rewritten). */
  written: number;
  /** Rows of customers no longer scored, set to NULL. */
  cleared: number;
}

export interface RfmRunOptions {
  asOf: number;
  windowDays?: number;
  save: boolean;
  /** Wall-clock time, for updated_at. */
  now: number;
}

export interface RfmRun {
  summary: RfmSummary;
  scores: RfmScores;
  saved: RfmSaveResult | null;
  timings: { aggregateMs: number; scoreMs: number; saveMs: number };
}

/** The RFM use case: aggregate in the store, score here, write back (unless asked not to). */
export async function runRfm(port: RfmPort, opts: RfmRunOptions, elapsed: () => number = () => 0, onPhase?: OnPhase): Promise<RfmRun> {
  const window = rfmWindow(opts.asOf, opts.windowDays);
  const total = opts.save ? 3 : 2;
  onPhase?.(0, total, 'aggregating orders');
  const t0 = elapsed();
  const agg = await port.aggregates(window);
  const t1 = elapsed();
  onPhase?.(1, total, 'scoring');
  const scores = scoreRfm(agg, window);
  const summary = summarizeRfm(scores);
  const t2 = elapsed();
  if (opts.save) onPhase?.(2, total, 'saving rfm_* features');
  const saved = opts.save ? await port.save(scores, opts.now) : null;
  const t3 = elapsed();
  return { summary, scores, saved, timings: { aggregateMs: t1 - t0, scoreMs: t2 - t1, saveMs: t3 - t2 } };
}
