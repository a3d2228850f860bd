/** What the status page, the health probe and the data-quality report read (src/store/system/status-queries.ts). */
export interface StatusQueriesPort {
  counts(): Promise<StoreCounts>;
  /** A cheap round trip to the database, for probes: one trivial query, never a count over events. */
  ping(): Promise<void>;
  /** Invalid values that were left out of profiles, grouped by field and reason, with the `recent` latest. */
  qualityReport(recent?: number): Promise<QualityReport>;
}

export interface StoreCounts { profiles: number; identities: number; events: number; products: number; changes: number; qualityIssues: number }

export interface QualityReport {
  total: number;
  byField: { field: string; reason: string; count: number; example: unknown }[];
  recent: { profileId: string | null; messageId: string | null; field: string; value: unknown; reason: string; source: string; at: string }[];
}
