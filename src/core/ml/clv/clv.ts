/**
 * Customer lifetime value: expected purchases per period (from a purchase model) × expected order
 * value (Gamma-Gamma), discounted, summed over a horizon.
 *
 * Reference: the discrete-period CLV of Fader, Hardie & Lee (2005, "RFM and CLV", JMR 42(4)) as
 * lifetimes' customer_lifetime_value computes it: CLV = Σ_k (E[Y(k)] − E[Y(k−1)]) · E[M] / (1+d)^k,
 * with E[Y(k)] the conditional expected purchases in (T, T+k]. Our own implementation over our
 * models.
 *
 * Periods here are one time unit each (a week by default, a day with --unit day); the annual
 * discount rate is converted to the per-period rate (1+annual)^(unit days/365.25) − 1, and each
 * period's purchases are discounted at its end.
 */
import type { PurchaseModel } from './model.ts';
import { UNIT_DAYS, type TimeUnit } from './summary.ts';

export interface ClvOptions {
  /** Periods (time units) summed. */
  horizon: number;
  /** Annual discount rate, e.g. 0.1 for 10 %. */
  annualDiscountRate: number;
  unit: TimeUnit;
}

export const periodDiscount = (annual: number, unit: TimeUnit): number => Math.pow(1 + annual, UNIT_DAYS[unit] / 365.25) - 1;

export interface ClvInput {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Expected order value per customer. */
  orderValue: ArrayLike<number>;
}

export interface ClvResult {
  clv: Float64Array;
  /** Expected purchases over the whole horizon. */
  expectedPurchases: Float64Array;
}

export function customerLifetimeValue(model: PurchaseModel, d: ClvInput, opts: ClvOptions): ClvResult {
  if (!(opts.horizon >= 0) || !Number.isInteger(opts.horizon)) throw new RangeError('horizon must be a whole number of periods');
  const n = d.x.length;
  const clv = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const factor = 1 / (1 + periodDiscount(opts.annualDiscountRate, opts.unit));
  for (let i = 0; i < n; i++) {
    const [x, tx, T] = [d.x[i]!, d.tx[i]!, d.T[i]!];
    let previous = 0;
    let value = 0;
    let disc = 1;
    for (let k = 1; k <= opts.horizon; k++) {
      const e = model.conditionalExpected(k, x, tx, T);
      disc *= factor;
      value += (e - previous) * disc;
      previous = e;
    }
    clv[i] = value * d.orderValue[i]!;
    expectedPurchases[i] = previous;
  }
  return { clv, expectedPurchases };
}
