/**
 * The computed features a profile has, as stored (one row per profile in `profile_features`) and as
 * rules and templates see them. Times are epoch milliseconds.
 */
export const ORDER_EVENT = 'Order Completed';
export const OPEN_EVENT = 'Email Opened';
export const CLICK_EVENT = 'Email Clicked';
export const DAY_MS = 86_400_000;
export const ORDERS_WINDOW_MS = 90 * DAY_MS;
export const ENGAGEMENT_WINDOW_MS = 30 * DAY_MS;

/** A profile's stored feature row. */
export interface FeatureRow {
  profileId: string;
  firstEventAt: number | null;
  lastEventAt: number | null;
  frequency: number;
  monetary: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  /** Orders and their revenue in the 90 days up to `windowsAsOf`. */
  orders90d: number;
  revenue90d: number;
  /** Human opens and clicks in the 30 days up to `windowsAsOf`. */
  opens30d: number;
  clicks30d: number;
  lastOpenAt: number | null;
  lastClickAt: number | null;
  topCategory: string | null;
  /** Items bought per product category (by quantity). */
  categoryCounts: Record<string, number>;
  /**
   * Human opens and clicks per hour of the week in UTC: index 0 is Monday 00:00–00:59, 167 is Sunday
   * 23:00–23:59. UTC because the fold sees events, not the profile's time zone (which can change
   * after the events): send-time optimisation (core/sto) reads the events with the zone and keeps
   * its own local histogram.
   */
  hourHistogram: number[];
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  rfmScore: number | null;
  rfmSegment: string | null;
  /** Written by model runs (tailor cluster / predict score / clv fit --save), like the RFM scores. */
  cluster: number | null;
  churnRisk: number | null;
  purchasePropensity: number | null;
  predictedRevenue90d: number | null;
  pAlive: number | null;
  clv: number | null;
  /** The windowed counts are exact as of this instant… */
  windowsAsOf: number;
  /**
   * …and stay exact until this one: when the oldest event in a window leaves it, or when an event
   * stamped after `windowsAsOf` comes due, whichever is first (null: neither will happen).
   */
  windowsExpireAt: number | null;
}

export type FeatureKind = 'number' | 'string' | 'time';

/**
 * How a feature is read. `column` features are stored as they are; `daysSince` features count whole
 * days from a stored time to the evaluation instant (floor); `ratio` divides two columns.
 */
export type FeatureSource =
  | { column: keyof FeatureRow & string }
  | { daysSince: 'lastOrderAt' | 'firstEventAt' | 'lastOpenAt' }
  | { ratio: ['monetary', 'frequency'] };

export interface FeatureDef { kind: FeatureKind; source: FeatureSource; description: string }

