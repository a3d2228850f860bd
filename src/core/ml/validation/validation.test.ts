import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { rocAuc } from '../metrics/ranking.ts';
import { trainModel, type SupervisedModel } from '../supervised/model.ts';
import { crossValidate, holdoutSplit, kFold } from './index.ts';

const labels = (n: number, rate: number): Float64Array => {
  const rng = rngFor(9, 'labels');
  return Float64Array.from({ length: n }, () => (rng.next() < rate ? 1 : 0));
};

describe('splits', () => {
  it('holdout: disjoint, covering, seeded, stratified', () => {
    const y = labels(1000, 0.1);
    const s = holdoutSplit(1000, { seed: 4, stratify: y });
    expect(s.train.length + s.test.length).toBe(1000);
    expect(new Set([...s.train, ...s.test]).size).toBe(1000);
    expect(s.test.length).toBeCloseTo(200, -1);
    const rate = (idx: Int32Array): number => idx.reduce((a, i) => a + y[i]!, 0) / idx.length;
    expect(Math.abs(rate(s.test) - rate(s.train))).toBeLessThan(0.01);
    expect(holdoutSplit(1000, { seed: 4, stratify: y })).toEqual(s);
    expect(holdoutSplit(1000, { seed: 5, stratify: y }).test).not.toEqual(s.test);
  });
  it('k-fold: test folds are disjoint and cover every row; train = the rest; stratified', () => {
    const y = labels(103, 0.3);
    const folds = kFold(103, 5, { seed: 1, stratify: y });
    const seen = new Int32Array(103);
    for (const f of folds) {
      for (const i of f.test) seen[i]!++;
      expect(f.train.length + f.test.length).toBe(103);
      const test = new Set(f.test);
      expect(f.train.some((i) => test.has(i))).toBe(false);
      expect(f.test.length === 20 || f.test.length === 21).toBe(true);
      const pos = f.test.reduce((a, i) => a + y[i]!, 0);
      const expected = (y.reduce((a, b) => a + b, 0) * f.test.length) / 103;
      expect(Math.abs(pos - expected)).toBeLessThanOrEqual(1.5);
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
  });
});

describe('crossValidate', () => {
  it('trains only on the training rows of each fold (no leakage) and summarises the scores', () => {
    const n = 400;
    const rng = rngFor(2, 'cv');
    const x = matrix(n, 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x.data[i * 2] = rng.normal();
      x.data[i * 2 + 1] = i; // the row id, to detect which rows the trainer saw
      y[i] = x.data[i * 2]! + 0.5 * rng.normal() > 0 ? 1 : 0;
    }
    const folds = kFold(n, 4, { seed: 3 });
    const seenRows: number[][] = [];
    const cv = crossValidate((xs, ys): SupervisedModel => {
      seenRows.push(Array.from({ length: xs.rows }, (_, i) => xs.data[i * 2 + 1]!));
      return trainModel('logistic', 'classification', xs, ys);
    }, x, y, folds, rocAuc);
    folds.forEach((f, k) => expect(seenRows[k]).toEqual(Array.from(f.train)));
    expect(cv.scores).toHaveLength(4);
    expect(cv.mean).toBeGreaterThan(0.8);
    const m = cv.scores.reduce((a, b) => a + b) / 4;
    expect(cv.mean).toBeCloseTo(m, 15);
    expect(cv.sd).toBeCloseTo(Math.sqrt(cv.scores.reduce((a, s) => a + (s - m) ** 2, 0) / 3), 15);
  });
});
