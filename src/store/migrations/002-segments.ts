import type { MigrationDdl } from './types.ts';

/**
 * Features, consent, segments with membership history, size history and window timers.
 * Feature and timer times are epoch milliseconds (BIGINT) on both dialects, unlike the rest of
 * the schema: rules do arithmetic on them (recency_days = (now - last_order_at) / day) and one
 * expression then serves both dialects.
 */
export const segments: MigrationDdl = (t) => [
  `CREATE TABLE profile_features (
    profile_id TEXT PRIMARY KEY,
    first_event_at BIGINT,
    last_event_at BIGINT,
    frequency INTEGER NOT NULL DEFAULT 0,
    monetary ${t.real} NOT NULL DEFAULT 0,
    first_order_at BIGINT,
    last_order_at BIGINT,
    orders_90d INTEGER NOT NULL DEFAULT 0,
    revenue_90d ${t.real} NOT NULL DEFAULT 0,
    opens_30d INTEGER NOT NULL DEFAULT 0,
    clicks_30d INTEGER NOT NULL DEFAULT 0,
    last_open_at BIGINT,
    last_click_at BIGINT,
    top_category TEXT,
    category_counts ${t.json} NOT NULL,
    hour_histogram ${t.json} NOT NULL,
    rfm_r INTEGER,
    rfm_f INTEGER,
    rfm_m INTEGER,
    rfm_score INTEGER,
    rfm_segment TEXT,
    windows_as_of BIGINT NOT NULL,
    windows_expire_at BIGINT,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE INDEX profile_features_expire ON profile_features (windows_expire_at) WHERE windows_expire_at IS NOT NULL`,
  `CREATE TABLE consents (
    profile_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (profile_id, purpose)
  )`,
  `CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    rules ${t.json} NOT NULL,
    options ${t.json} NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    computed_at BIGINT
  )`,
  `CREATE TABLE segment_memberships (
    segment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    exited_at BIGINT,
    PRIMARY KEY (segment_id, profile_id, entered_at)
  )`,
  `CREATE UNIQUE INDEX segment_members_current ON segment_memberships (segment_id, profile_id) WHERE exited_at IS NULL`,
  `CREATE INDEX segment_memberships_profile ON segment_memberships (profile_id) WHERE exited_at IS NULL`,
  `CREATE TABLE segment_sizes (
    segment_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    size INTEGER NOT NULL,
    entered INTEGER NOT NULL,
    exited INTEGER NOT NULL,
    PRIMARY KEY (segment_id, at)
  )`,
  `CREATE TABLE segment_timers (
    segment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    PRIMARY KEY (segment_id, profile_id)
  )`,
  `CREATE INDEX segment_timers_due ON segment_timers (due_at)`,
];
