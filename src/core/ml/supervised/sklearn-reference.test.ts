// Compares Tailor's supervised models and metrics with scikit-learn's numbers in
// test/fixtures/supervised-reference.json (made by bench/reference/supervised_reference.py).
import { describe, expect, it } from 'vitest';
import { fromRows, takeRows, type Matrix } from '../matrix.ts';
import {
  averagePrecision, brierScore, calibrationTable, confusion, logLoss, mae, r2, rmse, rocAuc,
} from '../metrics/index.ts';
import { trainLogistic } from './logistic.ts';
import { trainRidge } from './ridge.ts';
import { predict, trainModel } from './model.ts';
import { permutationImportance } from '../validation/permutation-importance.ts';
import { readFixture } from '../../../../test/helpers/fixtures.ts';

interface MetricCase {
  y: number[];
  p: number[];
  rocAuc: number;
  averagePrecision: number;
  logLoss: number;
  brier: number;
  calibration: { bins: number; observedRate: number[]; meanPredicted: number[] };
  confusion: Array<{ threshold: number; tp: number; fp: number; tn: number; fn: number; precision: number; recall: number; f1: number; accuracy: number }>;
}
interface DataSet { x: number[][]; y: number[]; train: number[]; test: number[] }
interface Fixture {
  versions: Record<string, string>;
  classification: DataSet & {
    informative: number[];
    noise: number[];
    logistic: { C: number; coefficients: number[]; intercept: number; testRocAuc: number };
    forest: { testRocAuc: number; testAveragePrecision: number; testLogLoss: number; testBrier: number };
    gbt: { testRocAuc: number };
  };
  regression: DataSet & {
    ridge: { alpha: number; coefficients: number[]; intercept: number; testR2: number; testRmse: number; testMae: number; testPredictions: number[] };
    forest: { testR2: number };
    gbt: { testR2: number };
  };
  metricCases: Record<'continuous' | 'ties', MetricCase>;
}

const fx = readFixture('supervised-reference.json') as Fixture;

function splitData(s: DataSet): { xtr: Matrix; ytr: Float64Array; xte: Matrix; yte: Float64Array } {
  const x = fromRows(s.x);
  const y = Float64Array.from(s.y);
  return {
    xtr: takeRows(x, s.train), ytr: Float64Array.from(s.train, (i) => y[i]!),
    xte: takeRows(x, s.test), yte: Float64Array.from(s.test, (i) => y[i]!),
  };
}

const close = (a: number, b: number, tol = 1e-12): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe(`metrics equal scikit-learn ${fx.versions.sklearn} on given predictions`, () => {
  for (const name of ['continuous', 'ties'] as const) {
    const c = fx.metricCases[name];
    const y = Float64Array.from(c.y);
    const p = Float64Array.from(c.p);
    it(`${name}: roc_auc, average_precision, log_loss, brier`, () => {
      close(rocAuc(y, p), c.rocAuc);
      close(averagePrecision(y, p), c.averagePrecision);
      close(logLoss(y, p), c.logLoss);
      close(brierScore(y, p), c.brier);
    });
    it(`${name}: calibration_curve (uniform, 10 bins)`, () => {
      const table = calibrationTable(y, p, c.calibration.bins);
      expect(table).toHaveLength(c.calibration.observedRate.length);
      table.forEach((b, k) => {
        close(b.observedRate, c.calibration.observedRate[k]!);
        close(b.meanPredicted, c.calibration.meanPredicted[k]!);
      });
    });
    it(`${name}: confusion matrix and its ratios at p >= threshold`, () => {
      for (const ref of c.confusion) {
        const got = confusion(y, p, ref.threshold);
        expect([got.tp, got.fp, got.tn, got.fn]).toEqual([ref.tp, ref.fp, ref.tn, ref.fn]);
        close(got.precision, ref.precision);
        close(got.recall, ref.recall);
        close(got.f1, ref.f1);
        close(got.accuracy, ref.accuracy);
      }
    });
  }
  it('the tied case really has ties, scores on bin edges and on the thresholds', () => {
    const p = fx.metricCases.ties.p;
    expect(new Set(p).size).toBeLessThan(p.length / 10);
    expect(p).toContain(0.5);
    expect(p).toContain(0.3);
  });
  it('r2, rmse, mae on the ridge test predictions', () => {
    const { yte } = splitData(fx.regression);
    const p = Float64Array.from(fx.regression.ridge.testPredictions);
    close(r2(yte, p), fx.regression.ridge.testR2);
    close(rmse(yte, p), fx.regression.ridge.testRmse);
    close(mae(yte, p), fx.regression.ridge.testMae);
  });
});

