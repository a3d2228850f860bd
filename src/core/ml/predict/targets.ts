import { DAY_MS } from '../../features/catalog.ts';
import type { Task } from '../supervised/model.ts';

/**
 * What a predictive model predicts. The store targets come from a time split: features as of a
 * cut-off, the label from the orders in the horizon after it (README "Models"):
 * - churn: a customer (at least one order by the cut-off) places no order in the next N days (default 90);
 * - purchase_30d: a profile with any activity by the cut-off orders within 30 days;
 * - revenue_90d: revenue in the next 90 days (regression);
 * - `trait:<name>`: a label imported as a trait (a CRM churn flag, say); no time split applies.
 */
export type StoreTarget = 'churn' | 'purchase_30d' | 'revenue_90d';
export const STORE_TARGETS: readonly StoreTarget[] = ['churn', 'purchase_30d', 'revenue_90d'];

export interface Outcome { orders: number; revenue: number }

export interface TargetDef {
  task: Task;
  defaultHorizonDays: number;
  /** The profile feature scoring writes. */
  writes: 'churn_risk' | 'purchase_propensity' | 'predicted_revenue_90d';
  /** Who gets a label (and a score): by their features as of the cut-off. */
  eligible(frequency: number, tenureDays: number | null): boolean;
  label(o: Outcome): number;
}

export const TARGETS: Record<StoreTarget, TargetDef> = {
  churn: {
    task: 'classification', defaultHorizonDays: 90, writes: 'churn_risk',
    eligible: (frequency) => frequency > 0,
    label: (o) => (o.orders === 0 ? 1 : 0),
  },
  purchase_30d: {
    task: 'classification', defaultHorizonDays: 30, writes: 'purchase_propensity',
    eligible: (_f, tenure) => tenure !== null,
    label: (o) => (o.orders > 0 ? 1 : 0),
  },
  revenue_90d: {
    task: 'regression', defaultHorizonDays: 90, writes: 'predicted_revenue_90d',
    eligible: (_f, tenure) => tenure !== null,
    label: (o) => o.revenue,
  },
};

export const horizonMs = (days: number): number => days * DAY_MS;

/**
 * A trait value as a label: booleans, 0/1, and yes/no/true/false words are binary; other numbers
 * make a regression label. Null: no usable label (the row is left out and counted).
 */
export function traitLabel(v: unknown): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'y', 'churned'].includes(s)) return 1;
    if (['0', 'false', 'no', 'n', 'active'].includes(s)) return 0;
    if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  }
  return null;
}

/** Classification when every label is 0 or 1. */
export const taskOf = (labels: ArrayLike<number>): Task =>
  Array.prototype.every.call(labels, (v: number) => v === 0 || v === 1) ? 'classification' : 'regression';
