import type { FeatureRow } from '../features/catalog.ts';

/** An event as rules see it. */
export interface EvalEvent { name: string; timestamp: number; properties: Record<string, unknown> }

/** Everything the in-memory evaluator needs about one profile. */
export interface ProfileData {
  profileId: string;
  traits: Record<string, unknown>;
  features: FeatureRow | null;
  /** The profile's events with the names the rule mentions (others may be present and are ignored), in any order. */
  events: readonly EvalEvent[];
  /** Names of the segments the profile is currently a member of. */
  segments: ReadonlySet<string>;
  /** Purposes the profile has granted consent for. */
  consents: ReadonlySet<string>;
}
