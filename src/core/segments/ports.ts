import type { Rule } from '../schemas/segment-rule.ts';
import type { SegmentOptions } from './options.ts';
import type { ProfileData } from './profile-data.ts';

/** A saved segment. */
export interface SegmentRecord {
  id: string;
  name: string;
  description: string | null;
  rules: Rule;
  options: SegmentOptions;
  version: number;
  status: 'computing' | 'ready' | 'error';
  size: number;
  createdAt: number;
  updatedAt: number;
  computedAt: number | null;
}

export interface MembershipWrite { segmentId: string; segmentName: string; profileId: string; entered: boolean; at: number }
/** dueAt null removes the timer. */
export interface TimerWrite { segmentId: string; profileId: string; dueAt: number | null }

export interface SegmentWrites {
  memberships: MembershipWrite[];
  timers: TimerWrite[];
  /** Replace every timer of these segments with the ones given (batch recompute). */
  replaceTimersOf?: string[];
  /** Memberships closed without an event: profiles merged into another. */
  mergedAway?: string[];
  /** Segment rows to save in the same transaction (status, size, computedAt). */
  segments?: SegmentRecord[];
  at: number;
}

/** A profile as the real-time path loads it: its data and its current memberships (segment id → entered at). */
export interface LoadedProfile { data: ProfileData; standing: Map<string, number> }

/** What the segment engine needs from storage (implemented in src/store/segments/segment-store.ts). */
export interface SegmentStore {
  list(): Promise<SegmentRecord[]>;
  save(s: SegmentRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** Live profile ids matching a compiled query. */
  matching(q: { sql: string; params: unknown[] }): Promise<string[]>;
  /** How many live profiles a compiled query matches, and the first `limit` of them by id. */
  countAndSample(q: { sql: string; params: unknown[] }, limit: number): Promise<{ count: number; sample: string[] }>;
  /** Current members: profile id → entered at. */
  members(segmentId: string): Promise<Map<string, number>>;
  /** Live profiles with their events of the given names; segment names resolved through `names` (id → name). */
  loadProfiles(ids: string[], eventNames: string[], names: ReadonlyMap<string, string>): Promise<Map<string, LoadedProfile>>;
  /** All or nothing: memberships (with their segment.entered/exited events and size history), timers, segment rows. */
  write(w: SegmentWrites): Promise<void>;
  /** Profiles written after `since` (epoch ms): the live ones, and those merged into another. */
  changedSince(since: number): Promise<{ live: string[]; merged: string[] }>;
  dueTimers(now: number, limit: number): Promise<{ segmentId: string; profileId: string }[]>;
  nextDue(): Promise<number | null>;
  /** Per profile, the earliest timestamp of events named `name` in (from, to]. */
  earliestEvents(name: string, from: number | null, to: number | null): Promise<Map<string, number>>;
  /** Per profile, a stored feature time column (camelCase FeatureRow field) that is not null. */
  featureTimes(field: string): Promise<Map<string, number>>;
}
