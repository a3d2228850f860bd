/**
 * Regression metrics matching scikit-learn: root mean squared error, mean absolute error and
 * r2_score (1 − SS_res/SS_tot; when SS_tot = 0, 1 for a perfect fit and 0 otherwise, as sklearn 1.2).
 * Own code: three sums.
 */

function check(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) throw new RangeError(`y has ${y.length} values, p has ${p.length}`);
}

export function rmse(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - p[i]!) ** 2;
  return Math.sqrt(s / y.length);
}

export function mae(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - p[i]!);
  return s / y.length;
}

export function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i]! - p[i]!) ** 2;
    tot += (y[i]! - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}
