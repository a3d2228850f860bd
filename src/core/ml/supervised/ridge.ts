/**
 * Ridge regression (L2-penalised least squares), closed form, matching scikit-learn's
 * Ridge(alpha, fit_intercept=True): minimise Σ s_i (y_i − b − x_i·w)² + alpha ||w||².
 * The intercept is not penalised, so we centre X and y on their (weighted) means, solve
 * (XcᵀS Xc + alpha I) w = XcᵀS yc by Cholesky, and set b = ȳ − x̄·w. The linear model for the
 * regression task. Own code: the normal equations and a Cholesky solve are a few lines.
 */
import type { Matrix } from '../matrix.ts';
import { choleskySolve } from './cholesky.ts';

export interface RidgeOptions {
  /** L2 strength (sklearn's alpha); default 1. */
  alpha?: number;
  sampleWeight?: Float64Array;
}

export interface RidgeModel {
  kind: 'ridge';
  task: 'regression';
  coefficients: number[];
  intercept: number;
}

export function trainRidge(x: Matrix, y: Float64Array, opts: RidgeOptions = {}): RidgeModel {
  const alpha = opts.alpha ?? 1;
  const s = opts.sampleWeight;
  const d = x.cols;
  if (y.length !== x.rows) throw new RangeError(`y has ${y.length} values, x has ${x.rows} rows`);
  const mx = new Float64Array(d);
  let my = 0;
  let sw = 0;
  for (let i = 0; i < x.rows; i++) {
    const w = s ? s[i]! : 1;
    sw += w;
    my += w * y[i]!;
    for (let j = 0; j < d; j++) mx[j]! += w * x.data[i * d + j]!;
  }
  my /= sw;
  for (let j = 0; j < d; j++) mx[j]! /= sw;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const xc = new Float64Array(d);
  for (let i = 0; i < x.rows; i++) {
    const w = s ? s[i]! : 1;
    for (let j = 0; j < d; j++) xc[j] = x.data[i * d + j]! - mx[j]!;
    const yc = y[i]! - my;
    for (let j = 0; j < d; j++) {
      const wj = w * xc[j]!;
      b[j]! += wj * yc;
      for (let m = 0; m <= j; m++) a[j * d + m]! += wj * xc[m]!;
    }
  }
  for (let j = 0; j < d; j++) {
    a[j * d + j]! += alpha;
    for (let m = 0; m < j; m++) a[m * d + j] = a[j * d + m]!;
  }
  // alpha > 0 makes A positive definite; with alpha = 0 and collinear columns, nudge the diagonal.
  const w = choleskySolve(a, b, d) ?? choleskySolve(a.map((v, idx) => (idx % (d + 1) === 0 ? v + 1e-10 : v)), b, d);
  if (!w) throw new RangeError('ridge: the normal equations are singular (use alpha > 0)');
  let intercept = my;
  for (let j = 0; j < d; j++) intercept -= mx[j]! * w[j]!;
  return { kind: 'ridge', task: 'regression', coefficients: Array.from(w), intercept };
}

export function predictRidge(model: RidgeModel, x: Matrix): Float64Array {
  const d = x.cols;
  if (d !== model.coefficients.length) throw new RangeError(`model has ${model.coefficients.length} features, x has ${d}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let z = model.intercept;
    for (let j = 0; j < d; j++) z += x.data[i * d + j]! * model.coefficients[j]!;
    out[i] = z;
  }
  return out;
}
