/**
 * The CLV use case over a transaction log: summarise, fit the purchase model and Gamma-Gamma, score
 * every customer (P(alive), expected purchases, expected order value, CLV, next order date) and,
 * when holdout data exist, validate against them. The CLI, the store mode and the benchmark all call
 * this one function.
 */
import { fitBgNbd } from './bg-nbd.ts';
import { customerLifetimeValue } from './clv.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { holdoutReport, type HoldoutReport } from './holdout-report.ts';
import type { PurchaseModel, PurchaseModelName } from './model.ts';
import { fitParetoNbd } from './pareto-nbd.ts';
import { DAY_MS, summarize, UNIT_DAYS, type CalibrationSummary, type TimeUnit, type TransactionLog } from './summary.ts';

export interface ClvRunOptions {
  calibrationEnd: number;
  /** Without it there is no holdout report. */
  holdoutEnd?: number;
  unit: TimeUnit;
  /** CLV horizon in periods of one unit. */
  horizon: number;
  annualDiscountRate: number;
  model: PurchaseModelName;
}

export interface CustomerScores {
  pAlive: Float64Array;
  /** Expected repeat purchases over the CLV horizon. */
  expectedPurchases: Float64Array;
  expectedOrderValue: Float64Array;
  clv: Float64Array;
  /** Epoch ms: calibration end + the median wait to the next purchase given alive (see model.ts). */
  nextOrderAt: Float64Array;
}

export interface ClvRun {
  summary: CalibrationSummary;
  model: PurchaseModel;
  spend: GammaGammaFit;
  scores: CustomerScores;
  holdout: HoldoutReport | null;
  timings: { summaryMs: number; fitMs: number; spendMs: number; scoreMs: number };
}

export function runClv(log: TransactionLog, opts: ClvRunOptions, elapsed: () => number = () => 0): ClvRun {
  const t0 = elapsed();
  const summary = summarize(log, opts);
  if (summary.ids.length === 0) throw new RangeError('no customer has a purchase on or before the calibration end');
  const t1 = elapsed();
  const model = opts.model === 'pareto' ? fitParetoNbd(summary) : fitBgNbd(summary);
  const t2 = elapsed();
  const spend = fitGammaGamma(summary);
  const t3 = elapsed();
  const scores = scoreCustomers(model, spend, summary, opts);
  const t4 = elapsed();
  const holdout = opts.holdoutEnd !== undefined && summary.holdoutLength > 0 ? holdoutReport(model, summary) : null;
  return { summary, model, spend, scores, holdout, timings: { summaryMs: t1 - t0, fitMs: t2 - t1, spendMs: t3 - t2, scoreMs: t4 - t3 } };
}

export function scoreCustomers(model: PurchaseModel, spend: GammaGammaFit, s: CalibrationSummary, opts: Pick<ClvRunOptions, 'horizon' | 'annualDiscountRate' | 'unit'>): CustomerScores {
  const n = s.ids.length;
  const pAlive = new Float64Array(n);
  const expectedOrderValue = new Float64Array(n);
  const nextOrderAt = new Float64Array(n);
  const unitMs = UNIT_DAYS[s.unit] * DAY_MS;
  const endDayStart = Math.floor(s.calibrationEnd / DAY_MS) * DAY_MS;
  for (let i = 0; i < n; i++) {
    pAlive[i] = model.pAlive(s.x[i]!, s.tx[i]!, s.T[i]!);
    expectedOrderValue[i] = spend.expectedValue(s.x[i]!, s.zbar[i]!);
    nextOrderAt[i] = endDayStart + model.medianWaitGivenAlive(s.x[i]!, s.T[i]!) * unitMs;
  }
  const { clv, expectedPurchases } = customerLifetimeValue(model, { x: s.x, tx: s.tx, T: s.T, orderValue: expectedOrderValue }, opts);
  return { pAlive, expectedPurchases, expectedOrderValue, clv, nextOrderAt };
}

/** Indices of the n customers with the highest CLV, highest first (ties: summary order). */
export function topByClv(clv: ArrayLike<number>, n: number): number[] {
  const idx = Array.from({ length: clv.length }, (_, i) => i);
  idx.sort((i, j) => (clv[j]! - clv[i]!) || i - j);
  return idx.slice(0, Math.max(0, n));
}
