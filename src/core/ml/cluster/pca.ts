/**
 * Principal component analysis via the covariance matrix and the cyclic Jacobi eigenvalue method
 * (Golub & Van Loan, "Matrix Computations", §8.5): exact to rounding for the small d of customer
 * features (fine up to d ≈ 100; cost O(n·d² + d³)). explainedVarianceRatio matches scikit-learn's
 * PCA.explained_variance_ratio_ (eigenvalue / total variance). Signs follow scikit-learn 1.2's
 * svd_flip (u_based_decision): each component is oriented so that the projection entry with the
 * largest absolute value is positive. Our own code rather than ml-pca (which matches sklearn's
 * ratios too, measured on the fixture): it works on our Matrix without converting to number[][] and
 * pulling in ml-matrix, for what is a d×d eigenproblem, and fixes the sign convention.
 */
import { matrix, type Matrix } from '../matrix.ts';

export interface PcaResult {
  /** n × components: the centred data projected on the components. */
  projection: Matrix;
  /** components × d, unit rows. */
  components: Matrix;
  explainedVarianceRatio: number[];
  mean: Float64Array;
}

export function pca(x: Matrix, components: number): PcaResult {
  const { rows: n, cols: d, data } = x;
  if (components < 1 || components > d) throw new RangeError(`components must be in 1..${d}, got ${components}`);
  if (n < 2) throw new RangeError('PCA needs at least 2 rows');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
  for (let t = 0; t < d; t++) mean[t]! /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) c[t] = data[i * d + t]! - mean[t]!;
    for (let a = 0; a < d; a++) {
      const ca = c[a]!;
      for (let b = a; b < d; b++) cov[a * d + b]! += ca * c[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b]! /= n - 1;
      cov[b * d + a] = cov[a * d + b]!;
    }
  }
  const { values, vectors } = jacobiEigen(cov, d);
  const order = Array.from({ length: d }, (_, i) => i).sort((p, q) => values[q]! - values[p]!);
  let total = 0;
  for (let i = 0; i < d; i++) total += Math.max(0, values[i]!);
  const comps = matrix(components, d);
  const ratio: number[] = [];
  for (let r = 0; r < components; r++) {
    const j = order[r]!;
    for (let t = 0; t < d; t++) comps.data[r * d + t] = vectors[t * d + j]!;
    ratio.push(total > 0 ? Math.max(0, values[j]!) / total : 0);
  }
  const proj = matrix(n, components);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < components; r++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t]! - mean[t]!) * comps.data[r * d + t]!;
      proj.data[i * components + r] = s;
    }
  }
  // svd_flip: the largest |projection| of each component is positive.
  for (let r = 0; r < components; r++) {
    let arg = 0;
    for (let i = 1; i < n; i++) if (Math.abs(proj.data[i * components + r]!) > Math.abs(proj.data[arg * components + r]!)) arg = i;
    if (proj.data[arg * components + r]! < 0) {
      for (let i = 0; i < n; i++) proj.data[i * components + r] = -proj.data[i * components + r]!;
      for (let t = 0; t < d; t++) comps.data[r * d + t] = -comps.data[r * d + t]!;
    }
  }
  return { projection: proj, components: comps, explainedVarianceRatio: ratio, mean };
}

/** Eigen-decomposition of a symmetric d×d matrix: values, and vectors as columns of a row-major d×d. */
export function jacobiEigen(sym: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = sym.slice();
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[p * d + p]! ** 2;
      for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (apq === 0) continue;
        const app = a[p * d + p]!;
        const aqq = a[q * d + q]!;
        // Rotation angle that zeroes a[p][q] (the numerically stable tangent form).
        const theta = (aqq - app) / (2 * apq);
        const tan = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(tan * tan + 1);
        const sin = tan * cos;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = cos * akp - sin * akq;
          a[k * d + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = cos * apk - sin * aqk;
          a[q * d + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = cos * vkp - sin * vkq;
          v[k * d + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}
