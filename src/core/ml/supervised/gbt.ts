/**
 * Gradient-boosted trees (Friedman 2001) like scikit-learn's GradientBoostingClassifier /
 * GradientBoostingRegressor with their defaults (100 stages, learning rate 0.1, depth 3, all
 * features per split):
 * - regression: squared error; F₀ = mean(y); each stage fits a tree to the residuals y − F and
 *   adds learningRate × the leaf means;
 * - classification: log-loss; F₀ = log(p̄ / (1 − p̄)); each stage fits a regression tree to the
 *   residuals y − σ(F) and sets each leaf to one Newton step Σ(y − p) / Σ p(1 − p), as sklearn does.
 * subsample < 1 draws that fraction of rows without replacement per stage (stochastic boosting).
 * Importances: per stage the squared-error decrease (normalised by the stage's root weight),
 * summed over stages and normalised to 1, as sklearn's feature_importances_.
 *
 * Trees are the histogram trees of tree.ts on features binned once (binning.ts); sklearn's
 * GradientBoosting* search exact thresholds, so results differ slightly but not in quality (the
 * fixture test checks test ROC-AUC / r2 against sklearn's). Own implementation: no maintained npm
 * package does gradient boosting in pure JS, and the tree code is shared with the forest.
 */
import type { Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { binFeatures } from './binning.ts';
import { growTree, type GrownTree } from './tree.ts';
import { evalTree, packTrees, sumTrees, type TreeEnsemble } from './tree-ensemble.ts';
import type { Task } from './forest.ts';

export interface GbtOptions {
  task: Task;
  trees?: number;
  learningRate?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  subsample?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GbtModel extends TreeEnsemble {
  kind: 'gbt';
  task: Task;
  features: number;
  trees: number;
  learningRate: number;
  /** F₀: log-odds of the base rate, or the mean. */
  init: number;
  importances: number[];
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function trainGbt(x: Matrix, y: Float64Array, opts: GbtOptions): GbtModel {
  const n = x.rows;
  const d = x.cols;
  if (y.length !== n) throw new RangeError(`y has ${y.length} values, x has ${n} rows`);
  if (n === 0) throw new RangeError('no rows to train on');
  const total = opts.trees ?? 100;
  const lr = opts.learningRate ?? 0.1;
  const seed = opts.seed ?? 0;
  const subsample = opts.subsample ?? 1;
  const classification = opts.task === 'classification';
  const params = { maxDepth: opts.maxDepth ?? 3, minSamplesLeaf: opts.minSamplesLeaf ?? 1, minSamplesSplit: 2, maxFeatures: d };

  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  if (classification && (mean <= 0 || mean >= 1)) throw new RangeError('classification needs both classes in y');
  const init = classification ? Math.log(mean / (1 - mean)) : mean;

  const binned = binFeatures(x, 255, seed);
  const f = new Float64Array(n).fill(init);
  const g = new Float64Array(n);
  const h = classification ? new Float64Array(n) : null;
  const grown: GrownTree[] = [];
  const importances = new Float64Array(d);
  const all = new Int32Array(n);
  const m = Math.max(1, Math.min(n, Math.floor(subsample * n)));
  for (let t = 0; t < total; t++) {
    for (let i = 0; i < n; i++) {
      if (classification) {
        const p = sigmoid(f[i]!);
        g[i] = y[i]! - p;
        h![i] = p * (1 - p);
      } else g[i] = y[i]! - f[i]!;
    }
    const rng = rngFor(seed, 'gbt', t);
    for (let i = 0; i < n; i++) all[i] = i;
    if (m < n) {
      for (let i = 0; i < m; i++) {
        const j = i + Math.floor(rng.next() * (n - i));
        const tmp = all[i]!;
        all[i] = all[j]!;
        all[j] = tmp;
      }
    }
    const tree = growTree({ binned, g, w: null, h, rows: all.subarray(0, m), rng }, params);
    grown.push(tree);
    for (let k = 0; k < d; k++) importances[k]! += tree.importance[k]!;
    evalTree(tree, x, f, lr);
    opts.onProgress?.(t + 1, total);
  }
  let s = 0;
  for (let k = 0; k < d; k++) s += importances[k]!;
  return {
    kind: 'gbt',
    task: opts.task,
    features: d,
    trees: total,
    learningRate: lr,
    init,
    ...packTrees(grown, lr),
    importances: Array.from(importances, (v) => (s > 0 ? v / s : 0)),
  };
}

export function predictGbt(model: GbtModel, x: Matrix): Float64Array {
  if (x.cols !== model.features) throw new RangeError(`model has ${model.features} features, x has ${x.cols}`);
  const out = sumTrees(model, x); // leaf values were multiplied by the learning rate when packing
  for (let i = 0; i < out.length; i++) {
    const z = model.init + out[i]!;
    out[i] = model.task === 'classification' ? sigmoid(z) : z;
  }
  return out;
}
