import type { Moments } from './means.ts';

/** What was seen for one arm (or the holdout): counts of recipients with at least one event. */
export interface ArmObservation {
  key: string;
  recipients: number;
  opens: number;
  clicks: number;
  conversions: number;
  /** Revenue per recipient (n = recipients); null when only a total is known (no spread). */
  revenue: Moments | null;
  /** Per-recipient revenue, when known, for the bootstrap interval. */
  revenueValues?: number[];
}

export const RATE_METRICS = ['open', 'click', 'conversion'] as const;
export type RateMetric = (typeof RATE_METRICS)[number];

export const successesOf = (o: ArmObservation, m: RateMetric): number =>
  m === 'open' ? o.opens : m === 'click' ? o.clicks : o.conversions;

/** Observations summed over arms: a multivariate factor level, or all mailed arms together. */
export function pool(key: string, obs: readonly ArmObservation[]): ArmObservation {
  const revenue = obs.every((o) => o.revenue !== null)
    ? obs.reduce<Moments>((s, o) => ({ n: s.n + o.revenue!.n, sum: s.sum + o.revenue!.sum, sumSquares: s.sumSquares + o.revenue!.sumSquares }), { n: 0, sum: 0, sumSquares: 0 })
    : null;
  const values = obs.every((o) => o.revenueValues) ? obs.flatMap((o) => o.revenueValues!) : undefined;
  return {
    key,
    recipients: obs.reduce((s, o) => s + o.recipients, 0),
    opens: obs.reduce((s, o) => s + o.opens, 0),
    clicks: obs.reduce((s, o) => s + o.clicks, 0),
    conversions: obs.reduce((s, o) => s + o.conversions, 0),
    revenue,
    ...(values ? { revenueValues: values } : {}),
  };
}
