/**
 * Holm–Bonferroni adjusted p-values (as statsmodels' multipletests(method='holm')): sorted
 * ascending, the i-th (0-based) of m is multiplied by m − i, made non-decreasing, capped at 1.
 * An adjusted p below α rejects with the family-wise error rate held at α.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
