/**
 * Random forest (Breiman 2001) for a 0/1 or numeric target, behaving like scikit-learn's
 * RandomForestClassifier / RandomForestRegressor: each tree is grown to full depth (unless maxDepth)
 * on a bootstrap sample (as row weights = draw counts), with maxFeatures random features per split
 * ('sqrt' for classification, all for regression: sklearn's defaults), leaves predict the class-1
 * proportion / mean, and the forest averages its trees (sklearn's predict_proba averages too).
 * Importances are sklearn's feature_importances_: per tree the impurity decrease normalised to
 * sum 1, averaged over trees, normalised again.
 *
 * Features are binned once per forest into ≤ 255 quantile bins (binning.ts), and trees search only
 * those edges: that is what makes 100 trees on 100k × 20 train in the time budget (measured 55 s
 * on a loaded 2-core machine vs sklearn's 236 s; bench/lib/forest-bench.ts). Own implementation
 * because the npm alternative, ml-random-forest, sorts per node and feature and did not finish
 * 20 trees on 20k × 20 in > 370 s (numbers in forest-bench.ts's header); and models must be plain JSON.
 *
 * maxFeatures as a number: ≥ 1 is a count of features, in (0, 1) a fraction of them (floor, ≥ 1).
 */
import type { Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { binFeatures } from './binning.ts';
import { growTree, type GrownTree } from './tree.ts';
import { packTrees, sumTrees, type TreeEnsemble } from './tree-ensemble.ts';

export type Task = 'classification' | 'regression';

export interface ForestOptions {
  task: Task;
  trees?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  minSamplesSplit?: number;
  maxFeatures?: 'sqrt' | 'all' | number;
  bootstrap?: boolean;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ForestModel extends TreeEnsemble {
  kind: 'forest';
  task: Task;
  features: number;
  trees: number;
  importances: number[];
}

export function resolveMaxFeatures(m: ForestOptions['maxFeatures'], task: Task, d: number): number {
  const spec = m ?? (task === 'classification' ? 'sqrt' : 'all');
  if (spec === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (spec === 'all') return d;
  if (!(spec > 0)) throw new RangeError(`maxFeatures must be > 0, not ${spec}`);
  return spec >= 1 ? Math.min(d, Math.floor(spec)) : Math.max(1, Math.floor(spec * d));
}

export function trainForest(x: Matrix, y: Float64Array, opts: ForestOptions): ForestModel {
  const n = x.rows;
  const d = x.cols;
  if (y.length !== n) throw new RangeError(`y has ${y.length} values, x has ${n} rows`);
  if (n === 0) throw new RangeError('no rows to train on');
  const total = opts.trees ?? 100;
  const seed = opts.seed ?? 0;
  const bootstrap = opts.bootstrap ?? true;
  const params = {
    maxDepth: opts.maxDepth ?? Infinity,
    minSamplesLeaf: opts.minSamplesLeaf ?? 1,
    minSamplesSplit: opts.minSamplesSplit ?? 2,
    maxFeatures: resolveMaxFeatures(opts.maxFeatures, opts.task, d),
  };
  const binned = binFeatures(x, 255, seed);
  const grown: GrownTree[] = [];
  const importances = new Float64Array(d);
  const weights = new Float64Array(n);
  for (let t = 0; t < total; t++) {
    const rng = rngFor(seed, 'forest', t);
    let rows: Int32Array;
    if (bootstrap) {
      weights.fill(0);
      for (let k = 0; k < n; k++) weights[Math.floor(rng.next() * n)]!++;
      let m = 0;
      for (let i = 0; i < n; i++) if (weights[i]! > 0) m++;
      rows = new Int32Array(m);
      m = 0;
      for (let i = 0; i < n; i++) if (weights[i]! > 0) rows[m++] = i;
    } else {
      rows = new Int32Array(n);
      for (let i = 0; i < n; i++) rows[i] = i;
    }
    const tree = growTree({ binned, g: y, w: bootstrap ? weights : null, h: null, rows, rng }, params);
    grown.push(tree);
    let s = 0;
    for (let f = 0; f < d; f++) s += tree.importance[f]!;
    if (s > 0) for (let f = 0; f < d; f++) importances[f]! += tree.importance[f]! / s;
    opts.onProgress?.(t + 1, total);
  }
  let s = 0;
  for (let f = 0; f < d; f++) s += importances[f]!;
  return {
    kind: 'forest',
    task: opts.task,
    features: d,
    trees: total,
    ...packTrees(grown, 1 / total),
    importances: Array.from(importances, (v) => (s > 0 ? v / s : 0)),
  };
}

export function predictForest(model: ForestModel, x: Matrix): Float64Array {
  if (x.cols !== model.features) throw new RangeError(`model has ${model.features} features, x has ${x.cols}`);
  const out = sumTrees(model, x); // leaf values were divided by the tree count when packing
  // Summing 1/T-scaled leaves can overshoot [0, 1] by an ulp; probabilities must stay inside it.
  if (model.task === 'classification') for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
}
