import type { Interaction } from './interactions.ts';
import type { Membership, SegmentPopular } from './popularity.ts';
import type { CatalogItem, Recommendation } from './recommend.ts';
import type { Scored } from './scoring.ts';
import type { Neighbours } from './similarity.ts';

/** The built model as stored: similarities and the popularity lists that refresh() re-uses. */
export interface StoredRecsModel {
  name: string;
  /** The instant the model describes (epoch ms): interactions after it were not used. */
  asOf: number;
  computedAt: number;
  neighbours: Neighbours;
  popular: Scored[];
  segments: SegmentPopular[];
}

export interface ProfileRecs { profileId: string; items: Recommendation[] }

/** What the recommendation use cases need from storage (src/store/content/recs-store.ts implements it for both dialects). */
export interface RecsPort {
  /** Every product interaction at or before `to` (of these profiles only, when given), page by page. */
  interactions(to: number, profileIds?: readonly string[]): AsyncIterable<Interaction[]>;
  /** The time of the latest product interaction, or null when there is none. */
  lastInteractionAt(): Promise<number | null>;
  catalog(): Promise<CatalogItem[]>;
  /** Segment memberships current at `at` (of these profiles only, when given). */
  memberships(at: number, profileIds?: readonly string[]): Promise<Membership[]>;
  /** The ids of all live (not merged-away) profiles, in pages of up to `size`. */
  profilePages(size: number): AsyncIterable<string[]>;
  /** Those of `ids` that are live profiles. */
  liveProfiles(ids: readonly string[]): Promise<string[]>;
  /** Replaces the stored model, in one transaction. */
  saveModel(model: StoredRecsModel): Promise<void>;
  loadModel(): Promise<StoredRecsModel | null>;
  /** Upserts these profiles' lists and deletes those of `remove`, in one transaction. */
  saveLists(lists: readonly ProfileRecs[], model: string, at: number, remove?: readonly string[]): Promise<void>;
  /** Deletes the lists of profiles that are no longer live; returns how many. */
  prune(): Promise<number>;
}
