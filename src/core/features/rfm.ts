import { DAY_MS } from './catalog.ts';
import { RFM_SEGMENTS, rfmSegment, segmentIndex, type RfmSegment } from './rfm-segments.ts';

/**
 * RFM: recency, frequency and monetary quintile scores (1–5, 5 best) and the named segment, for
 * the customers with at least one order in a window that ends at the as-of instant.
 *
 * Definitions (bench/reference/rfm_reference.py implements the same, independently):
 * - the window is `asOf − days·24 h < timestamp <= asOf` (half-open, as `within` in segment rules);
 *   events after the as-of instant never count, so history can be scored as of its own end;
 * - an order is a track event named ORDER_EVENT; its revenue is `properties.revenue` when that is a
 *   finite number, else `properties.total` when that is, else 0;
 * - recency = whole days from the customer's last order in the window to as-of (floor), so two orders
 *   on the same day tie whatever their clock time; frequency = orders in the window; monetary = the
 *   sum of their revenue, compared at 1e-6 (see `monetaryKey`).
 *
 * Ties: customers with equal values get the same score. With n scored customers and `below` the
 * number of them with a strictly worse value, score = 1 + ⌊5 · below / n⌋. That is the 1-based
 * minimum rank r_min (`below` + 1, SQL's RANK(), pandas' rank(method="min")) put into
 * 1 + ⌊5 (r_min − 1) / n⌋. It is 1..5 because 0 ≤ below ≤ n − 1. It does not depend on input order
 * or on any tiebreaker, so every engine agrees (DESIGN.md's NTILE trap does not arise). The price:
 * under heavy ties the scores are not equal fifths and some score may be unused. In the retail data a
 * third of the customers have one order: all get F 1, and the next frequency jumps to F 2 or 3.
 */
export const DEFAULT_RFM_WINDOW_DAYS = 365;

export interface RfmWindow {
  /** Inclusive end (epoch ms). */
  asOf: number;
  /** Exclusive start: asOf − days·24 h. */
  from: number;
  days: number;
}

export function rfmWindow(asOf: number, days: number = DEFAULT_RFM_WINDOW_DAYS): RfmWindow {
  if (!Number.isFinite(asOf)) throw new RangeError(`RFM as-of must be a finite time, not ${asOf}`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`RFM window must be a whole number of days ≥ 1, not ${days}`);
  return { asOf, from: asOf - days * DAY_MS, days };
}

/** An order's revenue: properties.revenue if a finite number, else properties.total if one, else 0 (the SQL in rfm-store.ts mirrors this). */
export function orderRevenue(properties: Record<string, unknown> | null | undefined): number {
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (finite(properties?.revenue)) return properties.revenue;
  if (finite(properties?.total)) return properties.total;
  return 0;
}

/**
 * Per-customer aggregates over the window, column-wise: one array per measure, so that a million
 * customers cost a few typed arrays rather than a million objects.
 */
export interface RfmAggregates {
  profileIds: string[];
  /** Last order in the window (epoch ms). */
  lastOrderAt: ArrayLike<number>;
  orders: ArrayLike<number>;
  revenue: ArrayLike<number>;
}

export interface RfmScores {
  window: RfmWindow;
  profileIds: string[];
  recencyDays: Int32Array;
  frequency: Float64Array;
  /** Revenue in the window at 1e-6 (`monetaryKey`): the value that was ranked. */
  monetary: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into RFM_SEGMENTS. */
  segment: Uint8Array;
}

/**
 * Sums of floating-point revenue depend on the order of addition, which differs between SQLite,
 * PostgreSQL and the reference script: two customers with the same spend could differ in the last
 * bit and so stop tying. Monetary is therefore compared after rounding to 1e-6 (the precision that
 * imports round amounts to, see parse-number.ts); Math.round is ⌊x + 0.5⌋, which the reference copies.
 */
export const monetaryKey = (m: number): number => Math.round(m * 1e6) / 1e6;

export const recencyDaysOf = (lastOrderAt: number, asOf: number): number => Math.floor((asOf - lastOrderAt) / DAY_MS);

/**
 * Quintile scores with equal values scoring equally: 1 + ⌊5 · (customers strictly worse) / n⌋.
 * `better` says which direction is good: 'higher' for frequency and monetary, 'lower' for recency days.
 */
