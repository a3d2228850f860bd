/**
 * Calibration/holdout validation of a purchase model: predicted vs actual holdout repeat purchases
 * grouped by calibration frequency x (0, 1, …, 7+), totals and the mean absolute error.
 *
 * Reference: the "conditional expectations" figure of Fader, Hardie & Lee (2005, Figure 4), where
 * the CDNOW sample is grouped by x with 7+ pooled. Our own implementation.
 */
import type { PurchaseModel } from './model.ts';
import type { CalibrationSummary } from './summary.ts';

export const GROUPS = 8;

export interface HoldoutGroup {
  /** "0" … "6", "7+". */
  x: string;
  customers: number;
  /** Mean actual holdout repeat purchases in the group. */
  actual: number;
  predicted: number;
}

export interface HoldoutReport {
  holdoutLength: number;
  groups: HoldoutGroup[];
  totalActual: number;
  totalPredicted: number;
  /** Mean over customers of |predicted − actual|. */
  meanAbsoluteError: number;
  /** Unweighted mean over the groups of |mean predicted − mean actual|. */
  groupMeanAbsoluteError: number;
}

/** Predicted holdout purchases per customer: E[Y(holdout length) | x, t_x, T]. */
export function predictHoldout(model: PurchaseModel, s: CalibrationSummary): Float64Array {
  const out = new Float64Array(s.ids.length);
  for (let i = 0; i < out.length; i++) out[i] = model.conditionalExpected(s.holdoutLength, s.x[i]!, s.tx[i]!, s.T[i]!);
  return out;
}

export function holdoutReport(model: PurchaseModel, s: CalibrationSummary, predicted: Float64Array = predictHoldout(model, s)): HoldoutReport {
  const count = new Float64Array(GROUPS);
  const actual = new Float64Array(GROUPS);
  const pred = new Float64Array(GROUPS);
  let totalActual = 0;
  let totalPredicted = 0;
  let abs = 0;
  for (let i = 0; i < s.ids.length; i++) {
    const g = Math.min(GROUPS - 1, s.x[i]!);
    count[g] = count[g]! + 1;
    actual[g] = actual[g]! + s.holdout[i]!;
    pred[g] = pred[g]! + predicted[i]!;
    totalActual += s.holdout[i]!;
    totalPredicted += predicted[i]!;
    abs += Math.abs(predicted[i]! - s.holdout[i]!);
  }
  const groups: HoldoutGroup[] = [];
  let groupAbs = 0;
  for (let g = 0; g < GROUPS; g++) {
    if (count[g] === 0) continue;
    const a = actual[g]! / count[g]!;
    const p = pred[g]! / count[g]!;
    groupAbs += Math.abs(p - a);
    groups.push({ x: g === GROUPS - 1 ? `${g}+` : String(g), customers: count[g]!, actual: a, predicted: p });
  }
  return {
    holdoutLength: s.holdoutLength,
    groups,
    totalActual,
    totalPredicted,
    meanAbsoluteError: s.ids.length === 0 ? 0 : abs / s.ids.length,
    groupMeanAbsoluteError: groups.length === 0 ? 0 : groupAbs / groups.length,
  };
}
