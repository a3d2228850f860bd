import type { MigrationDdl } from './types.ts';

/** Profiles, identities, events, change log, data quality, products, imports, settings. */
export const initial: MigrationDdl = (t) => [
  `CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    traits ${t.json} NOT NULL,
    trait_stamps ${t.json} NOT NULL,
    first_seen_at ${t.ts} NOT NULL,
    last_seen_at ${t.ts} NOT NULL,
    created_at ${t.ts} NOT NULL,
    updated_at ${t.ts} NOT NULL,
    merged_into TEXT
  )`,
  `CREATE INDEX profiles_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL`,
  `CREATE INDEX profiles_last_seen ON profiles (last_seen_at)`,
  // lookup is the (future blind-indexed) search key; value is the (future encrypted) identifier.
  `CREATE TABLE identities (
    kind TEXT NOT NULL,
    lookup TEXT NOT NULL,
    value TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    created_at ${t.ts} NOT NULL,
    PRIMARY KEY (kind, lookup)
  )`,
  `CREATE INDEX identities_profile ON identities (profile_id)`,
  `CREATE TABLE events (
    id ${t.serial},
    message_id TEXT NOT NULL UNIQUE,
    profile_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    timestamp ${t.ts} NOT NULL,
    received_at ${t.ts} NOT NULL,
    sent_at ${t.ts},
    original_timestamp ${t.ts},
    properties ${t.json} NOT NULL,
    context ${t.json},
    integrations ${t.json},
    source TEXT NOT NULL
  )`,
  `CREATE INDEX events_profile_time ON events (profile_id, timestamp)`,
  `CREATE INDEX events_name_time ON events (name, timestamp)`,
  `CREATE TABLE changes (
    id ${t.serial},
    profile_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT,
    old_value ${t.json},
    new_value ${t.json},
    source TEXT NOT NULL,
    message_id TEXT,
    at ${t.ts} NOT NULL
  )`,
  `CREATE INDEX changes_profile ON changes (profile_id, id)`,
  `CREATE TABLE quality_issues (
    id ${t.serial},
    profile_id TEXT,
    message_id TEXT,
    field TEXT NOT NULL,
    value ${t.json},
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    at ${t.ts} NOT NULL
  )`,
  `CREATE INDEX quality_field ON quality_issues (field, reason)`,
  `CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT,
    category TEXT,
    price ${t.real},
    currency TEXT,
    url TEXT,
    image_url TEXT,
    in_stock INTEGER NOT NULL DEFAULT 1,
    attributes ${t.json} NOT NULL,
    updated_at ${t.ts} NOT NULL
  )`,
  `CREATE TABLE import_runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    started_at ${t.ts} NOT NULL,
    finished_at ${t.ts},
    status TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    merged INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    rejects_file TEXT
  )`,
  `CREATE TABLE import_rejects (
    run_id TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (run_id, row_number)
  )`,
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];
