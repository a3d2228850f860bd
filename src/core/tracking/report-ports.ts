/**
 * What the report follower and the campaign report need from storage (src/store/tracking/). The
 * follower reads tracking events by the events table's sequence and writes rollups; the report
 * reads the rollups and a grouped count of the `sends` table.
 */

/** An event the follower reads. `id` is the events table's own sequence. */
export interface FollowedEvent {
  id: number;
  profileId: string;
  name: string;
  /** When it happened (epoch ms). */
  timestamp: number;
  /** When Tailor stored it: the settle window is measured on this. */
  receivedAt: number;
  properties: Record<string, unknown>;
}

/** The send row a tracking event belongs to (found by its message id). */
export interface SendDims {
  messageId: string;
  campaignId: string;
  profileId: string;
  step: number;
  arm: string | null;
  segmentId: string | null;
  state: string;
}

/** A tracking event that may earn an order's credit (read from the events table by profile and time). */
export interface TouchCandidate {
  profileId: string;
  kind: 'click' | 'open';
  at: number;
  /** False for machine opens and bot clicks: they never attribute. */
  human: boolean;
  campaignId: string;
  step: number;
  arm: string | null;
  emailId: string | null;
}

/** A campaign's attribution windows in days. */
export interface AttributionWindows { clickDays: number; openDays: number }

/** The counters of one (campaign, step, arm, segment, hour); arm and segment '' stand for none. */
export interface RollupKey { campaignId: string; step: number; arm: string; segmentId: string; hour: number }
export const ROLLUP_COUNTERS = [
  'opensRaw', 'opensHuman', 'uniqueOpensRaw', 'uniqueOpensHuman', 'clicksRaw', 'clicksHuman', 'uniqueClicksRaw', 'uniqueClicksHuman',
  'unsubscribes', 'complaints', 'bounces', 'conversions', 'revenue',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export type RollupRow = RollupKey & Record<RollupCounter, number>;

export interface LinkRow { campaignId: string; linkId: string; url: string; clicksRaw: number; clicksHuman: number }

/** The attribution written onto an `Order Completed` event. */
export interface Attribution {
  campaign_id: string;
  step: number;
  arm: string | null;
  touch: 'click' | 'open';
  /** ISO 8601. */
  touched_at: string;
  email_id: string | null;
}

/** Everything one batch changes, written in one transaction with the cursor. */
export interface RollupPlan {
  rollups: RollupRow[];
  links: LinkRow[];
  /** Touch bits to OR into report_touches (bits in report-rollup.ts). */
  touches: { key: string; campaignId: string; bits: number }[];
  /** Attribution decided for these order events (by event id). */
  orders: { eventId: number; attribution: Attribution }[];
}

export interface ReportFollowerPort {
  /** The last event id processed (0 before the first batch). */
  cursor(): Promise<number>;
  /** The event with the greatest id in (afterId, afterId + span], or null when there is none. */
  lastEventWithin(afterId: number, span: number): Promise<{ id: number; receivedAt: number } | null>;
  /** Events named one of `names` with an id in (afterId, upTo], in id order, at most `limit`. */
  eventsAfter(afterId: number, upTo: number, names: readonly string[], limit: number): Promise<FollowedEvent[]>;
  /** Send rows by message id. */
  sendsByMessage(messageIds: readonly string[]): Promise<Map<string, SendDims>>;
  /** The latest sent row of each (campaign, profile) pair, keyed `campaignId|profileId` (unsubscribes name only the campaign). */
  sentTo(pairs: readonly { campaignId: string; profileId: string }[]): Promise<Map<string, SendDims>>;
  /** Opens and clicks of these profiles with a timestamp in [from, to]. */
  touchCandidates(profileIds: readonly string[], from: number, to: number): Promise<TouchCandidate[]>;
  /** Each campaign's windows (the defaults for one that sets none; absent for an unknown campaign). */
  windows(campaignIds: readonly string[]): Promise<Map<string, AttributionWindows>>;
  /** The touch bits already recorded for these keys. */
  touches(keys: readonly string[]): Promise<Map<string, number>>;
  /**
   * Applies the plan and moves the cursor from `from` to `to` in one transaction, only if the
   * cursor is still `from` (a second follower that read the same batch loses and writes nothing);
   * returns whether it won.
   */
  apply(from: number, to: number, plan: RollupPlan, at: number): Promise<boolean>;
}

/** One group of the grouped count of a campaign's send rows. */
export interface SendGroup { step: number; arm: string | null; segmentId: string | null; state: string; reason: string | null; count: number }
/** Sent rows per hour of sent_at, with the first and last send time in that hour. */
export interface SentHour { hour: number; count: number; first: number; last: number }

export interface ReportQueriesPort {
  sendGroups(campaignId: string): Promise<SendGroup[]>;
  sentHours(campaignId: string): Promise<SentHour[]>;
  rollups(campaignId: string): Promise<RollupRow[]>;
  links(campaignId: string): Promise<LinkRow[]>;
  /** Segment id → name (for the segments that still exist). */
  segmentNames(ids: readonly string[]): Promise<Map<string, string>>;
}
