/**
 * The confusion matrix at one threshold and the ratios derived from it, matching scikit-learn's
 * confusion_matrix / precision_score / recall_score / f1_score on the labels (p >= threshold).
 * A score equal to the threshold counts as positive (as in precision_recall_curve's thresholds).
 * Undefined ratios (no predicted positives, no positives) are 0, like sklearn's zero_division
 * default apart from its warning. Own code: counting.
 */

export interface Confusion {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

export function confusion(y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): Confusion {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const predicted = p[i]! >= threshold;
    if (y[i]! === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
  return { threshold, tp, fp, tn, fn, precision, recall, f1, accuracy: y.length > 0 ? (tp + tn) / y.length : NaN };
}
