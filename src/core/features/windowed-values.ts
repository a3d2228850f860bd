import { ENGAGEMENT_WINDOW_MS, ORDERS_WINDOW_MS, type FeatureRow } from './catalog.ts';
import { eventKind, orderRevenue, type FeatureEvent } from './feature-event.ts';

export type WindowedValues = Pick<FeatureRow, 'orders90d' | 'revenue90d' | 'opens30d' | 'clicks30d' | 'windowsAsOf' | 'windowsExpireAt'>;

/**
 * The windowed counts as of `asOf`: a window of length W holds the events with asOf − W < t <= asOf.
 * `events` must hold at least every event of the profile in either window and every event after
 * `asOf`; others are ignored.
 *
 * `windowsExpireAt` is the first instant after `asOf` at which the row stops being exact: the oldest
 * event of a window leaves it (at t + W), or an event that lies in the future of `asOf` comes due
 * (at t). The second is an extension of "the oldest event leaves": the row as of T leaves out events
 * after T, so it is stale from the moment the first of them is due, for every feature.
 */
export function windowedValues(events: Iterable<FeatureEvent>, asOf: number): WindowedValues {
  const v: WindowedValues = { orders90d: 0, revenue90d: 0, opens30d: 0, clicks30d: 0, windowsAsOf: asOf, windowsExpireAt: null };
  const expire = (at: number) => {
    if (v.windowsExpireAt === null || at < v.windowsExpireAt) v.windowsExpireAt = at;
  };
  for (const e of events) {
    const t = e.timestamp;
    if (t > asOf) {
      expire(t);
      continue;
    }
    const kind = eventKind(e);
    if (kind === 'order' && t > asOf - ORDERS_WINDOW_MS) {
      v.orders90d++;
      v.revenue90d += orderRevenue(e.properties);
      expire(t + ORDERS_WINDOW_MS);
    } else if ((kind === 'open' || kind === 'click') && t > asOf - ENGAGEMENT_WINDOW_MS) {
      if (kind === 'open') v.opens30d++;
      else v.clicks30d++;
      expire(t + ENGAGEMENT_WINDOW_MS);
    }
  }
  return v;
}
