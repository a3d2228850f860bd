/**
 * One entry point over the supervised model kinds: a discriminated union of plain-JSON models
 * (they can be stored in the model registry and posted to a worker as they are), a predict that
 * returns the class-1 probability (classification) or the value (regression), and a trainer that
 * dispatches on kind and task. logistic is the linear model for classification, ridge for
 * regression; forest and gbt serve both tasks.
 */
import type { Matrix } from '../matrix.ts';
import { predictForest, type ForestModel, type ForestOptions, type Task } from './forest.ts';
import { trainForestAuto } from './forest-leaf.ts';
import { predictGbt, trainGbt, type GbtModel, type GbtOptions } from './gbt.ts';
import { predictLogistic, trainLogistic, type LogisticModel, type LogisticOptions } from './logistic.ts';
import { predictRidge, trainRidge, type RidgeModel, type RidgeOptions } from './ridge.ts';

export type { Task } from './forest.ts';
export type SupervisedModel = LogisticModel | RidgeModel | ForestModel | GbtModel;
export type ModelKind = SupervisedModel['kind'];

/**
 * Every kind's options, task excluded; each trainer reads only its own. minSamplesLeaf 'auto' is
 * the forest's leaf size chosen by cross-validation (forest-leaf.ts); boosting ignores 'auto'.
 */
export type TrainParams = LogisticOptions & RidgeOptions & Omit<ForestOptions, 'task' | 'minSamplesLeaf'> & Omit<GbtOptions, 'task' | 'minSamplesLeaf'>
  & { minSamplesLeaf?: number | 'auto' };

export function predict(model: SupervisedModel, x: Matrix): Float64Array {
  switch (model.kind) {
    case 'logistic':
      return predictLogistic(model, x);
    case 'ridge':
      return predictRidge(model, x);
    case 'forest':
      return predictForest(model, x);
    case 'gbt':
      return predictGbt(model, x);
  }
}

/** Normalised impurity importances (sum 1) for tree models; null for the linear ones. */
export function impurityImportances(model: SupervisedModel): Float64Array | null {
  return model.kind === 'forest' || model.kind === 'gbt' ? Float64Array.from(model.importances) : null;
}

export function trainModel(kind: ModelKind, task: Task, x: Matrix, y: Float64Array, params: TrainParams = {}): SupervisedModel {
  switch (kind) {
    case 'logistic':
      if (task !== 'classification') throw new RangeError('logistic is for classification; use ridge for regression');
      return trainLogistic(x, y, params);
    case 'ridge':
      if (task !== 'regression') throw new RangeError('ridge is for regression; use logistic for classification');
      return trainRidge(x, y, params);
    case 'forest':
      return trainForestAuto(x, y, { ...params, task });
    case 'gbt': {
      const { minSamplesLeaf, ...rest } = params;
      return trainGbt(x, y, { ...rest, task, ...(typeof minSamplesLeaf === 'number' ? { minSamplesLeaf } : {}) });
    }
  }
}

/** The models are plain JSON already; these validate the shape on the way back in. */
export function toJson(model: SupervisedModel): unknown {
  return JSON.parse(JSON.stringify(model)) as unknown;
}

export function fromJson(v: unknown): SupervisedModel {
  const m = v as Partial<SupervisedModel> | null;
  if (!m || typeof m !== 'object') throw new TypeError('model JSON must be an object');
  if (m.kind === 'logistic' || m.kind === 'ridge') {
    if (!Array.isArray(m.coefficients) || typeof m.intercept !== 'number') throw new TypeError(`${m.kind} model lacks coefficients/intercept`);
  } else if (m.kind === 'forest' || m.kind === 'gbt') {
    if (![m.feature, m.value, m.left, m.roots, m.importances].every(Array.isArray)) throw new TypeError(`${m.kind} model lacks its tree arrays`);
  } else throw new TypeError(`unknown model kind ${String(m.kind)}`);
  return m as SupervisedModel;
}
