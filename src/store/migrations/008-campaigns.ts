import type { MigrationDdl } from './types.ts';

/**
 * Campaigns and their sends. `sends` is the queue: one row per (campaign, occurrence, step,
 * recipient) with its state, due time, attempts and the reason of every non-send; a sender claims
 * due rows with a lease, so a second process or a restart takes over without a duplicate.
 * `suppressions` holds addresses and domains that never get marketing mail (hard bounces,
 * complaints, imported lists). Times are epoch ms (BIGINT) on both dialects.
 */
export const campaigns: MigrationDdl = (t) => [
  `CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    spec ${t.json} NOT NULL,
    audience_cursor TEXT,
    audience_done INTEGER NOT NULL DEFAULT 0,
    occurrence TEXT,
    next_run_at BIGINT,
    pinned ${t.json} NOT NULL,
    launched_at BIGINT,
    finished_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE TABLE sends (
    id ${t.serial},
    campaign_id TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    step INTEGER NOT NULL,
    profile_id TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    detail TEXT,
    arm TEXT,
    email TEXT,
    lease_owner TEXT,
    lease_until BIGINT,
    in_doubt INTEGER NOT NULL DEFAULT 0,
    sent_at BIGINT,
    response TEXT,
    trigger_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (campaign_id, occurrence, step, profile_id)
  )`,
  `CREATE INDEX sends_due ON sends (due_at) WHERE state IN ('queued', 'deferred')`,
  `CREATE INDEX sends_leased ON sends (lease_until) WHERE state IN ('rendering', 'sending')`,
  `CREATE INDEX sends_profile_sent ON sends (profile_id, sent_at) WHERE state = 'sent'`,
  `CREATE INDEX sends_campaign_state ON sends (campaign_id, state)`,
  `CREATE TABLE suppressions (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
  )`,
  `CREATE TABLE delivery_reports (
    id ${t.serial},
    message_id TEXT,
    email TEXT,
    kind TEXT NOT NULL,
    severity TEXT,
    status TEXT,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    at BIGINT NOT NULL
  )`,
  `CREATE INDEX delivery_reports_email ON delivery_reports (email)`,
  `CREATE TABLE transactional_keys (
    idempotency_key TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
];
