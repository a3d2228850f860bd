/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): the drop in a
 * metric when one column is shuffled, breaking its link with the target while keeping its
 * distribution. Each column is shuffled `repeats` times with independent seeded streams; mean and
 * sd (population sd, ddof = 0, as sklearn's importances_std) of the drops are returned. For a loss
 * (higherIsBetter false) the drop is score − baseline, so larger is still more important.
 * Works for every model kind through predict(). Own code: a loop around predict().
 */
import type { Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { predict, type SupervisedModel } from '../supervised/model.ts';
import type { Metric } from './cross-validate.ts';

export function permutationImportance(
  model: SupervisedModel,
  x: Matrix,
  y: Float64Array,
  metric: Metric,
  opts: { repeats?: number; seed?: number; higherIsBetter?: boolean } = {},
): { mean: Float64Array; sd: Float64Array } {
  const repeats = opts.repeats ?? 5;
  const higher = opts.higherIsBetter ?? true;
  const { rows: n, cols: d } = x;
  const baseline = metric(y, predict(model, x));
  const work: Matrix = { rows: n, cols: d, data: x.data.slice() };
  const column = new Float64Array(n);
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x.data[i * d + j]!;
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const rng = rngFor(opts.seed ?? 0, 'permutation', j, r);
      const shuffled = column.slice();
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(rng.next() * (i + 1));
        const t = shuffled[i]!;
        shuffled[i] = shuffled[k]!;
        shuffled[k] = t;
      }
      for (let i = 0; i < n; i++) work.data[i * d + j] = shuffled[i]!;
      const score = metric(y, predict(model, work));
      drops.push(higher ? baseline - score : score - baseline);
    }
    for (let i = 0; i < n; i++) work.data[i * d + j] = column[i]!; // restore before the next column
    const m = drops.reduce((a, b) => a + b, 0) / repeats;
    mean[j] = m;
    sd[j] = Math.sqrt(drops.reduce((a, b) => a + (b - m) ** 2, 0) / repeats);
  }
  return { mean, sd };
}
