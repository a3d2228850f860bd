/**
 * Proper scoring rules for predicted probabilities: log-loss and the Brier score, matching
 * scikit-learn 1.2's log_loss and brier_score_loss.
 *
 * log_loss in sklearn 1.2.1 (the version the reference fixture was made with) clips p to
 * [eps, 1 − eps] with eps = "auto" = machine epsilon of float64 (2.22e-16); earlier versions used
 * 1e-15. `eps` is an option so either can be reproduced. Own code: two one-line sums.
 */

export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>, eps = 2.220446049250313e-16): number {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i]!, eps), 1 - eps);
    sum -= y[i]! === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Mean squared difference between the 0/1 outcome and the predicted probability. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - p[i]!) ** 2;
  return sum / y.length;
}