describe('linear models reach scikit-learn\'s optimum', () => {
  it('logistic regression (C = 1): coefficients within 1e-4 and the same test AUC', () => {
    const { xtr, ytr, xte, yte } = splitData(fx.classification);
    const m = trainLogistic(xtr, ytr, { c: fx.classification.logistic.C });
    expect(m.converged).toBe(true);
    m.coefficients.forEach((c, j) => expect(Math.abs(c - fx.classification.logistic.coefficients[j]!)).toBeLessThan(1e-4));
    expect(Math.abs(m.intercept - fx.classification.logistic.intercept)).toBeLessThan(1e-4);
    expect(Math.abs(rocAuc(yte, predict(m, xte)) - fx.classification.logistic.testRocAuc)).toBeLessThan(1e-6);
  });
  it('ridge (alpha = 1): coefficients within 1e-8', () => {
    const { xtr, ytr } = splitData(fx.regression);
    const m = trainRidge(xtr, ytr, { alpha: fx.regression.ridge.alpha });
    m.coefficients.forEach((c, j) => expect(Math.abs(c - fx.regression.ridge.coefficients[j]!)).toBeLessThan(1e-8));
    expect(Math.abs(m.intercept - fx.regression.ridge.intercept)).toBeLessThan(1e-8);
  });
});

describe('tree ensembles score as well as scikit-learn\'s on the held-out rows', () => {
  const cls = splitData(fx.classification);
  const reg = splitData(fx.regression);
  it('random forest classifier: ROC-AUC ≥ sklearn − 0.01, and sane PR-AUC / log-loss / Brier', () => {
    const m = trainModel('forest', 'classification', cls.xtr, cls.ytr, { trees: 100, seed: 0 });
    const p = predict(m, cls.xte);
    const ref = fx.classification.forest;
    console.info(`forest AUC ${rocAuc(cls.yte, p).toFixed(4)} (sklearn ${ref.testRocAuc.toFixed(4)}), AP ${averagePrecision(cls.yte, p).toFixed(4)} (${ref.testAveragePrecision.toFixed(4)}), log-loss ${logLoss(cls.yte, p).toFixed(4)} (${ref.testLogLoss.toFixed(4)}), Brier ${brierScore(cls.yte, p).toFixed(4)} (${ref.testBrier.toFixed(4)})`);
    expect(rocAuc(cls.yte, p)).toBeGreaterThanOrEqual(ref.testRocAuc - 0.01);
    expect(averagePrecision(cls.yte, p)).toBeGreaterThanOrEqual(ref.testAveragePrecision - 0.015);
    expect(brierScore(cls.yte, p)).toBeLessThanOrEqual(ref.testBrier + 0.01);
    expect(logLoss(cls.yte, p)).toBeLessThanOrEqual(ref.testLogLoss + 0.05);
  });
  it('gradient boosting classifier: ROC-AUC ≥ sklearn − 0.01', () => {
    const m = trainModel('gbt', 'classification', cls.xtr, cls.ytr, { trees: 100, learningRate: 0.1, maxDepth: 3 });
    const auc = rocAuc(cls.yte, predict(m, cls.xte));
    console.info(`gbt AUC ${auc.toFixed(4)} (sklearn ${fx.classification.gbt.testRocAuc.toFixed(4)})`);
    expect(auc).toBeGreaterThanOrEqual(fx.classification.gbt.testRocAuc - 0.01);
  });
  it('random forest and gradient boosting regressors: r2 ≥ sklearn − 0.02', () => {
    const f = trainModel('forest', 'regression', reg.xtr, reg.ytr, { trees: 100, seed: 0 });
    const g = trainModel('gbt', 'regression', reg.xtr, reg.ytr, {});
    const rf = r2(reg.yte, predict(f, reg.xte));
    const gb = r2(reg.yte, predict(g, reg.xte));
    console.info(`r2 forest ${rf.toFixed(4)} (sklearn ${fx.regression.forest.testR2.toFixed(4)}), gbt ${gb.toFixed(4)} (sklearn ${fx.regression.gbt.testR2.toFixed(4)})`);
    expect(rf).toBeGreaterThanOrEqual(fx.regression.forest.testR2 - 0.02);
    expect(gb).toBeGreaterThanOrEqual(fx.regression.gbt.testR2 - 0.02);
  });
  it('permutation importance ranks every informative column above every pure-noise column', () => {
    const m = trainModel('forest', 'classification', cls.xtr, cls.ytr, { trees: 50, seed: 1 });
    const imp = permutationImportance(m, cls.xte, cls.yte, rocAuc, { repeats: 5, seed: 3 });
    const top = fx.classification.informative.map((j) => imp.mean[j]!);
    const noise = fx.classification.noise.map((j) => imp.mean[j]!);
    expect(Math.min(...top)).toBeGreaterThan(Math.max(...noise));
    for (const j of fx.classification.noise) expect(Math.abs(imp.mean[j]!)).toBeLessThan(0.01);
  });
});
