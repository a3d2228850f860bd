import type { MigrationDdl } from './types.ts';

/**
 * Campaign reports from rollups kept current as tracking events arrive (core/tracking/report-follower.ts),
 * never by scanning all events:
 * - `sends.segment_id`: the include segment that brought the recipient (the per-segment breakdown);
 *   `sends_report` makes the report's grouped count of send states an index-only scan;
 * - `report_rollups`: counters per (campaign, step, arm, segment, hour); '' stands for "none" in
 *   arm and segment, since a key column cannot be NULL;
 * - `report_touches`: per message, a bit per kind of touch already counted (first raw/human open
 *   and click, bounce, complaint, unsubscribe), which makes "unique" counts exact;
 * - `report_links`: clicks per link of a campaign, for a click map;
 * - `report_cursors`: how far through the events table (by its sequence) the follower got. It is
 *   moved in the same transaction as the counters, compare-and-set, so a batch counts once.
 */
export const trackingRollups: MigrationDdl = (t) => [
  'ALTER TABLE sends ADD COLUMN segment_id TEXT',
  'CREATE INDEX sends_report ON sends (campaign_id, state, step, arm, segment_id, reason, sent_at)',
  `CREATE TABLE report_rollups (
    campaign_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    arm TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    hour ${t.ts} NOT NULL,
    opens_raw BIGINT NOT NULL DEFAULT 0,
    opens_human BIGINT NOT NULL DEFAULT 0,
    unique_opens_raw BIGINT NOT NULL DEFAULT 0,
    unique_opens_human BIGINT NOT NULL DEFAULT 0,
    clicks_raw BIGINT NOT NULL DEFAULT 0,
    clicks_human BIGINT NOT NULL DEFAULT 0,
    unique_clicks_raw BIGINT NOT NULL DEFAULT 0,
    unique_clicks_human BIGINT NOT NULL DEFAULT 0,
    unsubscribes BIGINT NOT NULL DEFAULT 0,
    complaints BIGINT NOT NULL DEFAULT 0,
    bounces BIGINT NOT NULL DEFAULT 0,
    conversions BIGINT NOT NULL DEFAULT 0,
    revenue ${t.real} NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, step, arm, segment_id, hour)
  )`,
  `CREATE TABLE report_touches (
    touch_key TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    seen INTEGER NOT NULL
  )`,
  `CREATE TABLE report_links (
    campaign_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    url TEXT NOT NULL,
    clicks_raw BIGINT NOT NULL DEFAULT 0,
    clicks_human BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, link_id, url)
  )`,
  `CREATE TABLE report_cursors (
    name TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
];
