/**
 * The forest's leaf size chosen by cross-validation within the training rows (minSamplesLeaf
 * 'auto', the default of `tailor predict train --algo forest`).
 *
 * Why: scikit-learn's default forest grows leaves of one row, and on noisy targets such as churn
 * its probabilities pile up at exactly 0 and 1 (log-loss 0.605 against 0.42 on IBM's Telco file,
 * issue 18 part 5). But no single leaf size suits every data set; measured with 100 trees on
 * stratified 80/20 splits (three seeds; bench/reference/churn_reference.py for scikit-learn):
 *
 *   leaf             1       5       20      80
 *   Online Retail  0.665   0.596   0.576   0.573   (holdout log-loss; 2,700 training rows)
 *   CDNOW          0.936   0.499   0.471   0.465   (18,900 training rows)
 *   synthetic      0.244   0.258   0.288   0.358   (make_classification, supervised-reference.json)
 *
 * so the size is chosen per training set: 3-fold CV log-loss (squared error for regression) over
 * LEAF_GRID, with smaller forests (SEARCH_TREES) on at most SEARCH_ROWS rows (leaf sizes scaled to
 * the sample), ties to the smaller leaf. The winner is then trained on all rows with every tree.
 * Own code: a loop over our forest and our k-fold split.
 */
import { takeRows, type Matrix } from '../matrix.ts';
import { logLoss } from '../metrics/index.ts';
import { rngFor } from '../../prng.ts';
import { kFold } from '../validation/split.ts';
import { predictForest, trainForest, type ForestModel, type ForestOptions } from './forest.ts';

export const LEAF_GRID = [1, 5, 20, 80] as const;
export const SEARCH_TREES = 30;
export const SEARCH_ROWS = 20_000;
const FOLDS = 3;

export interface LeafChoice {
  minSamplesLeaf: number;
  /** Mean CV loss per candidate (log-loss, or mean squared error for regression); the chosen one is lowest. */
  candidates: { minSamplesLeaf: number; loss: number }[];
  folds: number;
  rows: number;
  trees: number;
}

export type AutoForestOptions = Omit<ForestOptions, 'minSamplesLeaf'> & { minSamplesLeaf?: number | 'auto' };

const mse = (y: Float64Array, p: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - p[i]!) ** 2;
  return s / y.length;
};

/** Seeded sample of m of n row indices, sorted (a partial Fisher–Yates shuffle). */
function sample(n: number, m: number, seed: number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const rng = rngFor(seed, 'forest-leaf-sample');
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, m).sort();
}

export function chooseForestLeaf(x: Matrix, y: Float64Array, opts: Omit<ForestOptions, 'minSamplesLeaf'>): LeafChoice {
  const seed = opts.seed ?? 0;
  const n = x.rows;
  const idx = n > SEARCH_ROWS ? sample(n, SEARCH_ROWS, seed) : null;
  const xs = idx ? takeRows(x, idx) : x;
  const ys = idx ? Float64Array.from(idx, (i) => y[i]!) : y;
  const m = xs.rows;
  const trees = Math.min(opts.trees ?? 100, SEARCH_TREES);
  if (m < 2 * FOLDS) return { minSamplesLeaf: 1, candidates: [], folds: 0, rows: m, trees };
  const classification = opts.task === 'classification';
  const { onProgress: _progress, ...search } = opts;
  const splits = kFold(m, FOLDS, { seed, ...(classification ? { stratify: ys } : {}) });
  const candidates: LeafChoice['candidates'] = [];
  for (const leaf of LEAF_GRID) {
    const scaled = Math.max(1, Math.round((leaf * m) / n));
    // A leaf that a fold's training rows cannot fill twice cannot split at all: not a candidate.
    if (2 * scaled > Math.min(...splits.map((s) => s.train.length))) continue;
    let loss = 0;
    for (const s of splits) {
      const model = trainForest(takeRows(xs, s.train), Float64Array.from(s.train, (i) => ys[i]!), { ...search, trees, minSamplesLeaf: scaled });
      const p = predictForest(model, takeRows(xs, s.test));
      const yt = Float64Array.from(s.test, (i) => ys[i]!);
      loss += (classification ? logLoss(yt, p) : mse(yt, p)) * s.test.length;
    }
    candidates.push({ minSamplesLeaf: leaf, loss: loss / m });
  }
  const best = candidates.reduce((a, b) => (b.loss < a.loss ? b : a), candidates[0] ?? { minSamplesLeaf: 1, loss: NaN });
  return { minSamplesLeaf: best.minSamplesLeaf, candidates, folds: FOLDS, rows: m, trees };
}

/** trainForest, with minSamplesLeaf 'auto' resolved by chooseForestLeaf (the choice is kept on the model). */
export function trainForestAuto(x: Matrix, y: Float64Array, opts: AutoForestOptions): ForestModel & { leafChoice?: LeafChoice } {
  const { minSamplesLeaf: leaf, ...rest } = opts;
  if (leaf !== 'auto') return trainForest(x, y, { ...rest, ...(leaf !== undefined ? { minSamplesLeaf: leaf } : {}) });
  const leafChoice = chooseForestLeaf(x, y, rest);
  return { ...trainForest(x, y, { ...rest, minSamplesLeaf: leafChoice.minSamplesLeaf }), leafChoice };
}
