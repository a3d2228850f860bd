/**
 * Seeded train/test splits and k-fold partitions of row indices, optionally stratified by a 0/1
 * (or any discrete) label so each part keeps the class balance — the role of scikit-learn's
 * train_test_split(stratify=) and (Stratified)KFold(shuffle=True). The permutations come from the
 * project PRNG (src/core/prng.ts), so a seed gives the same split on every machine; they are not
 * sklearn's permutations (numpy's RNG), only the same kind of split.
 *
 * Holdout: per class (or overall), shuffle, and the first round(n_c × testFraction) rows go to test.
 * k-fold: per class, shuffle and deal rows round-robin to the folds, continuing the deal across
 * classes, so fold sizes differ by at most one and each class is spread evenly. Index arrays are
 * returned sorted. Own code: a shuffle and a deal.
 */
import { rngFor, type Rng } from '../../prng.ts';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Row indices grouped by label (one group when not stratified), in label order. */
function groups(n: number, stratify: Float64Array | undefined): number[][] {
  if (!stratify) return [Array.from({ length: n }, (_, i) => i)];
  if (stratify.length !== n) throw new RangeError(`stratify has ${stratify.length} values, not ${n}`);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byLabel.get(stratify[i]!) ?? [];
    list.push(i);
    byLabel.set(stratify[i]!, list);
  }
  return [...byLabel.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();

export function holdoutSplit(n: number, opts: { testFraction?: number; seed?: number; stratify?: Float64Array } = {}): Split {
  const frac = opts.testFraction ?? 0.2;
  if (!(frac > 0 && frac < 1)) throw new RangeError(`testFraction must be in (0, 1), not ${frac}`);
  const rng = rngFor(opts.seed ?? 0, 'holdout');
  const train: number[] = [];
  const test: number[] = [];
  for (const g of groups(n, opts.stratify)) {
    shuffle(g, rng);
    const cut = Math.round(g.length * frac);
    test.push(...g.slice(0, cut));
    train.push(...g.slice(cut));
  }
  return { train: sorted(train), test: sorted(test) };
}

export function kFold(n: number, k: number, opts: { seed?: number; stratify?: Float64Array } = {}): Split[] {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`k must be an integer in 2..${n}, not ${k}`);
  const rng = rngFor(opts.seed ?? 0, 'kfold');
  const fold = new Int32Array(n);
  let next = 0;
  for (const g of groups(n, opts.stratify)) {
    shuffle(g, rng);
    for (const i of g) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
