/**
 * k-fold cross-validation: for each fold, train on the training rows only, predict the held-out
 * rows, score them. Whatever the trainer does (binning, scaling, feature selection) sees only the
 * training rows, so there is no leakage from the test fold. sd is the sample standard deviation
 * (n − 1) of the fold scores. Own code: a loop.
 */
import { takeRows, type Matrix } from '../matrix.ts';
import { predict, type SupervisedModel } from '../supervised/model.ts';
import type { Split } from './split.ts';

export type Metric = (y: Float64Array, p: Float64Array) => number;

export interface CrossValidation {
  scores: number[];
  mean: number;
  sd: number;
}

function pick(y: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

export function crossValidate(
  train: (x: Matrix, y: Float64Array) => SupervisedModel,
  x: Matrix,
  y: Float64Array,
  folds: readonly Split[],
  metric: Metric,
): CrossValidation {
  const scores = folds.map((fold) => {
    const model = train(takeRows(x, fold.train), pick(y, fold.train));
    return metric(pick(y, fold.test), predict(model, takeRows(x, fold.test)));
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = scores.length > 1 ? Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (scores.length - 1)) : 0;
  return { scores, mean, sd };
}
