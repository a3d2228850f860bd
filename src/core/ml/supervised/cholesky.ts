/**
 * Solves A x = b for a small symmetric positive-definite A (dense, row-major k×k) by Cholesky
 * factorisation A = L Lᵀ and two triangular solves. Used by the Newton step of logistic regression
 * and by ridge's normal equations, where k (features + 1) is at most a few hundred, so O(k³) is
 * negligible. Textbook algorithm (Golub & Van Loan, Alg. 4.2.1); own code because it is 30 lines
 * and pulling ml-matrix in for it would add a dependency for nothing.
 */

/** Returns x, or null when A is not numerically positive definite. A is not modified. */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let m = 0; m < j; m++) d -= l[j * k + m]! ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= l[i * k + m]! * l[j * k + m]!;
      l[i * k + j] = s / ljj;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * z[m]!;
    z[i] = s / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * x[m]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}
