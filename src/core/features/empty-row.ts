import { emptyHistogram, type FeatureRow } from './catalog.ts';

/** The row of a profile with no events, as of `asOf`. */
export function emptyFeatureRow(profileId: string, asOf: number): FeatureRow {
  return {
    profileId, firstEventAt: null, lastEventAt: null, frequency: 0, monetary: 0, firstOrderAt: null, lastOrderAt: null,
    orders90d: 0, revenue90d: 0, opens30d: 0, clicks30d: 0, lastOpenAt: null, lastClickAt: null, topCategory: null,
    categoryCounts: {}, hourHistogram: emptyHistogram(), rfmR: null, rfmF: null, rfmM: null, rfmScore: null, rfmSegment: null,
    cluster: null, churnRisk: null, purchasePropensity: null, predictedRevenue90d: null, pAlive: null, clv: null,
    windowsAsOf: asOf, windowsExpireAt: null,
  };
}
