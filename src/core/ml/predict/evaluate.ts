import type { Matrix } from '../matrix.ts';
import { impurityImportances, predict, trainModel, type ModelKind, type Task, type TrainParams } from '../supervised/model.ts';
import { crossValidate, kFold, permutationImportance } from '../validation/index.ts';
import { holdoutMetrics, primaryMetric, primaryMetricName, type HoldoutMetrics } from './holdout-metrics.ts';

export interface Labelled { x: Matrix; y: Float64Array }

export interface EvaluateJob {
  kind: ModelKind;
  task: Task;
  params: TrainParams;
  train: Labelled;
  test: Labelled;
  featureNames: string[];
  folds: number;
  seed: number;
  threshold: number;
  permutationRepeats: number;
}

export interface Importance { feature: string; permutation: number; permutationSd: number; impurity: number | null }

export interface Evaluation {
  holdout: HoldoutMetrics;
  cv: { folds: number; metric: string; scores: number[]; mean: number; sd: number };
  importances: Importance[];
}

/**
 * Trains on `train` and measures on `test` (which the model never saw), k-fold CV on `train`, and
 * feature importances: permutation on the holdout (the drop in ROC-AUC or R² when a column is
 * shuffled) and, for trees, impurity.
 */
export function evaluate(job: EvaluateJob): Evaluation {
  const metric = primaryMetric(job.task);
  const train = (x: Matrix, y: Float64Array) => trainModel(job.kind, job.task, x, y, { ...job.params, seed: job.seed });
  const stratify = job.task === 'classification' ? { stratify: job.train.y } : {};
  const cv = job.folds >= 2
    ? crossValidate(train, job.train.x, job.train.y, kFold(job.train.y.length, job.folds, { seed: job.seed, ...stratify }), metric)
    : { scores: [], mean: NaN, sd: NaN };
  const model = train(job.train.x, job.train.y);
  const p = predict(model, job.test.x);
  const perm = permutationImportance(model, job.test.x, job.test.y, metric, { repeats: job.permutationRepeats, seed: job.seed, higherIsBetter: true });
  const impurity = impurityImportances(model);
  return {
    holdout: holdoutMetrics(job.task, job.test.y, p, job.threshold),
    cv: { folds: cv.scores.length, metric: primaryMetricName(job.task), ...cv },
    importances: job.featureNames.map((feature, j) => ({
      feature, permutation: perm.mean[j]!, permutationSd: perm.sd[j]!, impurity: impurity ? impurity[j]! : null,
    })).sort((a, b) => b.permutation - a.permutation),
  };
}