export function quintileScores(values: ArrayLike<number>, better: 'higher' | 'lower'): Uint8Array {
  const n = values.length;
  // Goodness ascending: negate when lower is better. `+ 0` turns −0 into 0 (the typed-array sort orders −0 first).
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`RFM values must be finite, not ${v} (customer ${i})`);
    key[i] = (better === 'higher' ? v : -v) + 0;
  }
  const sorted = key.slice().sort();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 + Math.floor((5 * countBelow(sorted, key[i]!)) / n);
  return out;
}

/** How many values in `sorted` are strictly below `x` (binary search). */
function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Scores every customer in `agg` against the others (agg holds exactly the customers with an order in the window). */
export function scoreRfm(agg: RfmAggregates, window: RfmWindow): RfmScores {
  const n = agg.profileIds.length;
  if (agg.lastOrderAt.length !== n || agg.orders.length !== n || agg.revenue.length !== n) {
    throw new RangeError('RFM aggregates: every column must have one value per customer');
  }
  const recencyDays = new Int32Array(n);
  const frequency = new Float64Array(n);
  const monetary = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const last = agg.lastOrderAt[i]!;
    if (!(last > window.from && last <= window.asOf)) {
      throw new RangeError(`RFM: customer ${agg.profileIds[i]}'s last order ${last} is outside the window (${window.from}, ${window.asOf}]`);
    }
    recencyDays[i] = recencyDaysOf(last, window.asOf);
    frequency[i] = agg.orders[i]!;
    monetary[i] = monetaryKey(agg.revenue[i]!);
  }
  const r = quintileScores(recencyDays, 'lower');
  const f = quintileScores(frequency, 'higher');
  const m = quintileScores(monetary, 'higher');
  const segment = new Uint8Array(n);
  for (let i = 0; i < n; i++) segment[i] = segmentIndex(rfmSegment(r[i]!, f[i]!, m[i]!));
  return { window, profileIds: agg.profileIds, recencyDays, frequency, monetary, r, f, m, segment };
}

/** The RFM cell as one number, 100·R + 10·F + M (the `rfm_score` feature). */
export const rfmCell = (r: number, f: number, m: number): number => 100 * r + 10 * f + m;

export interface RfmCustomer {
  profileId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  score: number;
  segment: RfmSegment;
}

/** Customer `i` of a scoring, as one object. */
export function rfmCustomer(s: RfmScores, i: number): RfmCustomer {
  const r = s.r[i]!;
  const f = s.f[i]!;
  const m = s.m[i]!;
  return {
    profileId: s.profileIds[i]!, recencyDays: s.recencyDays[i]!, frequency: s.frequency[i]!, monetary: s.monetary[i]!,
    r, f, m, score: rfmCell(r, f, m), segment: RFM_SEGMENTS[s.segment[i]!]!,
  };
}

export interface RfmGroupSummary {
  customers: number;
  /** Means over the group; null for an empty group. */
  meanRecencyDays: number | null;
  meanFrequency: number | null;
  meanMonetary: number | null;
}

export interface RfmSummary {
  asOf: string;
  windowDays: number;
  /** Exclusive start of the window. */
  windowStart: string;
  /** One entry per named segment, in RFM_SEGMENTS order, empty ones included. */
  segments: ({ segment: RfmSegment } & RfmGroupSummary)[];
  totals: RfmGroupSummary;
}

/** Per-segment counts and means, plus totals over every scored customer. */
export function summarizeRfm(s: RfmScores): RfmSummary {
  const k = RFM_SEGMENTS.length + 1; // the last slot is the totals
  const count = new Float64Array(k);
  const rec = new Float64Array(k);
  const freq = new Float64Array(k);
  const mon = new Float64Array(k);
  for (let i = 0; i < s.profileIds.length; i++) {
    for (const g of [s.segment[i]!, k - 1]) {
      count[g]! += 1;
      rec[g]! += s.recencyDays[i]!;
      freq[g]! += s.frequency[i]!;
      mon[g]! += s.monetary[i]!;
    }
  }
  const group = (g: number): RfmGroupSummary => {
    const c = count[g]!;
    return c === 0
      ? { customers: 0, meanRecencyDays: null, meanFrequency: null, meanMonetary: null }
      : { customers: c, meanRecencyDays: rec[g]! / c, meanFrequency: freq[g]! / c, meanMonetary: mon[g]! / c };
  };
  return {
    asOf: new Date(s.window.asOf).toISOString(),
    windowDays: s.window.days,
    windowStart: new Date(s.window.from).toISOString(),
    segments: RFM_SEGMENTS.map((segment, g) => ({ segment, ...group(g) })),
    totals: group(k - 1),
  };
}
