/**
 * Ranking metrics for a binary target: ROC AUC and average precision (PR AUC), matching
 * scikit-learn's roc_auc_score and average_precision_score (1.2) exactly, ties included.
 *
 * Both sweep the distinct scores from the highest down. Tied scores form one step of the curve, so
 * ROC AUC is the trapezoid area over those steps (equivalently the Mann-Whitney U with ties counted
 * as one half), and AP = Σ (R_k − R_{k−1}) · P_k over the same steps (no interpolation, as sklearn).
 * Our own code rather than a library: a sort and a sweep, and the npm options (ml.js) do not
 * document their tie handling.
 */

/** Indices sorted by score, highest first. */
function orderDesc(p: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(p.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => p[b]! - p[a]!);
  return idx;
}

/** Walks the distinct-score steps, calling `step(tp, fp)` with the cumulative counts after each step. */
function sweep(y: ArrayLike<number>, p: ArrayLike<number>, step: (tp: number, fp: number) => void): { pos: number; neg: number } {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
  const idx = orderDesc(p);
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (y[i]! === 1) tp++;
    else fp++;
    const next = idx[k + 1];
    if (next === undefined || p[next]! !== p[i]!) step(tp, fp);
  }
  return { pos: tp, neg: fp };
}

/** Area under the ROC curve; NaN when y holds only one class (sklearn raises). */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let area = 0;
  let lastTp = 0;
  let lastFp = 0;
  const { pos, neg } = sweep(y, p, (tp, fp) => {
    area += (fp - lastFp) * (tp + lastTp);
    lastTp = tp;
    lastFp = fp;
  });
  if (pos === 0 || neg === 0) return NaN;
  return area / (2 * pos * neg);
}

/** Average precision = Σ (R_k − R_{k−1}) · P_k over distinct thresholds; NaN without positives. */
export function averagePrecision(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const steps: number[] = [];
  const { pos } = sweep(y, p, (tp, fp) => steps.push(tp, fp));
  if (pos === 0) return NaN;
  let ap = 0;
  let lastRecall = 0;
  for (let k = 0; k < steps.length; k += 2) {
    const tp = steps[k]!;
    const fp = steps[k + 1]!;
    const recall = tp / pos;
    ap += (recall - lastRecall) * (tp / (tp + fp));
    lastRecall = recall;
  }
  return ap;
}
