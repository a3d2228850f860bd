import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../matrix.ts';
import { rngFor, type Rng } from '../../prng.ts';
import { predictForest } from './forest.ts';
import { predictGbt } from './gbt.ts';
import { fromJson, toJson, trainModel } from './model.ts';
import { sumTrees, type TreeEnsemble } from './tree-ensemble.ts';

/** The plain definition: walk each tree from its root comparing doubles, add leaf values in tree order. */
function referenceSum(e: TreeEnsemble, x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (const root of e.roots) {
      let k = root;
      while (e.feature[k]! >= 0) k = x.data[i * x.cols + e.feature[k]!]! <= e.value[k]! ? e.left[k]! : e.left[k]! + 1;
      s += e.value[k]!;
    }
    out[i] = s;
  }
  return out;
}

function randomData(rng: Rng, n: number, d: number, nanRate: number, distinct: number): Matrix {
  const x = matrix(n, d);
  for (let i = 0; i < n * d; i++) {
    if (rng.next() < nanRate) x.data[i] = Number.NaN;
    // Some columns coarse (ties, values equal to thresholds' neighbours), some continuous.
    else x.data[i] = i % d < 2 ? Math.floor(rng.next() * distinct) : rng.normal() * 3;
  }
  return x;
}

function labels(rng: Rng, x: Matrix): { y: Float64Array; yr: Float64Array } {
  const y = new Float64Array(x.rows);
  const yr = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const a = x.data[i * x.cols]!;
    const b = x.data[i * x.cols + 2]!;
    const z = (Number.isNaN(a) ? 0 : a / 3) + (Number.isNaN(b) ? 1 : b) + rng.normal();
    yr[i] = z;
    y[i] = z > 1 ? 1 : 0;
  }
  return { y, yr };
}

function expectSame(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) mismatches++;
  expect(mismatches).toBe(0);
}

/** A JSON round trip, as the model registry does: the arrays come back as plain number[]. */
const roundTrip = <T>(m: T): T => JSON.parse(JSON.stringify(m)) as T;

describe('sumTrees matches a plain traversal bit for bit', () => {
  for (const seed of [1, 2, 3]) {
    it(`random forests and GBTs, seed ${seed} (with NaN, ties, both tasks, odd row counts)`, () => {
      const rng = rngFor(seed, 'tree-ensemble-test');
      const d = 3 + seed * 2;
      const xtr = randomData(rng, 1500 + seed * 37, d, 0.03, 7);
      const { y, yr } = labels(rng, xtr);
      // 4,099 rows: one full 4,096-row block plus a tail that is not a multiple of the 4-row groups.
      const xte = randomData(rng, 4099, d, 0.05, 9);
      const models = [
        trainModel('forest', 'classification', xtr, y, { trees: 12, seed }),
        trainModel('forest', 'regression', xtr, yr, { trees: 8, seed, maxDepth: 6 + seed }),
        trainModel('gbt', 'classification', xtr, y, { trees: 30, seed }),
        trainModel('gbt', 'regression', xtr, yr, { trees: 25, seed, maxDepth: 5, subsample: 0.7 }),
      ];
      for (const trained of models) {
        const m = roundTrip(trained);
        if (m.kind !== 'forest' && m.kind !== 'gbt') throw new Error('expected a tree model');
        expectSame(sumTrees(m, xte), referenceSum(m, xte));
        // The full predict path on a model restored from JSON equals the one on the trained model.
        const restored = fromJson(toJson(trained));
        if (restored.kind === 'forest' && trained.kind === 'forest') expectSame(predictForest(restored, xte), predictForest(trained, xte));
        if (restored.kind === 'gbt' && trained.kind === 'gbt') expectSame(predictGbt(restored, xte), predictGbt(trained, xte));
      }
    });
  }

  it('hand-built ensembles: > 254 thresholds on one feature (16-bit codes), single-leaf trees, unordered nodes', () => {
    const rng = rngFor(7, 'tree-ensemble-hand');
    // Tree 0: a chain of 600 splits on feature 1, each "x1 <= t_i" going left to a leaf, right onward.
    const feature: number[] = [];
    const value: number[] = [];
    const left: number[] = [];
    const roots: number[] = [0];
    for (let i = 0; i < 600; i++) {
      const k = feature.length; // this split node; its children are appended after it
      feature.push(1);
      value.push(i - 300 + 0.5);
      left.push(k + 1);
      feature.push(-1, -1);
      value.push(rng.normal(), Number.NaN);
      left.push(-1, -1);
      if (i === 599) value[k + 2] = rng.normal();
      else {
        // Turn the right child (k + 2) into the next split: drop the placeholder, as the next pushes follow.
        feature.pop();
        value.pop();
        left.pop();
      }
    }
    // Tree 1: a single leaf. Tree 2: children stored before their parent.
    roots.push(feature.length);
    feature.push(-1);
    value.push(0.25);
    left.push(-1);
    const base = feature.length;
    feature.push(-1, -1, 0);
    value.push(-1.5, 2.5, 0.125);
    left.push(-1, -1, base);
    roots.push(base + 2);
    const e: TreeEnsemble = { feature, value, left, roots };

    const x = matrix(1000, 2);
    for (let i = 0; i < 1000; i++) {
      x.data[2 * i] = i % 50 === 0 ? Number.NaN : rng.normal() / 4;
      x.data[2 * i + 1] = i % 37 === 0 ? Number.NaN : i % 3 === 0 ? Math.round(rng.normal() * 200) + 0.5 : rng.normal() * 400;
    }
    const want = referenceSum(e, x);
    expectSame(sumTrees(e, x), want);
    expectSame(sumTrees(roundTrip(e), x), want);
  });

  it('rejects x with too few columns and handles zero rows', () => {
    const e: TreeEnsemble = { feature: [3, -1, -1], value: [0, 1, 2], left: [1, -1, -1], roots: [0] };
    expect(() => sumTrees(e, matrix(2, 3))).toThrow(RangeError);
    expect(sumTrees(e, matrix(0, 4)).length).toBe(0);
  });
});
