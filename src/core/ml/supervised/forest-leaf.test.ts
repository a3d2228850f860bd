import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix.ts';
import { logLoss } from '../metrics/index.ts';
import { rngFor } from '../../prng.ts';
import { chooseForestLeaf, LEAF_GRID, trainForestAuto } from './forest-leaf.ts';
import { predictForest } from './forest.ts';

/** n rows of d uniform features; y ~ Bernoulli(σ(strength · (x0 − x1))). Weak strength: churn-like noise. */
function data(n: number, d: number, strength: number, seed: number) {
  const rng = rngFor(seed, 'forest-leaf-test');
  const x = matrix(n, d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x.data[i * d + j] = rng.next();
    const z = strength * (x.data[i * d]! - x.data[i * d + 1]!);
    y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y };
}

describe('forest leaf size by cross-validation', () => {
  it('picks large leaves on a noisy target and small ones on a clean one', () => {
    const noisy = data(1500, 5, 2, 1);
    const a = chooseForestLeaf(noisy.x, noisy.y, { task: 'classification', trees: 30, seed: 1 });
    expect(a.candidates.map((c) => c.minSamplesLeaf)).toEqual([...LEAF_GRID]);
    expect(a.minSamplesLeaf).toBeGreaterThanOrEqual(20);
    expect(a.candidates.find((c) => c.minSamplesLeaf === a.minSamplesLeaf)!.loss).toBe(Math.min(...a.candidates.map((c) => c.loss)));
    const clean = data(1500, 5, 200, 2);
    expect(chooseForestLeaf(clean.x, clean.y, { task: 'classification', trees: 30, seed: 1 }).minSamplesLeaf).toBeLessThanOrEqual(5);
  });

  it('gives better calibrated probabilities than leaves of one on noisy held-out rows, and keeps its choice on the model', () => {
    const train = data(2000, 5, 2, 3);
    const test = data(1000, 5, 2, 4);
    const auto = trainForestAuto(train.x, train.y, { task: 'classification', trees: 50, seed: 1, minSamplesLeaf: 'auto' });
    const full = trainForestAuto(train.x, train.y, { task: 'classification', trees: 50, seed: 1 });
    expect(auto.leafChoice!.minSamplesLeaf).toBeGreaterThan(1);
    expect(full.leafChoice).toBeUndefined();
    expect(logLoss(test.y, predictForest(auto, test.x))).toBeLessThan(logLoss(test.y, predictForest(full, test.x)));
  });

  it('leaves out leaf sizes a fold cannot fill, and scales them to a sample of large data', () => {
    const small = data(60, 3, 2, 5);
    expect(chooseForestLeaf(small.x, small.y, { task: 'classification', trees: 5, seed: 1 }).candidates.map((c) => c.minSamplesLeaf)).toEqual([1, 5, 20]);
    const big = data(25_000, 2, 2, 6);
    const c = chooseForestLeaf(big.x, big.y, { task: 'regression', trees: 3, seed: 1 });
    expect(c.rows).toBe(20_000);
    expect(c.trees).toBe(3);
  });
});
