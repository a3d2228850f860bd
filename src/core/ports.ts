import type { FeatureRow } from './features/catalog.ts';
import type { FeatureEvent } from './features/feature-event.ts';
import type { Identity } from './identity/identity-keys.ts';
import type { BatchPlan } from './ingest/plan-batch.ts';
import type { ConsentTx } from './privacy/consent-state.ts';
import type { ProfileState } from './schemas/profile.ts';

/**
 * The narrow interfaces core needs from the outside. Each is declared here, by the code that uses
 * it, and implemented in src/store (or src/jobs, src/delivery) and wired in src/main.ts.
 */
export interface Clock { now(): number }

/** What the ingest transaction reads and writes of feature rows (see features/update-features.ts). */
export interface FeatureTx {
  loadFeatureRows(profileIds: string[]): Promise<Map<string, FeatureRow>>;
  /** Every event of these profiles (properties only needed for orders). */
  allFeatureEvents(profileIds: string[]): Promise<FeatureEvent[]>;
  /** Per profile: its order, open and click track events after `windowStart`, and all of its events after `since`. */
  recentFeatureEvents(profiles: { profileId: string; since: number }[], windowStart: number): Promise<FeatureEvent[]>;
  /** Upserts the rows; stored RFM scores are left as they are. */
  saveFeatureRows(rows: FeatureRow[], at: number): Promise<void>;
  deleteFeatureRows(profileIds: string[]): Promise<void>;
}

/** One ingest transaction: what the batch planner must read, and the plan it writes back. */
export interface IngestTx extends FeatureTx, ConsentTx {
  existingMessageIds(ids: string[]): Promise<Set<string>>;
  /** identity key (`kind:value`) → live profile id, for those that exist. */
  lookupIdentities(ids: Identity[]): Promise<Map<string, string>>;
  /**
   * Loads live profiles (and, on PostgreSQL, locks them for the transaction). Where a concurrent
   * transaction merged one away since `lookupIdentities`, the store runs the batch again rather
   * than return a state the plan cannot follow.
   */
  loadProfiles(ids: string[]): Promise<Map<string, ProfileState>>;
  apply(plan: BatchPlan): Promise<void>;
}

export interface IngestStore {
  /** Runs `fn` in one transaction; all or nothing. May retry `fn` on a write conflict. */
  transaction<T>(fn: (tx: IngestTx) => Promise<T>): Promise<T>;
}
