/**
 * The calibration summary of a transaction log: per customer x (repeat transactions), t_x (time of
 * the last repeat purchase, from the first), T (first purchase to the calibration end), the mean
 * repeat value (z̄, over repeat transactions only) and the repeat transactions in a holdout.
 *
 * Reference: the "customer-by-sufficient-statistic" matrix of Fader, Hardie & Lee (2005) and Fader &
 * Hardie (2013); the conventions (time from each customer's first purchase, same-day
 * transactions merged, repeat transactions only) are those of the CDNOW papers.
 * Our own implementation: a few dozen lines over typed arrays, fed by our own readers and store.
 */

export const DAY_MS = 86_400_000;

/** A transaction log as parallel arrays; `customer[i]` indexes `ids`. */
export interface TransactionLog {
  ids: readonly string[];
  customer: Int32Array;
  /** Epoch milliseconds. */
  at: Float64Array;
  amount: Float64Array;
}

export type TimeUnit = 'week' | 'day';
export const UNIT_DAYS: Record<TimeUnit, number> = { week: 7, day: 1 };

export interface SummaryOptions {
  /** Last instant of the calibration period (epoch ms); its whole UTC day is included. */
  calibrationEnd: number;
  /** Last instant of the holdout period (epoch ms), if any. */
  holdoutEnd?: number;
  unit?: TimeUnit;
}

export interface CalibrationSummary {
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean value of the repeat transactions in calibration; 0 when x = 0. */
  zbar: Float64Array;
  /** Repeat transactions in (calibration end, holdout end]; all 0 without a holdout. */
  holdout: Float64Array;
  /** Epoch ms of the first purchase (the start of the customer's UTC day). */
  firstAt: Float64Array;
  unit: TimeUnit;
  calibrationEnd: number;
  holdoutEnd: number | undefined;
  /** Holdout length in units (0 without a holdout). */
  holdoutLength: number;
}

/**
 * Time is counted in whole UTC days (transactions are merged per day, as in the literature), then
 * converted to the unit: a customer first seen on 1997-01-01 has T = 272/7 = 38.857 weeks at a
 * calibration end of 1997-09-30. Customers whose first purchase is after the calibration end are
 * left out: the models describe customers already acquired. Transactions with a non-finite time
 * or amount must have been rejected by the reader.
 */
export function summarize(log: TransactionLog, opts: SummaryOptions): CalibrationSummary {
  const unit = opts.unit ?? 'week';
  const perUnit = UNIT_DAYS[unit];
  const endDay = Math.floor(opts.calibrationEnd / DAY_MS);
  const holdoutEndDay = opts.holdoutEnd === undefined ? -Infinity : Math.floor(opts.holdoutEnd / DAY_MS);
  const n = log.at.length;
  const day = new Float64Array(n);
  for (let i = 0; i < n; i++) day[i] = Math.floor(log.at[i]! / DAY_MS);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => log.customer[i]! - log.customer[j]! || day[i]! - day[j]!);

  const ids: string[] = [];
  const cols = { x: [] as number[], tx: [] as number[], T: [] as number[], zbar: [] as number[], holdout: [] as number[], firstAt: [] as number[] };
  let k = 0;
  while (k < n) {
    const c = log.customer[order[k]!]!;
    const d0 = day[order[k]!]!;
    let x = 0;
    let lastRepeat = d0;
    let repeatSum = 0;
    let holdout = 0;
    // Walk the customer's days; each distinct day after the first is one repeat transaction.
    while (k < n && log.customer[order[k]!]! === c) {
      const d = day[order[k]!]!;
      let amount = 0;
      while (k < n && log.customer[order[k]!]! === c && day[order[k]!]! === d) amount += log.amount[order[k++]!]!;
      if (d === d0) continue;
      if (d <= endDay) {
        x++;
        lastRepeat = d;
        repeatSum += amount;
      } else if (d <= holdoutEndDay) {
        holdout++;
      }
    }
    if (d0 > endDay) continue;
    ids.push(log.ids[c]!);
    cols.x.push(x);
    cols.tx.push((lastRepeat - d0) / perUnit);
    cols.T.push((endDay - d0) / perUnit);
    cols.zbar.push(x > 0 ? repeatSum / x : 0);
    cols.holdout.push(holdout);
    cols.firstAt.push(d0 * DAY_MS);
  }
  return {
    ids,
    x: Float64Array.from(cols.x),
    tx: Float64Array.from(cols.tx),
    T: Float64Array.from(cols.T),
    zbar: Float64Array.from(cols.zbar),
    holdout: Float64Array.from(cols.holdout),
    firstAt: Float64Array.from(cols.firstAt),
    unit,
    calibrationEnd: opts.calibrationEnd,
    holdoutEnd: opts.holdoutEnd,
    holdoutLength: opts.holdoutEnd === undefined ? 0 : Math.max(0, holdoutEndDay - endDay) / perUnit,
  };
}
