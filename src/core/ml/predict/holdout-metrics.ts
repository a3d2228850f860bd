import { averagePrecision, brierScore, calibrationTable, confusion, logLoss, mae, r2, rmse, rocAuc, type CalibrationBin, type Confusion } from '../metrics/index.ts';
import type { Task } from '../supervised/model.ts';

export interface ClassificationMetrics {
  task: 'classification';
  n: number;
  positives: number;
  baseRate: number;
  rocAuc: number;
  prAuc: number;
  logLoss: number;
  brier: number;
  confusion: Confusion;
  calibration: CalibrationBin[];
}

export interface RegressionMetrics { task: 'regression'; n: number; rmse: number; mae: number; r2: number; meanActual: number; meanPredicted: number }

export type HoldoutMetrics = ClassificationMetrics | RegressionMetrics;

const mean = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return v.length ? s / v.length : NaN;
};

/** Every holdout figure the registry keeps, for predictions `p` of labels `y`. */
export function holdoutMetrics(task: Task, y: Float64Array, p: Float64Array, threshold: number): HoldoutMetrics {
  if (task === 'regression') {
    return { task, n: y.length, rmse: rmse(y, p), mae: mae(y, p), r2: r2(y, p), meanActual: mean(y), meanPredicted: mean(p) };
  }
  const positives = y.reduce((a, b) => a + b, 0);
  const both = positives > 0 && positives < y.length;
  return {
    task, n: y.length, positives, baseRate: positives / y.length,
    // ROC-AUC and PR-AUC are undefined with one class in the holdout: NaN, shown as such.
    rocAuc: both ? rocAuc(y, p) : NaN, prAuc: both ? averagePrecision(y, p) : NaN,
    logLoss: logLoss(y, p), brier: brierScore(y, p), confusion: confusion(y, p, threshold), calibration: calibrationTable(y, p),
  };
}

/** The metric CV and permutation importance use: ROC-AUC for classification, R² for regression (both: higher is better). */
export const primaryMetric = (task: Task): ((y: ArrayLike<number>, p: ArrayLike<number>) => number) => (task === 'classification' ? rocAuc : r2);
export const primaryMetricName = (task: Task): string => (task === 'classification' ? 'roc_auc' : 'r2');
