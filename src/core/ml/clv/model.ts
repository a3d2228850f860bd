/**
 * The common face of the fitted purchase models (BG/NBD, Pareto/NBD), so that CLV, the holdout
 * report and the CLI treat them alike. Times are in the summary's unit.
 */

/** Repeat-purchase data per customer (the calibration summary's columns). */
export interface RepeatData {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
}

export type PurchaseModelName = 'bgnbd' | 'pareto';

export interface PurchaseModel {
  readonly name: PurchaseModelName;
  readonly params: Readonly<Record<string, number>>;
  readonly logLikelihood: number;
  /** Customers the model was fitted on. */
  readonly n: number;
  /** P(alive at T | x, t_x, T). */
  pAlive(x: number, tx: number, T: number): number;
  /** E[repeat purchases in (T, T+t] | x, t_x, T]. */
  conditionalExpected(t: number, x: number, tx: number, T: number): number;
  /** E[X(t)]: repeat purchases in (0, t] of a new customer. */
  unconditionalExpected(t: number): number;
  /**
   * Median time from T to the next purchase given the customer is alive at T: under both models
   * λ | alive ~ Gamma(r+x, α+T), so the wait is Lomax(r+x, α+T) with median (α+T)(2^{1/(r+x)} − 1).
   * Under BG/NBD this is exact (dropout happens only at a purchase); under Pareto/NBD it is the
   * wait for customers who stay alive until then.
   */
  medianWaitGivenAlive(x: number, T: number): number;
}

export interface FitInfo {
  evaluations: number;
  converged: boolean;
}

/** ln(e^p + e^q) without overflow. */
export function logAddExp(p: number, q: number): number {
  if (p === -Infinity) return q;
  if (q === -Infinity) return p;
  return p > q ? p + Math.log1p(Math.exp(q - p)) : q + Math.log1p(Math.exp(p - q));
}

/**
 * The data as distinct (x, t_x, T) triples with their counts, and the distinct x among them: the
 * likelihood is a weighted sum over triples, and per-x terms are computed once per evaluation. On
 * CDNOW the 1,411 customers without a repeat purchase share ~80 triples (one per first-purchase day),
 * which makes the Pareto/NBD fit (two 2F1 per triple) several times faster.
 */
export interface CompressedData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index of each triple's x in `xValues`. */
  xIndex: Uint32Array;
  xValues: Float64Array;
}

export function compress(d: RepeatData): CompressedData {
  const seen = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < d.x.length; i++) {
    const key = `${d.x[i]!}|${d.tx[i]!}|${d.T[i]!}`;
    const k = seen.get(key);
    if (k !== undefined) {
      weight[k]! += 1;
      continue;
    }
    seen.set(key, x.length);
    x.push(d.x[i]!);
    tx.push(d.tx[i]!);
    T.push(d.T[i]!);
    weight.push(1);
  }
  const xs = new Map<number, number>();
  const xValues: number[] = [];
  const xIndex = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let k = xs.get(x[i]!);
    if (k === undefined) {
      k = xValues.length;
      xs.set(x[i]!, k);
      xValues.push(x[i]!);
    }
    xIndex[i] = k;
  }
  return {
    x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), weight: Float64Array.from(weight),
    xIndex, xValues: Float64Array.from(xValues),
  };
}

export const lomaxMedian = (shape: number, scale: number): number => scale * (Math.pow(2, 1 / shape) - 1);