export const FEATURES: Record<string, FeatureDef> = {
  recency_days: { kind: 'number', source: { daysSince: 'lastOrderAt' }, description: 'whole days since the last order (none without orders)' },
  frequency: { kind: 'number', source: { column: 'frequency' }, description: 'orders, all time' },
  monetary: { kind: 'number', source: { column: 'monetary' }, description: 'revenue, all time' },
  aov: { kind: 'number', source: { ratio: ['monetary', 'frequency'] }, description: 'average order value (none without orders)' },
  tenure_days: { kind: 'number', source: { daysSince: 'firstEventAt' }, description: 'whole days since the first event' },
  orders_90d: { kind: 'number', source: { column: 'orders90d' }, description: 'orders in the last 90 days' },
  revenue_90d: { kind: 'number', source: { column: 'revenue90d' }, description: 'revenue in the last 90 days' },
  last_order_at: { kind: 'time', source: { column: 'lastOrderAt' }, description: 'time of the last order' },
  first_order_at: { kind: 'time', source: { column: 'firstOrderAt' }, description: 'time of the first order' },
  opens_30d: { kind: 'number', source: { column: 'opens30d' }, description: 'email opens in the last 30 days' },
  clicks_30d: { kind: 'number', source: { column: 'clicks30d' }, description: 'email clicks in the last 30 days' },
  last_open_at: { kind: 'time', source: { column: 'lastOpenAt' }, description: 'time of the last email open' },
  days_since_open: { kind: 'number', source: { daysSince: 'lastOpenAt' }, description: 'whole days since the last email open' },
  top_category: { kind: 'string', source: { column: 'topCategory' }, description: 'the category bought most (by items; ties by name)' },
  rfm_r: { kind: 'number', source: { column: 'rfmR' }, description: 'RFM recency score 1–5 (5 = most recent)' },
  rfm_f: { kind: 'number', source: { column: 'rfmF' }, description: 'RFM frequency score 1–5' },
  rfm_m: { kind: 'number', source: { column: 'rfmM' }, description: 'RFM monetary score 1–5' },
  rfm_score: { kind: 'number', source: { column: 'rfmScore' }, description: 'RFM cell as a number: 100·R + 10·F + M (e.g. 545)' },
  rfm_segment: { kind: 'string', source: { column: 'rfmSegment' }, description: 'the named RFM segment (Champions, At Risk, …)' },
  cluster: { kind: 'number', source: { column: 'cluster' }, description: 'the cluster of the last saved `tailor cluster` run (-1: DBSCAN noise)' },
  churn_risk: { kind: 'number', source: { column: 'churnRisk' }, description: 'probability of no order in the churn model\'s horizon (0–1)' },
  purchase_propensity: { kind: 'number', source: { column: 'purchasePropensity' }, description: 'probability of an order in the next 30 days (0–1)' },
  predicted_revenue_90d: { kind: 'number', source: { column: 'predictedRevenue90d' }, description: 'predicted revenue over the next 90 days' },
  p_alive: { kind: 'number', source: { column: 'pAlive' }, description: 'BG/NBD probability that the customer is still active (0–1)' },
  clv: { kind: 'number', source: { column: 'clv' }, description: 'discounted customer lifetime value over the `tailor clv fit` horizon' },
};

/**
 * The definition of a feature, or undefined for an unknown name. Not `FEATURES[name]`: a rule's
 * name may be `constructor` or `__proto__`, which a plain object answers from its prototype.
 */
export const featureDef = (name: string): FeatureDef | undefined => (Object.hasOwn(FEATURES, name) ? FEATURES[name] : undefined);

/**
 * The fields that batch jobs own (RFM, models) rather than events: recomputing a row from events
 * keeps them, and writes of event-derived columns never touch them.
 */
export const BATCH_FIELDS = ['rfmR', 'rfmF', 'rfmM', 'rfmScore', 'rfmSegment', 'cluster', 'churnRisk', 'purchasePropensity',
  'predictedRevenue90d', 'pAlive', 'clv'] as const satisfies readonly (keyof FeatureRow)[];

/** `row` (recomputed from events) with the batch-owned fields of `prev` (the stored row). */
export function keepBatchFields(row: FeatureRow, prev: FeatureRow | undefined): FeatureRow {
  if (!prev) return row;
  const out = { ...row } as Record<string, unknown>;
  for (const k of BATCH_FIELDS) out[k] = prev[k];
  return out as unknown as FeatureRow;
}

/** The snake_case column of a FeatureRow field. */
export const columnOf = (field: string): string => field.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);

/** A feature's value for one profile at `now`; null when it has none (no row, or no orders for recency). */
export function featureValue(name: string, row: FeatureRow | null, now: number): number | string | null {
  const def = featureDef(name);
  if (!def) return null;
  const s = def.source;
  if ('column' in s) {
    if (row === null) return name === 'frequency' || name === 'monetary' || name.endsWith('_90d') || name.endsWith('_30d') ? 0 : null;
    return row[s.column] as number | string | null;
  }
  if (row === null) return null;
  if ('daysSince' in s) {
    const t = row[s.daysSince];
    return t === null ? null : Math.floor((now - t) / DAY_MS);
  }
  return row.frequency > 0 ? row.monetary / row.frequency : null;
}

/** Features that read the 90-day or 30-day windows: they change when `windowsExpireAt` passes. */
export const isWindowed = (name: string): boolean => /_(90|30)d$/.test(name);

export const emptyHistogram = (): number[] => new Array<number>(168).fill(0);

/** Hour of the week in UTC, Monday 00:00 = 0. */
export function hourOfWeek(t: number): number {
  const d = new Date(t);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}
