import { describe, expect, it } from 'vitest';
import { rngFor } from '../../prng.ts';
import { averagePrecision, brierScore, calibrationTable, confusion, logLoss, psi, r2, rocAuc } from './index.ts';

describe('ranking metrics by hand', () => {
  it('ROC AUC counts a tied positive/negative pair as one half', () => {
    // pairs (pos, neg): (0.8, 0.5) 1, (0.5, 0.5) ½, (0.8, 0.2) 1, (0.5, 0.2) 1 → 3.5 / 4
    expect(rocAuc([1, 0, 1, 0], [0.8, 0.5, 0.5, 0.2])).toBe(0.875);
    expect(rocAuc([1, 1, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });
  it('average precision takes tied scores as one step (no interpolation)', () => {
    // steps: {0.9: 1 pos} P=1 R=.5; {0.5: 1 pos, 1 neg} P=2/3 R=1 → .5·1 + .5·2/3
    expect(averagePrecision([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1])).toBeCloseTo(0.5 + 1 / 3, 15);
  });
});

describe('probability metrics', () => {
  it('log-loss clips 0 and 1 at machine epsilon instead of returning Infinity', () => {
    expect(logLoss([1, 0], [0, 1])).toBeCloseTo(-Math.log(2.220446049250313e-16), 10);
    expect(logLoss([1, 0], [0.5, 0.5])).toBeCloseTo(Math.log(2), 15);
    expect(brierScore([1, 0], [0.75, 0.25])).toBe(0.0625);
  });
  it('confusion counts a score equal to the threshold as positive and zero-divides to 0', () => {
    const c = confusion([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.1], 0.5);
    expect(c).toMatchObject({ tp: 1, fp: 1, tn: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5, accuracy: 0.5 });
    expect(confusion([1, 0], [0.1, 0.2], 0.9)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
  it('calibration puts a value on an edge in the lower bin and skips empty bins', () => {
    const t = calibrationTable([0, 1, 1], [0.1, 0.1, 0.95], 10);
    expect(t).toEqual([
      { lo: 0, hi: 0.1, count: 2, meanPredicted: 0.1, observedRate: 0.5 },
      { lo: 0.9, hi: 1, count: 1, meanPredicted: 0.95, observedRate: 1 },
    ]);
  });
  it('r2 is 1 for a perfect fit of a constant and 0 for an imperfect one', () => {
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
  });
});

describe('population stability index', () => {
  const normal = (seed: number, n: number, shift: number): Float64Array => {
    const rng = rngFor(seed, 'psi');
    return Float64Array.from({ length: n }, () => rng.normal(shift, 1));
  };
  it('is 0 on identical samples and small on two draws of one distribution', () => {
    const a = normal(1, 5000, 0);
    expect(psi(a, a)).toBe(0);
    expect(psi(a, normal(2, 5000, 0))).toBeLessThan(0.02);
  });
  it('exceeds 0.2 when the distribution clearly shifts', () => {
    expect(psi(normal(1, 5000, 0), normal(2, 5000, 0.8))).toBeGreaterThan(0.2);
  });
  it('stays finite when the new sample leaves bins empty (floor 1e-4)', () => {
    const v = psi(normal(1, 1000, 0), Float64Array.from({ length: 100 }, () => 100));
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(1);
  });
});
