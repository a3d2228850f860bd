import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { binFeatures } from './binning.ts';
import { fromJson, impurityImportances, predict, toJson, trainModel } from './model.ts';

function dataset(n: number, seed: number): { x: ReturnType<typeof matrix>; y: Float64Array; yr: Float64Array } {
  const rng = rngFor(seed, 'supervised-test');
  const x = matrix(n, 4);
  const y = new Float64Array(n);
  const yr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = rng.normal();
    const z = 2 * x.data[i * 4]! - x.data[i * 4 + 1]!;
    y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    yr[i] = z + 0.1 * rng.normal();
  }
  return { x, y, yr };
}

describe('binning', () => {
  it('uses midpoints between distinct values when there are few, and codes agree with x <= edge', () => {
    const x = fromRows([[1], [2], [2], [4], [Number.NaN]]);
    const b = binFeatures(x);
    expect(Array.from(b.edges[0]!)).toEqual([1.5, 3]);
    expect(Array.from(b.codes)).toEqual([0, 1, 1, 2, 2]); // NaN in the last bin (goes right)
  });
  it('caps a continuous column at 255 bins', () => {
    const x = matrix(10000, 1, Float64Array.from({ length: 10000 }, (_, i) => Math.sin(i) * 1000));
    const b = binFeatures(x);
    expect(b.edges[0]!.length).toBeLessThanOrEqual(254);
    expect(b.edges[0]!.length).toBeGreaterThan(200);
  });
});

describe('trees', () => {
  it('a single unpruned tree without bootstrap fits separable data exactly', () => {
    const x = fromRows([[0], [1], [2], [3], [4], [5]]);
    const y = Float64Array.from([0, 0, 1, 1, 0, 0]);
    const m = trainModel('forest', 'classification', x, y, { trees: 1, bootstrap: false, maxFeatures: 'all' });
    expect(Array.from(predict(m, x))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(predict(m, fromRows([[1.4], [1.6], [3.6]])))).toEqual([0, 1, 0]);
  });
  it('maxDepth and minSamplesLeaf limit the tree', () => {
    const { x, y } = dataset(500, 1);
    const stump = trainModel('forest', 'classification', x, y, { trees: 1, bootstrap: false, maxDepth: 1, maxFeatures: 'all' });
    expect(stump.kind === 'forest' && stump.feature.length).toBe(3);
    const coarse = trainModel('forest', 'classification', x, y, { trees: 1, bootstrap: false, minSamplesLeaf: 100, maxFeatures: 'all' });
    expect(new Set(predict(coarse, x)).size).toBeLessThanOrEqual(5);
  });
  it('forests are reproducible for a seed and report progress', () => {
    const { x, y } = dataset(300, 2);
    const calls: number[] = [];
    const a = trainModel('forest', 'classification', x, y, { trees: 5, seed: 7, onProgress: (d) => calls.push(d) });
    const b = trainModel('forest', 'classification', x, y, { trees: 5, seed: 7 });
    const c = trainModel('forest', 'classification', x, y, { trees: 5, seed: 8 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(predict(a, x)).toEqual(predict(b, x));
    expect(predict(a, x)).not.toEqual(predict(c, x));
  });
  it('impurity importances sum to 1 and favour the informative columns', () => {
    const { x, y, yr } = dataset(2000, 3);
    for (const m of [
      trainModel('forest', 'classification', x, y, { trees: 20 }),
      trainModel('gbt', 'regression', x, yr, { trees: 50 }),
    ]) {
      const imp = impurityImportances(m)!;
      expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.min(imp[0]!, imp[1]!)).toBeGreaterThan(Math.max(imp[2]!, imp[3]!));
    }
    expect(impurityImportances(trainModel('logistic', 'classification', x, y))).toBeNull();
  });
});

describe('every kind survives a JSON round trip with identical predictions', () => {
  const { x, y, yr } = dataset(400, 4);
  const models = [
    trainModel('logistic', 'classification', x, y, { c: 0.5 }),
    trainModel('ridge', 'regression', x, yr, { alpha: 2 }),
    trainModel('forest', 'classification', x, y, { trees: 10 }),
    trainModel('forest', 'regression', x, yr, { trees: 10 }),
    trainModel('gbt', 'classification', x, y, { trees: 20, subsample: 0.8 }),
    trainModel('gbt', 'regression', x, yr, { trees: 20 }),
  ];
  for (const m of models) {
    it(`${m.kind} / ${m.task}`, () => {
      const back = fromJson(JSON.parse(JSON.stringify(toJson(m))));
      expect(predict(back, x)).toEqual(predict(m, x));
      const p = predict(m, x);
      if (m.task === 'classification') expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    });
  }
  it('rejects a malformed model and a task the kind does not serve', () => {
    expect(() => fromJson({ kind: 'forest' })).toThrow(TypeError);
    expect(() => trainModel('logistic', 'regression', x, yr)).toThrow(RangeError);
  });
});
